#include "bot/email/email_service.h"

#include <memory>

#include "bot/email/inbound_email_tx.h"
#include "bot/runtime/job_kinds.h"
#include "bot/http/request_gate.h"
#include "bot/runtime/job_runner.h"
#include "bot/intake/json_post.h"
#include "bot/daemon/log.h"
#include "bot/intake/lead_metrics.h"
#include "bot/metrics/metrics.h"
#include "bot/runtime/storage_writer.h"
#include "pipeline/email_message.h"

namespace leadrouter {
namespace {

constexpr char kEmailPath[] = "/v1/email";
constexpr char kMediaType[] = "message/rfc822";

}  // namespace

EmailService::EmailService(const Config& config, StorageWriter& writer, JobRunner& runner,
                           RequestGate& gate, const Clock& clock)
    : config_(config), writer_(writer), runner_(runner), gate_(gate), clock_(clock) {}

void EmailService::RegisterRoutes(HttpServer& server) {
  server.Route("POST", kEmailPath, [this](const HttpRequest& r, Responder done) {
    HandleEmail(r, std::move(done));
  });
  server.BodyLimit(kEmailPath, config_.inbound_email.max_size);
}

void EmailService::HandleEmail(const HttpRequest& request, Responder respond) {
  const SystemTime now = clock_.Now();
  if (!AdmitPost(gate_, request, now, "email", respond, kMediaType)) return;
  // Only the Message-ID is needed here; the job reads the rest.
  Result<pipeline::EmailMessage> message = pipeline::ReadEmailMessage(request.body);
  if (!message.ok()) {
    return RejectBody(message.status(), "email", nlohmann::json::object(), respond);
  }
  Store(request.body, message->message_id, "http",
        [respond = std::move(respond)](Result<StoredEmail> stored) {
          if (!stored.ok()) return RespondStoreFailed(stored.status(), "email", respond);
          const StoredEmail& s = stored.value();
          respond(HttpResponse::Json(
              202, {{"email_id", s.email_id}, {"status", s.duplicate ? "duplicate" : "accepted"}}));
        });
}

void EmailService::Store(std::string raw, std::string message_id, std::string via,
                         StoredDone done) {
  const SystemTime now = clock_.Now();
  auto shared_raw = std::make_shared<std::string>(std::move(raw));
  const Config& config = config_;
  writer_.Call<StoredEmail>(
      [shared_raw, message_id = std::move(message_id), via, now,
       &config](storage::Database& db) {
        return StoreInboundEmail(db, *shared_raw, message_id, via, now, config);
      },
      [this, via, done = std::move(done)](Result<StoredEmail> stored) {
        if (stored.ok()) {
          const StoredEmail& s = stored.value();
          if (!s.duplicate) runner_.Wake();
          logging::Info(s.duplicate ? "email.duplicate" : "email.accepted",
                        {{"email_id", s.email_id}, {"via", via}});
          metrics::Global().EmailReceived(via, s.duplicate ? "duplicate" : "accepted");
        }
        done(std::move(stored));
      });
}

void EmailService::RegisterJobs() {
  runner_.Register(kJobParseEmail, [this](const storage::Job& job, JobDone done) {
    const int64_t email_id = Decode<ParseEmailJob>(job.payload).email_id;
    const SystemTime now = clock_.Now();
    const Config& config = config_;
    writer_.Call<ParsedEmail>(
        [email_id, now, &config](storage::Database& db) {
          return ParseInboundEmail(db, email_id, now, config);
        },
        [this, email_id, done = std::move(done)](Result<ParsedEmail> parsed) {
          if (!parsed.ok()) return done(JobOutcome::Retry(parsed.status().message()));
          const ParsedEmail& p = parsed.value();
          if (!p.found) return done(JobOutcome::Fail("no e-mail #" + std::to_string(email_id)));
          nlohmann::json fields = {{"email_id", email_id}, {"outcome", p.outcome},
                                   {"source", p.source}, {"why", p.why}};
          if (p.lead_id) fields["lead_id"] = *p.lead_id;
          logging::Info("email.parsed", fields);
          metrics::Global().EmailParsed(p.outcome, p.source);
          if (p.accepted) CountLead("email", p.lead_source, p.lead_segment, *p.accepted);
          // The alert and lead jobs were written in the same commit.
          runner_.Wake();
          done(JobOutcome::Done());
        });
  });
}

}  // namespace leadrouter
