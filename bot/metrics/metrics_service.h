// MetricsService: GET /metrics on the intake listener, in Prometheus's text
// format. Behind `Authorization: Bearer $LEADROUTER_METRICS_TOKEN` when that
// is set, open otherwise (the listener is loopback by default). The queue's
// gauges are read from the database through the writer at each scrape.
// Thread rule: loop thread only.
#pragma once

#include <optional>
#include <string>

#include "bot/daemon/health.h"
#include "bot/http/http_server.h"
#include "bot/runtime/clock.h"

namespace leadrouter {

class StorageWriter;
namespace storage {
class WalCheckpointer;
}

class MetricsService {
 public:
  // Every reference must outlive the service; `wal` too, when given.
  MetricsService(StorageWriter& writer, const Clock& clock, const SlackHealth& slack,
                 std::optional<std::string> token,
                 const storage::WalCheckpointer* wal = nullptr);

  void RegisterRoutes(HttpServer& server);

 private:
  void HandleMetrics(const HttpRequest& request, Responder respond);

  StorageWriter& writer_;
  const Clock& clock_;
  const SlackHealth& slack_;
  const std::optional<std::string> token_;
  const storage::WalCheckpointer* const wal_;
};

}  // namespace leadrouter
