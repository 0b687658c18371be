// EmailWebhooks: the e-mail providers' inbound webhooks, in their raw-MIME
// modes, as two more doors to the one path of POST /v1/email
// (EmailService::Store: the raw message and its parse job in one commit).
//
//   POST /v1/email/mailgun/mime  Mailgun route forward() to a URL ending in
//        "mime": multipart/form-data with the message as `body-mime`,
//        signed with `timestamp`, `token`, `signature`.
//   POST /v1/email/postmark      Postmark's inbound JSON with `RawEmail`
//        (the stream's "include raw email content" setting), basic auth
//        from the webhook URL.
//
// Each answer follows its provider's retry rule. Mailgun stops on 200 and
// on 406 (rejected), and retries anything else for 8 hours
// (documentation.mailgun.com/docs/mailgun/user-manual/receive-forward-store/receive-http).
// Postmark stops on 200 and on 403, and retries anything else 10 times over
// about 10.5 hours (postmarkapp.com/developer/user-guide/inbound/parse-an-email).
// So: 200 only after the commit (also for a redelivery, recognised by its
// key); the provider's no-retry code only for a body that can never become
// a message; everything an operator can fix (an unset secret, a wrong key,
// a size limit, the raw-MIME setting off) gets a code the provider retries,
// so fixing it within the retry window loses nothing.
// Thread rule: loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/http/http_server.h"

namespace leadrouter {

class EmailService;
class RequestGate;

struct EmailWebhookSecrets {
  std::optional<std::string> mailgun_signing_key;  // MAILGUN_WEBHOOK_SIGNING_KEY
  std::optional<std::string> postmark_password;    // POSTMARK_INBOUND_PASSWORD
};

class EmailWebhooks {
 public:
  // Every reference must outlive this object. Mailgun's timestamps are
  // checked against `wall_clock` (real time, never business time).
  EmailWebhooks(const Config& config, EmailWebhookSecrets secrets, EmailService& email,
                RequestGate& gate, const Clock& wall_clock);

  // Installs both routes with their body limits (inbound_email.max_size
  // plus what each format adds around the message).
  void RegisterRoutes(HttpServer& server);

  // 200 {"email_id", "status"} after the commit; 401 for a bad or stale
  // signature or a token used before for another message; 406 for a body
  // that is no form or carries no message; 413 for a message over
  // inbound_email.max_size; 415; 422 without `body-mime`; 429; 500 when
  // nothing was stored; 503 without MAILGUN_WEBHOOK_SIGNING_KEY.
  void HandleMailgun(const HttpRequest& request, Responder respond);

  // 200 {"email_id", "status"} after the commit; 401 for missing or wrong
  // credentials; 403 for a body that is no JSON or whose RawEmail is no
  // message; 413; 415; 422 without `RawEmail`; 429; 500; 503 without
  // POSTMARK_INBOUND_PASSWORD.
  void HandlePostmark(const HttpRequest& request, Responder respond);

 private:
  // False (and the answer sent) without the provider's secret (503, so the
  // provider retries until it is set) or over the client rate (429).
  bool Admit(const std::optional<std::string>& secret, const char* variable,
             const char* via, const HttpRequest& request, const Responder& respond);
  // The message's Message-ID ("" when it has none), or nullopt after
  // answering 413 (over max_size) or `reject_status` (no message).
  std::optional<std::string> ReadRaw(const std::string& raw, const char* via,
                                     int reject_status, const Responder& respond);
  // Hands `raw` to the one path and answers 200 after the commit.
  void Store(std::string raw, std::string message_id, const char* via, Responder respond);
  // False when `token` came before with another message; remembers it with
  // `message_key` otherwise. Forgets tokens past their max age.
  bool TokenFresh(const std::string& token, const std::string& message_key,
                  int64_t now_unix);

  const Config& config_;
  EmailWebhookSecrets secrets_;
  EmailService& email_;
  RequestGate& gate_;
  const Clock& wall_clock_;
  struct SeenToken {
    std::string message_key;
    int64_t expires_unix = 0;
  };
  // Mailgun tokens within their max age: a captured signature cannot carry
  // another message (the signature covers only timestamp and token).
  std::map<std::string, SeenToken> seen_tokens_;
};

}  // namespace leadrouter
