#include "bot/metrics/metrics_service.h"

#include "bot/http/intake_auth.h"
#include "bot/metrics/metrics.h"
#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/job_stats.h"
#include "storage/wal_checkpointer.h"

namespace leadrouter {
namespace {

// The text exposition format's own content type.
constexpr char kTextFormat[] = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

MetricsService::MetricsService(StorageWriter& writer, const Clock& clock,
                               const SlackHealth& slack, std::optional<std::string> token,
                               const storage::WalCheckpointer* wal)
    : writer_(writer), clock_(clock), slack_(slack), token_(std::move(token)), wal_(wal) {}

void MetricsService::RegisterRoutes(HttpServer& server) {
  server.Route("GET", "/metrics", [this](const HttpRequest& r, Responder done) {
    HandleMetrics(r, std::move(done));
  });
}

void MetricsService::HandleMetrics(const HttpRequest& request, Responder respond) {
  if (token_ && !ConstantTimeEquals(request.Header("Authorization"), "Bearer " + *token_)) {
    return respond(HttpResponse::Error(401, "a bearer token is required", "Authorization"));
  }
  const SystemTime now = clock_.Now();
  writer_.Call<std::vector<storage::KindStats>>(
      [now](storage::Database& db) { return storage::JobStatsByKind(db.db(), now); },
      [this, respond = std::move(respond)](Result<std::vector<storage::KindStats>> stats) {
        metrics::Metrics& m = metrics::Global();
        if (stats.ok()) {
          std::vector<metrics::Metrics::JobGauges> gauges;
          for (const storage::KindStats& s : stats.value()) {
            gauges.push_back({s.kind, static_cast<double>(s.due),
                              static_cast<double>(s.scheduled),
                              static_cast<double>(s.running), static_cast<double>(s.dead),
                              s.oldest_due_seconds});
          }
          m.SetJobGauges(gauges);
        }
        m.SetSlackState(slack_.state);
        if (wal_ != nullptr) m.SetWalPages(wal_->wal_pages());
        HttpResponse response;
        response.status = 200;
        response.content_type = kTextFormat;
        response.body = m.Render();
        respond(std::move(response));
      });
}

}  // namespace leadrouter
