#include "bot/intake/crm_service.h"

#include <chrono>
#include <memory>
#include <utility>

#include "bot/intake/crm_apply.h"
#include "bot/runtime/job_runner.h"
#include "bot/intake/json_post.h"
#include "bot/daemon/log.h"
#include "bot/runtime/storage_writer.h"
#include "pipeline/crm_event.h"
#include "storage/database.h"

namespace leadrouter {
namespace {

constexpr char kCrmEventsPath[] = "/v1/crm/events";
constexpr char kSubject[] = "crm";

// Which keys the event named, without their values: a log line must not
// carry a contact's e-mail or phone.
nlohmann::json KeysNamed(const pipeline::CrmContact& contact) {
  nlohmann::json keys = nlohmann::json::array();
  if (!contact.crm_id.empty()) keys.push_back("crm_id");
  for (const std::string& key : contact.keys) {
    keys.push_back(key.substr(0, key.find(':')));
  }
  return keys;
}

}  // namespace

CrmService::CrmService(const Config& config, StorageWriter& writer,
                       JobRunner& runner, RequestGate& gate, const Clock& clock)
    : config_(config),
      writer_(writer),
      runner_(runner),
      gate_(gate),
      clock_(clock) {}

void CrmService::RegisterRoutes(HttpServer& server) {
  server.Route("POST", kCrmEventsPath,
               [this](const HttpRequest& r, Responder done) {
                 HandleEvent(r, std::move(done));
               });
}

void CrmService::OnUnmatched(std::function<void(const pipeline::CrmEvent&)> fn) {
  on_unmatched_ = std::move(fn);
}

void CrmService::HandleEvent(const HttpRequest& request, Responder respond) {
  const SystemTime now = clock_.Now();
  if (!AdmitPost(gate_, request, now, kSubject, respond)) return;

  auto started = std::chrono::steady_clock::now();
  Result<pipeline::CrmEvent> parsed =
      pipeline::ParseCrmEventBody(request.body, config_.rules.default_region);
  if (!parsed.ok()) {
    return RejectBody(parsed.status(), kSubject, nlohmann::json::object(),
                      respond);
  }

  auto event = std::make_shared<pipeline::CrmEvent>(std::move(parsed).value());
  const Config& config = config_;
  writer_.Call<CrmApplyResult>(
      [event, now, &config](storage::Database& db) {
        CrmApplyResult applied = ApplyCrmEvent(db.db(), *event, now, config);
        for (const storage::LeadMilestone& m : applied.milestones) db.NoteMilestone(m);
        return applied;
      },
      [this, event, respond = std::move(respond),
       started](Result<CrmApplyResult> out) {
        if (!out.ok())
          return RespondStoreFailed(out.status(), kSubject, respond);
        const CrmApplyResult& r = out.value();
        if (r.note_queued) runner_.Wake();
        nlohmann::json fields = {{"event_id", event->event_id},
                                 {"type", pipeline::ToString(event->type)},
                                 {"total_ms", MillisSince(started)}};
        if (r.lead_id) fields["lead_id"] = *r.lead_id;
        switch (r.outcome) {
          case CrmOutcome::kApplied:
            fields["matched_by"] = r.matched_by;
            fields["cancelled_jobs"] = r.cancelled_jobs;
            if (r.opt_out_cancelled) {
              fields["opt_out_cancelled"] = r.opt_out_cancelled;
            }
            if (r.owner_synced) fields["owner"] = *r.owner_synced;
            logging::Info("crm.applied", fields);
            break;
          case CrmOutcome::kDuplicate:
            logging::Info("crm.duplicate", fields);
            break;
          case CrmOutcome::kUnmatched:
            // Not an error to the CRM (it cannot fix it), but someone here
            // may want to know why a takeover did not land.
            fields["keys"] = KeysNamed(event->contact);
            logging::Warn("crm.unmatched", fields);
            break;
        }
        respond(HttpResponse::Json(202, CrmAnswer(event->event_id, r)));
        if (r.outcome == CrmOutcome::kUnmatched && on_unmatched_) {
          on_unmatched_(*event);
        }
      });
}

}  // namespace leadrouter
