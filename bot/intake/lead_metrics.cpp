#include "bot/intake/lead_metrics.h"

#include "bot/metrics/metrics.h"

namespace leadrouter {

void CountLead(std::string_view channel, std::string_view source,
               std::string_view segment, const AcceptedLead& accepted) {
  if (accepted.status >= 400) return;  // a key reused with another body
  metrics::Metrics& m = metrics::Global();
  m.LeadReceived(channel, source,
                 accepted.replayed ? "replayed" : accepted.duplicate ? "duplicate" : "accepted");
  CountRouted(accepted.route, accepted.route_name, accepted.pool, segment);
}

void CountRouted(std::string_view route, std::string_view route_name,
                 std::string_view pool, std::string_view segment) {
  if (route.empty()) return;
  metrics::Global().LeadRouted(route_name.empty() ? route : route_name,
                               pool.empty() ? "none" : pool, segment);
}

}  // namespace leadrouter
