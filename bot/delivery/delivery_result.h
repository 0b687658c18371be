// DeliveryResult: what became of one follow-up message handed to a
// provider (Twilio, an outbound webhook), for the step executor that
// records it on the lead's timeline and tells the job runner. Plain value.
#pragma once

#include <string>

#include "bot/runtime/job_runner.h"

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

}  // namespace leadrouter
