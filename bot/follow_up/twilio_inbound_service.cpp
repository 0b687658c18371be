#include "bot/follow_up/twilio_inbound_service.h"

#include <strings.h>

#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "bot/http/form_body.h"
#include "bot/http/request_gate.h"
#include "bot/http/twilio_signature.h"
#include "bot/intake/json_post.h"
#include "bot/daemon/log.h"
#include "bot/follow_up/opt_out.h"
#include "bot/runtime/storage_writer.h"
#include "pipeline/phone.h"
#include "pipeline/sanitize.h"
#include "pipeline/sms_keyword.h"
#include "storage/database.h"

namespace leadrouter {
namespace {

constexpr char kInboundPath[] = "/v1/twilio/inbound";
constexpr char kSubject[] = "twilio";
constexpr char kSource[] = "twilio";
// One SMS segment is 160 characters; Twilio joins up to ten.
constexpr size_t kMaxReply = 1600;
constexpr size_t kMaxSid = 64;

HttpResponse EmptyTwiml() {
  HttpResponse response;
  response.status = 200;
  response.content_type = "text/xml";
  response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";
  return response;
}

bool IsFormEncoded(const std::string& content_type) {
  std::string media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  return strcasecmp(media.c_str(), "application/x-www-form-urlencoded") == 0;
}

// What one text asks for, decided on the loop.
struct Inbound {
  pipeline::SmsKeyword keyword = pipeline::SmsKeyword::kNone;
  std::string phone_e164;
  std::string keyword_text;  // "STOP"
  storage::SmsReplyEvent reply;
};

struct Outcome {
  size_t leads = 0;
  int cancelled_steps = 0;
  bool changed = false;  // an opt-out added or lifted
};

Outcome Apply(storage::Database& db, const Inbound& in, SystemTime now) {
  Outcome out;
  switch (in.keyword) {
    case pipeline::SmsKeyword::kStop: {
      storage::OptOut o{"sms", in.phone_e164, kSource,
                        "keyword " + in.keyword_text, now};
      OptOutResult r = ApplyOptOut(db, {o}, now);
      out.leads = r.leads;
      out.cancelled_steps = r.cancelled_steps;
      out.changed = !r.channels.empty() && r.channels[0].added;
      break;
    }
    case pipeline::SmsKeyword::kStart: {
      OptInResult r = ApplySmsOptIn(db.db(), in.phone_e164, kSource,
                                    "keyword " + in.keyword_text, now);
      out.leads = r.lead_ids.size();
      out.changed = r.lifted;
      break;
    }
    case pipeline::SmsKeyword::kNone:
      out.leads = RecordSmsReply(db.db(), in.phone_e164, in.reply, now).size();
      break;
  }
  return out;
}

const char* KindName(pipeline::SmsKeyword keyword) {
  switch (keyword) {
    case pipeline::SmsKeyword::kStop:
      return "stop";
    case pipeline::SmsKeyword::kStart:
      return "start";
    case pipeline::SmsKeyword::kNone:
      break;
  }
  return "reply";
}

}  // namespace

TwilioInboundService::TwilioInboundService(
    const Config& config, std::optional<std::string> auth_token,
    StorageWriter& writer, RequestGate& gate, const Clock& clock)
    : config_(config),
      auth_token_(std::move(auth_token)),
      writer_(writer),
      gate_(gate),
      clock_(clock) {}

void TwilioInboundService::RegisterRoutes(HttpServer& server) {
  server.Route("POST", kInboundPath,
               [this](const HttpRequest& r, Responder done) {
                 HandleInbound(r, std::move(done));
               });
}

std::string TwilioInboundService::SignedUrl(const HttpRequest& request) const {
  if (!config_.sms.inbound_url.empty()) return config_.sms.inbound_url;
  return "http://" + request.Header("Host") + request.target;
}

void TwilioInboundService::HandleInbound(const HttpRequest& request,
                                         Responder respond) {
  if (!auth_token_ || auth_token_->empty()) {
    logging::Warn("twilio.refused", {{"status", 503}});
    return respond(HttpResponse::Error(
        503,
        "TWILIO_AUTH_TOKEN is not set: inbound texts cannot be verified and "
        "are not accepted"));
  }
  if (std::optional<HttpResponse> limited = gate_.CheckRate(request)) {
    logging::Info("twilio.refused",
                  {{"status", 429}, {"client", request.remote_ip}});
    return respond(std::move(*limited));
  }
  if (!IsFormEncoded(request.Header("Content-Type"))) {
    return respond(HttpResponse::Error(
        415, "Content-Type must be application/x-www-form-urlencoded",
        "Content-Type"));
  }
  FormParams params = ParseFormBody(request.body);
  if (!VerifyTwilioSignature(*auth_token_, SignedUrl(request), params,
                             request.Header("X-Twilio-Signature"))) {
    logging::Warn("twilio.refused",
                  {{"status", 403}, {"client", request.remote_ip}});
    return respond(
        HttpResponse::Error(403, "X-Twilio-Signature is missing or wrong",
                            "X-Twilio-Signature"));
  }

  auto in = std::make_shared<Inbound>();
  in->phone_e164 = pipeline::NormalizePhone(FormValue(params, "From"),
                                            config_.rules.default_region)
                       .e164;
  if (in->phone_e164.empty()) {
    return RejectBody(
        Status::InvalidField("From", "must be the sender's phone number"),
        kSubject, nlohmann::json::object(), respond);
  }
  const std::string body = FormValue(params, "Body");
  in->keyword = pipeline::ClassifySmsReply(body);
  in->keyword_text = pipeline::SmsKeywordText(body);
  const std::string sid =
      pipeline::SanitizeField(FormValue(params, "MessageSid"), kMaxSid).text;
  if (in->keyword == pipeline::SmsKeyword::kNone) {
    in->reply = {pipeline::SanitizeField(body, kMaxReply).text, sid,
                 pipeline::SanitizeField(FormValue(params, "To"), kMaxSid).text};
  }

  const SystemTime now = clock_.Now();
  auto started = std::chrono::steady_clock::now();
  writer_.Call<Outcome>(
      [in, now](storage::Database& db) { return Apply(db, *in, now); },
      [in, sid, respond = std::move(respond), started](Result<Outcome> out) {
        if (!out.ok()) {
          return RespondStoreFailed(out.status(), kSubject, respond);
        }
        // No phone number and no text in the log: they are the person's.
        logging::Info("twilio.inbound",
                      {{"kind", KindName(in->keyword)},
                       {"message_sid", sid},
                       {"leads", out.value().leads},
                       {"cancelled_steps", out.value().cancelled_steps},
                       {"changed", out.value().changed},
                       {"total_ms", MillisSince(started)}});
        respond(EmptyTwiml());
      });
}

}  // namespace leadrouter
