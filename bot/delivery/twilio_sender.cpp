#include "bot/delivery/twilio_sender.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "bot/delivery/http_delivery.h"
#include "bot/delivery/mime_message.h"
#include "pipeline/text.h"

namespace leadrouter {
namespace {

using nlohmann::json;

// Twilio's own messages are a sentence or two; a proxy's error page is
// not, and the timeline needs only its start.
constexpr std::size_t kMaxDetailBytes = 300;
// Twilio's documented opt-out code: the recipient texted STOP.
constexpr int kUnsubscribedCode = 21610;

// The "code" and "message" of a Twilio error body
// ({"code": 21211, "message": "…", "more_info": "…", "status": 400}).
struct TwilioError {
  int code = 0;
  std::string message;
};

TwilioError ParseError(const json& body) {
  TwilioError out;
  if (!body.is_object()) return out;
  if (auto it = body.find("code"); it != body.end() && it->is_number_integer())
    out.code = it->get<int>();
  if (auto it = body.find("message"); it != body.end() && it->is_string())
    out.message = it->get<std::string>();
  return out;
}

std::string Describe(int status, const TwilioError& error) {
  std::string out;
  if (error.code != 0) out = std::to_string(error.code) + " ";
  out += error.message.empty() ? "Twilio answered HTTP " + std::to_string(status)
                               : error.message + " (HTTP " + std::to_string(status) + ")";
  return std::string(pipeline::CutUtf8(pipeline::RepairUtf8(out), kMaxDetailBytes));
}

bool IsMessagingService(const std::string& from) { return from.rfind("MG", 0) == 0; }

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

Status CheckOptions(const TwilioOptions& options) {
  if (options.account_sid.empty()) return Status::InvalidArgument("twilio account_sid is missing");
  // It becomes part of the request path.
  if (!std::all_of(options.account_sid.begin(), options.account_sid.end(),
                   [](unsigned char c) { return std::isalnum(c); })) {
    return Status::InvalidArgument("twilio account_sid must be letters and digits (AC…)");
  }
  if (options.auth_token.empty()) return Status::InvalidArgument("twilio auth_token is missing");
  if (options.from.empty()) {
    return Status::InvalidArgument(
        "twilio from is missing: a number (+13125550100) or a messaging service sid (MG…)");
  }
  return Status::Ok();
}

}  // namespace

bool IsTwilioRecipientCode(int code) {
  switch (code) {
    case 21211:  // invalid 'To' number (format, or a number that cannot exist)
    case 21265:  // 'To' is a short code
    case 21610:  // the recipient replied STOP
    case 21612:  // 'To' not reachable with our sender (carrier, landline)
    case 21614:  // 'To' is not a mobile number
    case 21635:  // 'To' is a landline where Twilio does not try those
      return true;
    default:
      return false;
  }
}

DeliveryResult ClassifyTwilioResponse(const HttpsResponse& response) {
  DeliveryResult result;
  if (response.status == 0) {
    result.detail = "Twilio unreachable: " + response.transport_error;
    result.outcome = JobOutcome::Unavailable("sms", result.detail);
    return result;
  }
  const json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (response.status / 100 == 2) {
    // Taken: whatever the body says, sending again would text twice.
    if (body.is_object() && body.contains("sid") && body["sid"].is_string())
      result.provider_id = body["sid"].get<std::string>();
    std::string state = body.is_object() ? body.value("status", "") : "";
    result.detail = "accepted by Twilio" +
                    (result.provider_id.empty() ? std::string() : " as " + result.provider_id) +
                    (state.empty() ? std::string() : " (" + state + ")");
    result.outcome = JobOutcome::Done();
    return result;
  }
  const TwilioError error = ParseError(body);
  result.detail = Describe(response.status, error);
  if (auto transient = TransientOutcome(response, result.detail, "sms")) {
    result.outcome = std::move(*transient);
  } else if (response.status == 400 && IsTwilioRecipientCode(error.code)) {
    result.recipient_refused = true;
    result.unsubscribed = error.code == kUnsubscribedCode;
    result.outcome = JobOutcome::Done();
  } else {
    // 401/403/404 and the 400s that are ours to fix (region permissions,
    // the From number, a trial account): no retry helps until ops do.
    result.outcome = JobOutcome::Fail(result.detail);
  }
  return result;
}

std::string FormEncode(const HeaderList& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    for (const std::string* part : {&name, &value}) {
      for (unsigned char c : *part) {
        if (IsUnreserved(c)) {
          out += static_cast<char>(c);
        } else {
          out += '%';
          out += kHex[c >> 4];
          out += kHex[c & 0x0F];
        }
      }
      if (part == &name) out += '=';
    }
  }
  return out;
}

TwilioSender::TwilioSender(boost::asio::io_context& loop, TwilioOptions options)
    : loop_(loop),
      options_(std::move(options)),
      status_(CheckOptions(options_)),
      authorization_("Basic " + Base64(options_.account_sid + ":" + options_.auth_token)),
      client_(loop, {.base_url = options_.base_url,
                     .ca_file = options_.ca_file,
                     .timeout = options_.timeout,
                     .log_name = "twilio",
                     .url_key = "twilio base_url"}),
      alive_(std::make_shared<bool>(true)) {
  if (status_.ok()) status_ = client_.status();
}

TwilioSender::~TwilioSender() = default;

const Status& TwilioSender::status() const { return status_; }

std::size_t TwilioSender::connections_opened() const { return client_.connections_opened(); }

void TwilioSender::Send(SmsMessage message, std::function<void(DeliveryResult)> done) {
  if (!status_.ok()) {
    AnswerLater(loop_, alive_, std::move(done), NotSent(status_.message()));
    return;
  }
  if (message.to.empty() || message.body.empty()) {
    AnswerLater(loop_, alive_, std::move(done),
                NotSent(message.to.empty() ? "sms without a To number" : "sms without a body"));
    return;
  }
  HeaderList form = {{"To", message.to}};
  form.emplace_back(IsMessagingService(options_.from) ? "MessagingServiceSid" : "From",
                    options_.from);
  // Twilio refuses a body that is not UTF-8; a broken byte becomes U+FFFD.
  form.emplace_back("Body", pipeline::RepairUtf8(message.body));

  HttpsRequest request;
  request.target = "/2010-04-01/Accounts/" + options_.account_sid + "/Messages.json";
  request.headers = {{"Authorization", authorization_},
                     {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"Accept", "application/json"}};
  request.body = FormEncode(form);
  SendAndClassify(client_, std::move(request), "twilio", ClassifyTwilioResponse, std::move(done));
}

}  // namespace leadrouter
