#include "bot/delivery/http_delivery.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <exception>
#include <nlohmann/json.hpp>

#include "bot/daemon/log.h"

namespace leadrouter {
namespace {

using nlohmann::json;

void LogResult(std::string_view channel, const DeliveryResult& result,
               const HttpsResponse& response) {
  json fields = {{"status", response.status}};
  if (response.status == 0) fields["error"] = response.transport_error;
  if (!result.provider_id.empty()) fields["provider_id"] = result.provider_id;
  // Providers' error codes (Twilio's 21211…) are what ops search for.
  const json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object() && body.contains("code") && body["code"].is_number_integer())
    fields["code"] = body["code"];
  const std::string prefix(channel);
  if (result.recipient_refused) {
    logging::Info(prefix + ".refused", fields);
  } else if (result.outcome.kind == JobOutcome::Kind::kDone) {
    logging::Info(prefix + ".delivered", fields);
  } else {
    fields["retry"] = result.outcome.kind == JobOutcome::Kind::kRetry ||
                      result.outcome.kind == JobOutcome::Kind::kUnavailable;
    logging::Warn(prefix + ".failed", fields);
  }
}

}  // namespace

DeliveryResult NotSent(std::string why) {
  DeliveryResult result;
  result.outcome = JobOutcome::Fail(why);
  result.detail = std::move(why);
  return result;
}

void AnswerLater(boost::asio::io_context& loop, std::weak_ptr<bool> alive,
                 DeliveryDone done, DeliveryResult result) {
  boost::asio::post(loop, [alive = std::move(alive), done = std::move(done),
                           result = std::move(result)]() mutable {
    if (alive.expired()) return;
    try {
      done(std::move(result));
    } catch (const std::exception& e) {
      logging::Error("delivery.callback_threw", {{"error", e.what()}});
    }
  });
}

std::optional<JobOutcome> TransientOutcome(const HttpsResponse& response,
                                           const std::string& detail,
                                           const std::string& service) {
  if (response.status == 429) {
    std::optional<std::chrono::milliseconds> wait;
    if (auto after = response.RetryAfter()) wait = *after;
    return JobOutcome::Unavailable(service, detail, wait);
  }
  if (response.status == 0 || response.status == 408 || response.status >= 500) {
    return JobOutcome::Unavailable(service, detail);
  }
  return std::nullopt;
}

void SendAndClassify(HttpsClient& client, HttpsRequest request,
                     std::string_view channel, Classifier classify,
                     DeliveryDone done) {
  client.Send(std::move(request), [channel = std::string(channel), classify,
                                   done = std::move(done)](HttpsResponse response) {
    DeliveryResult result = classify(response);
    LogResult(channel, result, response);
    done(std::move(result));
  });
}

}  // namespace leadrouter
