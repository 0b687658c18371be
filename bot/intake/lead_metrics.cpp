#include "bot/intake/lead_metrics.h"

#include "bot/metrics/metrics.h"

namespace leadrouter {

void CountLead(std::string_view channel, std::string_view source,
               std::string_view segment, const AcceptedLead& accepted) {
  if (accepted.status >= 400) return;  // a key reused with another body
  metrics::Metrics& m = metrics::Global();
  m.LeadReceived(channel, source,
                 accepted.replayed ? "replayed" : accepted.duplicate ? "duplicate" : "accepted");
  if (!accepted.route.empty()) {
    // With [[pools]] a route names its pool; without, or for a lead no
    // pool takes (nurture, spam, triage), the pool is "none".
    m.LeadRouted(accepted.route_name.empty() ? accepted.route : accepted.route_name,
                 accepted.pool.empty() ? "none" : accepted.pool, segment);
  }
}

}  // namespace leadrouter
