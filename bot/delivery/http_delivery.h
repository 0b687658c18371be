// What the HTTP delivery channels (TwilioSender, WebhookSender) share:
// answering a send that never left, the answers that are worth a retry
// whoever gave them, and one send-classify-log path, so both log the same
// way ("<channel>.delivered" / ".refused" / ".failed" with the status, a
// provider code and id; never a header or a body).
// Thread rule: loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bot/delivery/delivery_result.h"
#include "bot/http/https_client.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

using DeliveryDone = std::function<void(DeliveryResult)>;

// A Fail result for a message that was never sent (bad options, a message
// the executor built wrong): `why` is both the detail and the job's error.
DeliveryResult NotSent(std::string why);

// Calls `done(result)` from `loop`, never inside the caller, unless `alive`
// has expired by then (the sender was destroyed: no callback). An exception
// from `done` is logged, not thrown onto the loop.
void AnswerLater(boost::asio::io_context& loop, std::weak_ptr<bool> alive,
                 DeliveryDone done, DeliveryResult result);

// Waiting for `service` ("sms", "webhook") for the answers that say "not
// now" whoever sends them: no answer at all, 429 (after Retry-After when it
// gives seconds), 408 and 5xx, with `detail` as the error (see
// JobOutcome::Unavailable). nullopt for every other status.
std::optional<JobOutcome> TransientOutcome(const HttpsResponse& response,
                                           const std::string& detail,
                                           const std::string& service);

using Classifier = DeliveryResult (*)(const HttpsResponse&);

// Sends `request` on `client`; `done` gets `classify`'s reading of the
// answer, logged under `channel` ("twilio", "webhook") first.
void SendAndClassify(HttpsClient& client, HttpsRequest request,
                     std::string_view channel, Classifier classify,
                     DeliveryDone done);

}  // namespace leadrouter
