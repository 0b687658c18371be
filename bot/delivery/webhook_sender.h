// WebhookSender: a follow-up step as signed JSON to a configured URL, for
// marketing platforms and CRMs we do not speak natively. The body is signed
// exactly like our own intake expects a signed POST (bot/http/intake_auth.h:
// X-Leadrouter-Timestamp, X-Leadrouter-Signature = SignV0), so a receiver
// can reuse the verification it already has for us; an Idempotency-Key lets
// it drop a retried delivery it already took.
// Holds the webhook secret; logs statuses only, never it, a header or a
// body.
// Thread rule: loop thread only; `done` is called on the loop, exactly once,
// unless the sender is destroyed first.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "bot/runtime/clock.h"
#include "bot/delivery/delivery_result.h"
#include "bot/http/https_client.h"
#include "pipeline/status.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

struct WebhookOptions {
  std::string url;     // config [webhook] url
  std::string secret;  // LEADROUTER_WEBHOOK_SECRET: a Secret
  std::string ca_file;
  std::chrono::milliseconds timeout{10000};
};

// How the receiver's answer reads: 2xx → Done (provider_id from a JSON
// answer's "id", if any); 408, 429 (after Retry-After), 5xx and transport
// errors → Retry; 410 Gone and 422 → recipient_refused, outcome Done (the
// receiver will never take this one); any other answer (3xx, 400, 401,
// 403, 404…) → Fail.
DeliveryResult ClassifyWebhookResponse(const HttpsResponse& response);

class WebhookSender {
 public:
  // `loop` and `clock` must outlive the sender.
  WebhookSender(boost::asio::io_context& loop, const Clock& clock,
                WebhookOptions options);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Usable options: a usable url (see HttpsClient::status) and a secret.
  // When not, every Send fails at once with outcome Fail.
  const Status& status() const;

  // POSTs event.dump() as application/json, signed exactly like our intake
  // expects (SignV0, headers X-Leadrouter-Timestamp and
  // X-Leadrouter-Signature, the timestamp from the clock when the request
  // is made), with Idempotency-Key: idempotency_key so a receiver can drop
  // a retried delivery. Keep the key stable across retries of one step.
  void Send(std::string idempotency_key, nlohmann::json event,
            std::function<void(DeliveryResult)> done);

  std::size_t connections_opened() const;

 private:
  boost::asio::io_context& loop_;
  const Clock& clock_;
  WebhookOptions options_;
  Status status_;
  HttpsClient client_;
  std::shared_ptr<bool> alive_;  // expires with the sender
};

}  // namespace leadrouter
