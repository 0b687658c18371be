// DeliveryResult: what became of one follow-up message handed to a
// provider (Twilio, an outbound webhook), for the step executor that
// records it on the lead's timeline and tells the job runner.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "bot/job_runner.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

struct DeliveryResult {
  // Done, Retry (maybe with retry_after), or Fail (a configuration or
  // permission problem: the job dead-letters and ops hear of it).
  JobOutcome outcome;
  // Permanent for THIS lead and channel (invalid number, not a mobile,
  // unsubscribed): the executor stops the channel for the lead and
  // completes the job (outcome is Done).
  bool recipient_refused = false;
  // The provider says the recipient opted out (Twilio 21610).
  bool unsubscribed = false;
  // Twilio's message sid "SM…", or the webhook's answer id if any.
  std::string provider_id;
  // Human text for the timeline ("21211 invalid 'To' number"); never a
  // secret.
  std::string detail;
};

// A Fail result for a message that was never sent (bad options, a message
// the executor built wrong): `why` is both the detail and the job's error.
DeliveryResult NotSent(std::string why);

// Calls `done(result)` from `loop`, never inside the caller, unless `alive`
// has expired by then (the sender was destroyed: no callback). An exception
// from `done` is logged, not thrown onto the loop. Loop thread only.
void AnswerLater(boost::asio::io_context& loop, std::weak_ptr<bool> alive,
                 std::function<void(DeliveryResult)> done,
                 DeliveryResult result);

}  // namespace leadrouter
