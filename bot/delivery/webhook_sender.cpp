#include "bot/delivery/webhook_sender.h"

#include "bot/delivery/http_delivery.h"
#include "bot/http/intake_auth.h"
#include "pipeline/text.h"

namespace leadrouter {
namespace {

using nlohmann::json;

// What of a receiver's error answer reaches the timeline.
constexpr std::size_t kMaxDetailBytes = 200;

Status CheckOptions(const WebhookOptions& options) {
  if (options.url.empty()) return Status::InvalidArgument("webhook url is missing");
  if (options.secret.empty()) {
    return Status::InvalidArgument(
        "webhook secret is missing (LEADROUTER_WEBHOOK_SECRET): receivers could not verify us");
  }
  return Status::Ok();
}

// The receiver's own words, when it answered JSON with an "error" or a
// "message": the start of them, for the timeline.
std::string ReceiverSays(const json& body) {
  if (!body.is_object()) return "";
  for (const char* key : {"error", "message"}) {
    if (auto it = body.find(key); it != body.end() && it->is_string()) {
      return ": " + std::string(pipeline::CutUtf8(
                        pipeline::RepairUtf8(it->get<std::string>()), kMaxDetailBytes));
    }
  }
  return "";
}

}  // namespace

DeliveryResult ClassifyWebhookResponse(const HttpsResponse& response) {
  DeliveryResult result;
  if (response.status == 0) {
    result.detail = "webhook unreachable: " + response.transport_error;
    result.outcome = JobOutcome::Unavailable("webhook", result.detail);
    return result;
  }
  const json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  const std::string answered = "webhook answered " + std::to_string(response.status);
  if (response.status / 100 == 2) {
    if (body.is_object() && body.contains("id")) {
      const json& id = body["id"];
      if (id.is_string()) {
        result.provider_id = id.get<std::string>();
      } else if (id.is_number_integer()) {
        result.provider_id = id.dump();
      }
    }
    result.detail = answered;
    if (!result.provider_id.empty()) result.detail += " (id " + result.provider_id + ")";
    result.outcome = JobOutcome::Done();
    return result;
  }
  result.detail = answered + ReceiverSays(body);
  if (auto transient = TransientOutcome(response, result.detail, "webhook")) {
    result.outcome = std::move(*transient);
  } else if (response.status == 410 || response.status == 422) {
    // The receiver will never take this one (the contact is gone, or it
    // rejects what we know of it); other steps of other leads still go.
    result.recipient_refused = true;
    result.outcome = JobOutcome::Done();
  } else {
    // A redirect, a wrong URL or a refused signature: ours to fix.
    result.outcome = JobOutcome::Fail(result.detail);
  }
  return result;
}

WebhookSender::WebhookSender(boost::asio::io_context& loop, const Clock& clock,
                             WebhookOptions options)
    : loop_(loop),
      clock_(clock),
      options_(std::move(options)),
      status_(CheckOptions(options_)),
      client_(loop, {.base_url = options_.url,
                     .ca_file = options_.ca_file,
                     .timeout = options_.timeout,
                     .log_name = "webhook",
                     .url_key = "webhook.url"}),
      alive_(std::make_shared<bool>(true)) {
  if (status_.ok()) status_ = client_.status();
}

WebhookSender::~WebhookSender() = default;

const Status& WebhookSender::status() const { return status_; }

std::size_t WebhookSender::connections_opened() const { return client_.connections_opened(); }

void WebhookSender::Send(std::string idempotency_key, nlohmann::json event,
                         std::function<void(DeliveryResult)> done) {
  if (!status_.ok()) {
    AnswerLater(loop_, alive_, std::move(done), NotSent(status_.message()));
    return;
  }
  if (idempotency_key.empty() || idempotency_key.find_first_of("\r\n") != std::string::npos) {
    AnswerLater(loop_, alive_, std::move(done),
                NotSent("webhook event without a usable idempotency key"));
    return;
  }
  HttpsRequest request;
  // Invalid UTF-8 in a string becomes U+FFFD rather than an exception.
  request.body = event.dump(-1, ' ', false, json::error_handler_t::replace);
  const std::string timestamp = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
          .count());
  request.headers = {{"Content-Type", "application/json"},
                     {"Idempotency-Key", std::move(idempotency_key)},
                     {"X-Leadrouter-Timestamp", timestamp},
                     {"X-Leadrouter-Signature", SignV0(options_.secret, timestamp, request.body)}};
  SendAndClassify(client_, std::move(request), "webhook", ClassifyWebhookResponse,
                  std::move(done));
}

}  // namespace leadrouter
