#include "bot/email/email_webhooks.h"

#include <nlohmann/json.hpp>

#include "bot/daemon/log.h"
#include "bot/email/email_service.h"
#include "bot/email/inbound_email_tx.h"
#include "bot/email/webhook_auth.h"
#include "bot/http/form_body.h"
#include "bot/http/request_gate.h"
#include "bot/intake/json_post.h"
#include "pipeline/email_message.h"
#include "pipeline/multipart_form.h"

namespace leadrouter {
namespace {

// Mailgun's raw-MIME route must end in "mime"; the rest is ours.
constexpr char kMailgunPath[] = "/v1/email/mailgun/mime";
constexpr char kPostmarkPath[] = "/v1/email/postmark";

// What a format adds around the message: Mailgun's other form fields are a
// few hundred bytes; Postmark's JSON carries the message escaped in
// RawEmail (up to six bytes for one) beside its own decoded text, HTML and
// base64 attachments, so it may be several times the message.
constexpr size_t kFormOverhead = 64 * 1024;
constexpr size_t kPostmarkFactor = 4;

// Mailgun: 406 is "rejected, do not retry". Postmark: 403 is "stop
// retrying". Anything else either retries.
constexpr int kMailgunReject = 406;
constexpr int kPostmarkReject = 403;
// A request we could take once an operator fixes something on their side.
constexpr int kRetryLater = 422;

// Tokens remembered at most (far more than a max age of mail brings); past
// this one is forgotten to make room, and the timestamp check still
// refuses it once it is old.
constexpr size_t kMaxSeenTokens = 100000;

void Refuse(const Responder& respond, const char* via, int status, const std::string& why,
            const std::string& field, const HttpRequest& request) {
  nlohmann::json fields = {{"via", via}, {"status", status}, {"error", why},
                           {"client", request.remote_ip}};
  if (!field.empty()) fields["field"] = field;
  logging::Warn("email.refused", fields);
  respond(HttpResponse::Error(status, why, field));
}

bool IsJson(const std::string& content_type) {
  const std::string type = content_type.substr(0, content_type.find(';'));
  return type.find("application/json") != std::string::npos;
}

std::string FieldText(const std::vector<pipeline::FormField>& fields, std::string_view name) {
  const pipeline::FormField* f = pipeline::FindFormField(fields, name);
  return f != nullptr ? f->value : "";
}

int64_t UnixSeconds(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

EmailWebhooks::EmailWebhooks(const Config& config, EmailWebhookSecrets secrets,
                             EmailService& email, RequestGate& gate, const Clock& wall_clock)
    : config_(config),
      secrets_(std::move(secrets)),
      email_(email),
      gate_(gate),
      wall_clock_(wall_clock) {}

void EmailWebhooks::RegisterRoutes(HttpServer& server) {
  server.Route("POST", kMailgunPath, [this](const HttpRequest& r, Responder done) {
    HandleMailgun(r, std::move(done));
  });
  server.Route("POST", kPostmarkPath, [this](const HttpRequest& r, Responder done) {
    HandlePostmark(r, std::move(done));
  });
  const size_t max = config_.inbound_email.max_size;
  server.BodyLimit(kMailgunPath, max + kFormOverhead);
  server.BodyLimit(kPostmarkPath, kPostmarkFactor * max + kFormOverhead);
}

std::optional<std::string> EmailWebhooks::ReadRaw(const std::string& raw, const char* via,
                                                  int reject_status,
                                                  const Responder& respond) {
  if (raw.size() > config_.inbound_email.max_size) {
    logging::Warn("email.refused", {{"via", via}, {"status", 413}, {"bytes", raw.size()}});
    respond(HttpResponse::Error(
        413, "the message is " + std::to_string(raw.size()) + " bytes, over inbound_email.max_size (" +
                 std::to_string(config_.inbound_email.max_size) + ")",
        "message"));
    return std::nullopt;
  }
  Result<pipeline::EmailMessage> message = pipeline::ReadEmailMessage(raw);
  if (!message.ok()) {
    logging::Warn("email.refused", {{"via", via}, {"status", reject_status},
                                    {"error", message.status().message()}});
    respond(HttpResponse::Error(reject_status, message.status().message(), "message"));
    return std::nullopt;
  }
  return message->message_id;
}

void EmailWebhooks::Store(std::string raw, std::string message_id, const char* via,
                          Responder respond) {
  email_.Store(std::move(raw), std::move(message_id), via,
               [respond = std::move(respond)](Result<StoredEmail> stored) {
                 if (!stored.ok()) return RespondStoreFailed(stored.status(), "email", respond);
                 const StoredEmail& s = stored.value();
                 // Both providers count only a 200 as delivered.
                 respond(HttpResponse::Json(
                     200, {{"email_id", s.email_id},
                           {"status", s.duplicate ? "duplicate" : "accepted"}}));
               });
}

bool EmailWebhooks::TokenFresh(const std::string& token, const std::string& message_key,
                               int64_t now_unix) {
  for (auto it = seen_tokens_.begin(); it != seen_tokens_.end();) {
    it = it->second.expires_unix < now_unix ? seen_tokens_.erase(it) : std::next(it);
  }
  auto it = seen_tokens_.find(token);
  // The same message again (a retry after a failed commit) is welcome.
  if (it != seen_tokens_.end()) return it->second.message_key == message_key;
  if (seen_tokens_.size() >= kMaxSeenTokens) seen_tokens_.erase(seen_tokens_.begin());
  const auto max_age =
      std::chrono::duration_cast<std::chrono::seconds>(config_.inbound_email.webhooks.mailgun_max_age);
  seen_tokens_[token] = {message_key, now_unix + max_age.count()};
  return true;
}

bool EmailWebhooks::Admit(const std::optional<std::string>& secret, const char* variable,
                          const char* via, const HttpRequest& request,
                          const Responder& respond) {
  if (!secret) {
    Refuse(respond, via, 503,
           std::string(variable) + " is not set: these requests cannot be verified "
                                   "and are not accepted (the provider will retry)",
           "", request);
    return false;
  }
  if (std::optional<HttpResponse> limited = gate_.CheckRate(request)) {
    respond(std::move(*limited));
    return false;
  }
  return true;
}

void EmailWebhooks::HandleMailgun(const HttpRequest& request, Responder respond) {
  constexpr const char* kVia = "mailgun";
  if (!Admit(secrets_.mailgun_signing_key, "MAILGUN_WEBHOOK_SIGNING_KEY", kVia, request,
             respond)) {
    return;
  }
  const std::string content_type = request.Header("Content-Type");
  std::vector<pipeline::FormField> fields;
  if (content_type.find("application/x-www-form-urlencoded") != std::string::npos) {
    for (auto& [name, value] : ParseFormBody(request.body)) {
      fields.push_back({name, "", value});
    }
  } else if (content_type.find("multipart/form-data") != std::string::npos) {
    Result<std::vector<pipeline::FormField>> form =
        pipeline::ReadMultipartForm(content_type, request.body);
    if (!form.ok()) {
      return Refuse(respond, kVia, kMailgunReject, form.status().message(),
                    form.status().field(), request);
    }
    fields = std::move(form.value());
  } else {
    return Refuse(respond, kVia, 415, "Content-Type must be multipart/form-data",
                  "Content-Type", request);
  }

  const int64_t now_unix = UnixSeconds(wall_clock_.Now());
  const std::string token = FieldText(fields, "token");
  AuthResult auth = VerifyMailgun(
      *secrets_.mailgun_signing_key, FieldText(fields, "timestamp"), token,
      FieldText(fields, "signature"), now_unix,
      std::chrono::duration_cast<std::chrono::seconds>(
          config_.inbound_email.webhooks.mailgun_max_age));
  if (!auth.ok) return Refuse(respond, kVia, 401, auth.reason, "signature", request);

  const pipeline::FormField* mime = pipeline::FindFormField(fields, "body-mime");
  if (mime == nullptr) {
    return Refuse(respond, kVia, kRetryLater,
                  "body-mime is missing: the Mailgun route must forward to a URL ending "
                  "in \"mime\" (" + std::string(kMailgunPath) + ")",
                  "body-mime", request);
  }
  std::optional<std::string> message_id = ReadRaw(mime->value, kVia, kMailgunReject, respond);
  if (!message_id) return;
  if (!TokenFresh(token, InboundEmailKey(mime->value, *message_id), now_unix)) {
    return Refuse(respond, kVia, 401, "token was used before with another message: a replay",
                  "token", request);
  }
  Store(mime->value, std::move(*message_id), kVia, std::move(respond));
}

void EmailWebhooks::HandlePostmark(const HttpRequest& request, Responder respond) {
  constexpr const char* kVia = "postmark";
  if (!Admit(secrets_.postmark_password, "POSTMARK_INBOUND_PASSWORD", kVia, request,
             respond)) {
    return;
  }
  // Any failure is 401, which Postmark retries: a password being rotated
  // loses nothing. (403 would make it give up.)
  AuthResult auth = VerifyBasicAuth(request.Header("Authorization"),
                                    config_.inbound_email.webhooks.postmark_username,
                                    *secrets_.postmark_password);
  if (!auth.ok) return Refuse(respond, kVia, 401, auth.reason, "Authorization", request);
  if (!IsJson(request.Header("Content-Type"))) {
    return Refuse(respond, kVia, 415, "Content-Type must be application/json",
                  "Content-Type", request);
  }
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    return Refuse(respond, kVia, kPostmarkReject, "the body is not a JSON object", "body",
                  request);
  }
  auto raw = body.find("RawEmail");
  if (raw == body.end() || !raw->is_string() || raw->get_ref<const std::string&>().empty()) {
    return Refuse(respond, kVia, kRetryLater,
                  "RawEmail is missing: turn on \"Include raw email content in JSON "
                  "payload\" in the Postmark inbound stream's settings",
                  "RawEmail", request);
  }
  std::string raw_email = raw->get<std::string>();
  std::optional<std::string> message_id = ReadRaw(raw_email, kVia, kPostmarkReject, respond);
  if (!message_id) return;
  Store(std::move(raw_email), std::move(*message_id), kVia, std::move(respond));
}

}  // namespace leadrouter
