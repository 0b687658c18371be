#include "bot/runtime/unavailable_wait.h"

#include <algorithm>

#include "bot/daemon/duration.h"

namespace leadrouter {

UnavailableWaitDecision DecideUnavailableWait(
    std::optional<SystemTime> waiting_since, SystemTime now,
    const UnavailableWaitRules& rules,
    std::optional<std::chrono::milliseconds> retry_after, double random01) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  UnavailableWaitDecision d;
  d.waiting_since = waiting_since ? std::min(*waiting_since, now) : now;
  const milliseconds waited = duration_cast<milliseconds>(now - d.waiting_since);
  if (waited >= rules.patience) {
    d.give_up = true;
    d.reason = "still unavailable after waiting " + FormatDuration(waited) +
               " (jobs.unavailable_patience is " +
               FormatDuration(rules.patience) + ")";
    return d;
  }
  milliseconds delay;
  if (retry_after) {
    delay = std::max(*retry_after, milliseconds(0));
  } else {
    const milliseconds cap = std::max(rules.cap, milliseconds(1));
    const milliseconds full = std::clamp(waited, std::min(rules.base, cap), cap);
    // Equal jitter: [full/2, full), so many waiting jobs spread out.
    const double r = std::clamp(random01, 0.0, 1.0);
    delay = milliseconds(static_cast<milliseconds::rep>(
        static_cast<double>(full.count()) * (0.5 + 0.5 * r)));
  }
  d.retry_at = now + delay;
  d.reason = "waiting since " + FormatDuration(waited) + " ago";
  return d;
}

}  // namespace leadrouter
