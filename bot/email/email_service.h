// EmailService: the daemon's side of inbound e-mail. POST /v1/email takes a
// raw message (message/rfc822) past the same gate as a lead, stores it
// durably with its parse job, and answers 202 only after that commit; the
// email.parse job then turns it into what it is (bot/email/inbound_email_tx).
// Thread rule: loop thread only.
#pragma once

#include <functional>
#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/email/inbound_email_tx.h"
#include "bot/http/http_server.h"

namespace leadrouter {

class JobRunner;
class RequestGate;
class StorageWriter;

class EmailService {
 public:
  // Every reference must outlive the service.
  EmailService(const Config& config, StorageWriter& writer, JobRunner& runner,
               RequestGate& gate, const Clock& clock);

  // Installs POST /v1/email, with inbound_email.max_size as its body limit.
  void RegisterRoutes(HttpServer& server);
  // Registers the email.parse job.
  void RegisterJobs();

  // 202 {"email_id", "status": "accepted" | "duplicate"} after the commit;
  // 400 {"error", "field": "message"} for a body that is no e-mail; 401,
  // 415, 429 from the gate; 413 from the server; 500 when nothing was stored.
  void HandleEmail(const HttpRequest& request, Responder respond);

  // The one way a raw message in is kept, whichever door it came by:
  // stores `raw` (received by `via`: "http", "mailgun", …) with its parse
  // job, logs it, wakes the runner for a new one, then calls `done` with the
  // committed row or the failure (nothing stored).
  using StoredDone = std::function<void(Result<StoredEmail>)>;
  void Store(std::string raw, std::string message_id, std::string via, StoredDone done);

 private:
  const Config& config_;
  StorageWriter& writer_;
  JobRunner& runner_;
  RequestGate& gate_;
  const Clock& clock_;
};

}  // namespace leadrouter
