#include "bot/intake/intake_service.h"

#include <chrono>
#include <map>
#include <string>

#include "bot/intake/accept_lead.h"
#include "bot/runtime/digest.h"
#include "bot/http/request_gate.h"
#include "bot/intake/json_post.h"
#include "bot/intake/lead_metrics.h"
#include "bot/daemon/log.h"
#include "bot/metrics/metrics.h"
#include "bot/runtime/stage_trace.h"
#include "bot/runtime/storage_writer.h"
#include "pipeline/process.h"
#include "storage/crm_event_store.h"
#include "storage/database.h"
#include "storage/inbound_email_store.h"
#include "storage/job_store.h"
#include "storage/queue_depth.h"

namespace leadrouter {
namespace {

constexpr char kLeadsPath[] = "/v1/leads";
// Idempotency keys are opaque to us; this bounds what we store per request.
constexpr size_t kMaxIdempotencyKey = 255;

// Times each pipeline step for the log line of the lead it belongs to.
class StepTimer final : public pipeline::StepObserver {
 public:
  StepTimer() : last_(std::chrono::steady_clock::now()) {}
  void StepDone(std::string_view step) override {
    auto now = std::chrono::steady_clock::now();
    steps_[std::string(step) + "_ms"] =
        std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
  }
  const nlohmann::json& steps() const { return steps_; }

 private:
  std::chrono::steady_clock::time_point last_;
  nlohmann::json steps_ = nlohmann::json::object();
};

}  // namespace

IntakeService::IntakeService(const Config& config, StorageWriter& writer,
                             RequestGate& gate, const Clock& clock,
                             const SlackHealth& slack)
    : config_(config), writer_(writer), gate_(gate), clock_(clock), slack_(slack) {}

void IntakeService::RegisterRoutes(HttpServer& server) {
  server.Route("POST", kLeadsPath, [this](const HttpRequest& r, Responder done) {
    HandleLead(r, std::move(done));
  });
  server.Route("GET", "/healthz", [this](const HttpRequest& r, Responder done) {
    HandleHealth(r, std::move(done));
  });
}

void IntakeService::HandleLead(const HttpRequest& request, Responder respond) {
  const SystemTime now = clock_.Now();
  if (!AdmitPost(gate_, request, now, "lead", respond)) return;
  std::string idem_key = request.Header("Idempotency-Key");
  if (idem_key.size() > kMaxIdempotencyKey) {
    return respond(HttpResponse::Error(400, "must be at most 255 characters",
                                       "Idempotency-Key"));
  }

  auto started = std::chrono::steady_clock::now();
  if (request.read_at_ns != 0) {
    stage_trace::MarkAt(stage_trace::Stage::kRequestRead, request.read_at_ns);
  }
  StepTimer timer;
  Result<pipeline::ProcessedLead> processed =
      pipeline::ProcessBody(request.body, config_.rules, now, &timer);
  stage_trace::Mark(stage_trace::Stage::kPipelineDone);
  nlohmann::json steps = timer.steps();
  steps["pipeline_ms"] = MillisSince(started);
  if (!processed.ok()) {
    return RejectBody(processed.status(), "lead", steps, respond);
  }

  auto lead = std::make_shared<pipeline::ProcessedLead>(std::move(processed).value());
  std::optional<IdempotencyClaim> idempotency;
  if (!idem_key.empty()) {
    idempotency = IdempotencyClaim{kLeadsPath, idem_key, Sha256Hex(request.body)};
  }
  const Config& config = config_;
  writer_.Call<AcceptedLead>(
      [lead, idempotency, now, &config](storage::Database& db) {
        return AcceptLead(db, *lead, idempotency, now, config);
      },
      [this, lead, respond = std::move(respond), started, steps](Result<AcceptedLead> out) {
        if (!out.ok()) {
          return RespondStoreFailed(out.status(), "lead", respond);
        }
        const AcceptedLead& o = out.value();
        // The answer first: the log line and the counters need not delay it.
        const double total_ms = MillisSince(started);
        respond(JsonText(o.status, o.body));
        // (The commit itself handed the jobs over or set the runner's timer.)
        CountLead("http", lead->source, pipeline::ToString(lead->segment), o);
        nlohmann::json fields = steps;
        fields["status"] = o.status;
        fields["total_ms"] = total_ms;
        if (o.lead_id) fields["lead_id"] = o.lead_id;
        if (!o.route.empty()) fields["route"] = o.route;
        logging::Info(o.replayed ? "lead.replayed"
                      : o.duplicate ? "lead.duplicate" : "lead.accepted", fields);
      });
}

namespace {

// Inbound e-mail since the database began: {"total", "by_outcome":
// {outcome: n}, "by_via": {via: {outcome: n}}}; every outcome is present.
nlohmann::json EmailCounts(const std::map<std::string, std::map<std::string, int64_t>>& rows) {
  nlohmann::json by_outcome = {{"pending", 0}, {"lead", 0}, {"not_a_lead", 0},
                               {"dead_letter", 0}, {"unknown_sender", 0}};
  nlohmann::json by_via = nlohmann::json::object();
  int64_t total = 0;
  for (const auto& [outcome, vias] : rows) {
    for (const auto& [via, n] : vias) {
      by_outcome[outcome] = by_outcome.value(outcome, int64_t{0}) + n;
      by_via[via][outcome] = n;
      total += n;
    }
  }
  return {{"total", total}, {"by_outcome", by_outcome}, {"by_via", by_via}};
}

}  // namespace

void IntakeService::HandleHealth(const HttpRequest&, Responder respond) {
  struct Counts {
    storage::QueueDepth queue;
    int64_t crm_unmatched = 0;
    std::map<std::string, std::map<std::string, int64_t>> emails;  // outcome → via → n
  };
  const SystemTime now = clock_.Now();
  writer_.Call<Counts>(
      [now](storage::Database& db) {
        return Counts{storage::CountQueue(db.db(), now),
                      storage::CrmEventStore(db.db()).CountUnmatched(),
                      storage::InboundEmailStore(db.db()).CountByOutcomeAndVia()};
      },
      [this, respond = std::move(respond)](Result<Counts> counts) {
        nlohmann::json slack = {{"state", slack_.state},
                                {"detail", slack_.detail},
                                {"web_api", slack_.web_api.ToJson()}};
        if (slack_.since.time_since_epoch().count() != 0) {
          slack["since_unix"] = std::chrono::duration_cast<std::chrono::seconds>(
                                    slack_.since.time_since_epoch()).count();
        }
        if (!counts.ok()) {
          return respond(HttpResponse::Json(
              503, {{"status", "degraded"}, {"storage", counts.status().message()},
                    {"slack", slack}}));
        }
        nlohmann::json body = {
            {"status", "ok"},
            {"slack", slack},
            // "pending" is what waits to run now; timers set for later are
            // "scheduled", not a backlog.
            {"queue", {{"pending", counts.value().queue.due},
                       {"scheduled", counts.value().queue.scheduled},
                       {"running", counts.value().queue.running},
                       {"dead", counts.value().queue.dead},
                       {"writer_backlog", writer_.queue_depth()}}},
            {"crm", {{"unmatched_total", counts.value().crm_unmatched}}},
            {"email", EmailCounts(counts.value().emails)}};
        for (const auto& [key, report] : reports_) body[key] = report();
        respond(HttpResponse::Json(200, body));
      });
}

void IntakeService::AddHealthReport(std::string key,
                                    std::function<nlohmann::json()> report) {
  reports_.emplace_back(std::move(key), std::move(report));
}

}  // namespace leadrouter
