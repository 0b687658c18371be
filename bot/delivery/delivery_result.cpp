#include "bot/delivery/delivery_result.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <exception>

#include "bot/log.h"

namespace leadrouter {

DeliveryResult NotSent(std::string why) {
  DeliveryResult result;
  result.outcome = JobOutcome::Fail(why);
  result.detail = std::move(why);
  return result;
}

void AnswerLater(boost::asio::io_context& loop, std::weak_ptr<bool> alive,
                 std::function<void(DeliveryResult)> done,
                 DeliveryResult result) {
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

}  // namespace leadrouter
