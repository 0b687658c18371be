#include "bot/intake_service.h"

#include <chrono>

#include "bot/digest.h"
#include "bot/http/request_gate.h"
#include "bot/intake_consent.h"
#include "bot/job_runner.h"
#include "bot/json_post.h"
#include "bot/log.h"
#include "bot/outbox_plan.h"
#include "bot/sequence_enrollment.h"
#include "bot/storage_writer.h"
#include "pipeline/process.h"
#include "pipeline/route.h"
#include "storage/crm_event_store.h"
#include "storage/database.h"
#include "storage/idempotency_store.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

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

// What the writer decided for one POST.
struct IntakeOutcome {
  int status = 202;
  std::string body;
  int64_t lead_id = 0;
  bool replayed = false;
  bool duplicate = false;
  size_t jobs_written = 0;
  std::string route;
};

}  // namespace

AcceptedLead AcceptLead(storage::Database& db, const pipeline::ProcessedLead& lead,
                        SystemTime now, const Config& config) {
  AcceptedLead out;
  storage::LeadStore leads(db.db());
  storage::IntakeResult r = leads.Intake(
      lead, now, std::chrono::duration_cast<std::chrono::seconds>(
                     config.storage.dedupe_window));
  RecordIntakeConsent(db.db(), r.lead_id, lead, now);
  out.lead_id = r.lead_id;
  out.duplicate = r.duplicate;
  out.duplicate_of = r.duplicate_of;
  if (r.duplicate) {
    // A returning lead with an owner goes back to that owner (or, if
    // they are away, to the rotation) with the new message; one
    // without an owner is already on its way through its first route.
    auto stored = leads.Get(r.lead_id);
    if (stored && stored->owner_slack_id && !stored->taken_over_at) {
      storage::JobStore(db.db()).Enqueue(
          MakeJob(kJobAssignRoundRobin, r.lead_id,
                  {{"returning", true}, {"why", "returning lead"}}, now,
                  config),
          now);
      ++out.jobs_written;
    }
  } else {
    pipeline::RouteDecision route = pipeline::DecideRoute(lead);
    out.route = pipeline::ToString(route.kind);
    storage::Timeline(db.db()).Append(
        r.lead_id, now, "routed",
        {{"route", out.route}, {"reason", route.reason}});
    storage::JobStore jobs(db.db());
    for (const storage::NewJob& job : PlanJobs(route, r.lead_id, now, config)) {
      jobs.Enqueue(job, now);
      ++out.jobs_written;
    }
    // A lead no agent gets starts its sequence now; the others start
    // theirs when an owner takes them (their messages speak for one).
    if (route.kind == pipeline::RouteKind::kNurture) {
      if (auto stored = leads.Get(r.lead_id)) {
        out.jobs_written += EnrollInSequence(db, *stored, now, config).steps;
      }
    }
  }
  return out;
}

IntakeService::IntakeService(const Config& config, StorageWriter& writer,
                             JobRunner& runner, RequestGate& gate,
                             const Clock& clock, const SlackHealth& slack)
    : config_(config), writer_(writer), runner_(runner), gate_(gate),
      clock_(clock), slack_(slack) {}

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
  StepTimer timer;
  Result<pipeline::ProcessedLead> processed =
      pipeline::ProcessBody(request.body, config_.rules, now, &timer);
  nlohmann::json steps = timer.steps();
  steps["pipeline_ms"] = MillisSince(started);
  if (!processed.ok()) {
    return RejectBody(processed.status(), "lead", steps, respond);
  }

  auto lead = std::make_shared<pipeline::ProcessedLead>(std::move(processed).value());
  std::string body_hash = Sha256Hex(request.body);
  const Config& config = config_;
  writer_.Call<IntakeOutcome>(
      [lead, idem_key, body_hash, now, &config](storage::Database& db) {
        IntakeOutcome out;
        storage::IdempotencyStore idempotency(db.db());
        if (!idem_key.empty()) {
          auto seen = idempotency.Find(kLeadsPath, idem_key, now,
                                       std::chrono::duration_cast<std::chrono::seconds>(
                                           config.server.idempotency_ttl));
          if (seen) {
            out.replayed = true;
            if (seen->request_hash != body_hash) {
              out.status = 422;
              out.body = nlohmann::json{{"error", "this key was already used with a different body"},
                                        {"field", "Idempotency-Key"}}.dump();
            } else {
              out.status = seen->status;
              out.body = seen->body;
            }
            return out;
          }
        }
        const AcceptedLead r = AcceptLead(db, *lead, now, config);
        out.lead_id = r.lead_id;
        out.duplicate = r.duplicate;
        out.jobs_written = r.jobs_written;
        out.route = r.route;
        nlohmann::json body = {
            {"lead_id", r.lead_id},
            {"status", r.duplicate ? "duplicate" : "accepted"},
            {"duplicate_of", r.duplicate_of ? nlohmann::json(*r.duplicate_of)
                                            : nlohmann::json(nullptr)}};
        out.body = body.dump();
        if (!idem_key.empty()) {
          idempotency.Save(kLeadsPath, idem_key, body_hash, out.status, out.body, now);
        }
        return out;
      },
      [this, respond = std::move(respond), started, steps](Result<IntakeOutcome> out) {
        if (!out.ok()) {
          return RespondStoreFailed(out.status(), "lead", respond);
        }
        const IntakeOutcome& o = out.value();
        if (o.jobs_written > 0) runner_.Wake();
        nlohmann::json fields = steps;
        fields["status"] = o.status;
        fields["total_ms"] = MillisSince(started);
        if (o.lead_id) fields["lead_id"] = o.lead_id;
        if (!o.route.empty()) fields["route"] = o.route;
        logging::Info(o.replayed ? "lead.replayed"
                      : o.duplicate ? "lead.duplicate" : "lead.accepted", fields);
        respond(JsonText(o.status, o.body));
      });
}

void IntakeService::HandleHealth(const HttpRequest&, Responder respond) {
  struct Counts {
    int64_t pending = 0, running = 0, dead = 0;
    int64_t crm_unmatched = 0;
  };
  writer_.Call<Counts>(
      [](storage::Database& db) {
        storage::JobStore jobs(db.db());
        return Counts{jobs.CountByState(storage::JobState::kPending),
                      jobs.CountByState(storage::JobState::kRunning),
                      jobs.CountByState(storage::JobState::kDead),
                      storage::CrmEventStore(db.db()).CountUnmatched()};
      },
      [this, respond = std::move(respond)](Result<Counts> counts) {
        nlohmann::json slack = {{"state", slack_.state}, {"detail", slack_.detail}};
        if (slack_.since.time_since_epoch().count() != 0) {
          slack["since_unix"] = std::chrono::duration_cast<std::chrono::seconds>(
                                    slack_.since.time_since_epoch()).count();
        }
        if (!counts.ok()) {
          return respond(HttpResponse::Json(
              503, {{"status", "degraded"}, {"storage", counts.status().message()},
                    {"slack", slack}}));
        }
        respond(HttpResponse::Json(
            200, {{"status", "ok"},
                  {"slack", slack},
                  {"queue", {{"pending", counts.value().pending},
                             {"running", counts.value().running},
                             {"dead", counts.value().dead},
                             {"writer_backlog", writer_.queue_depth()}}},
                  {"crm", {{"unmatched_total", counts.value().crm_unmatched}}}}));
      });
}

}  // namespace leadrouter
