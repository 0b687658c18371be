// UnavailableWait: what a job does when the service it needs (Slack, the
// SMS, e-mail or webhook provider) is unavailable: down, timing out,
// answering 5xx or 429. Waiting is not failing: the job tries again with a
// backoff that grows with the wait and is capped near a minute, without
// spending its attempts, until it has waited `patience`; only then is it a
// dead letter. Pure: time comes in as values, jitter as a number.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "bot/runtime/clock.h"

namespace leadrouter {

struct UnavailableWaitRules {
  std::chrono::milliseconds patience = std::chrono::hours(24);
  // The first retry comes after about this; each later one after about as
  // long as the job has waited so far (so the delays double), up to `cap`.
  std::chrono::milliseconds base = std::chrono::seconds(2);
  std::chrono::milliseconds cap = std::chrono::minutes(1);
};

// The longest wait between two tries while a service is unavailable:
// retries stay frequent enough that a job is not left behind long after
// the service answers again (which also wakes it at once, see WaitingJobs).
inline constexpr std::chrono::milliseconds kUnavailableBackoffCap =
    std::chrono::minutes(1);

struct UnavailableWaitDecision {
  bool give_up = false;     // patience spent: dead letter
  SystemTime retry_at{};    // when to try again (unless give_up)
  SystemTime waiting_since{};
  std::string reason;       // for the log and the dead letter
};

// `waiting_since`: when the job's current wait began (nullopt: it begins
// now). `retry_after`: the service's own Retry-After, honoured as given.
// `random01` in [0, 1) spreads the retries of many jobs.
UnavailableWaitDecision DecideUnavailableWait(
    std::optional<SystemTime> waiting_since, SystemTime now,
    const UnavailableWaitRules& rules,
    std::optional<std::chrono::milliseconds> retry_after, double random01);

}  // namespace leadrouter
