// LookupRate: a provider's per-minute allowance, kept as the times of the
// lookups sent in the last minute, plus a pause a 429 asked for. Pure: the
// caller passes `now`; a request that may not go yet is told when it may,
// so excess lookups wait their turn instead of being dropped.
// Thread rule: one owner (the event loop).
#pragma once

#include <chrono>
#include <deque>

namespace leadrouter::pipeline {

class LookupRate {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  using Duration = std::chrono::milliseconds;

  // `per_minute` lookups in any 60 s; 0 means no limit.
  explicit LookupRate(int per_minute) : per_minute_(per_minute) {}

  // Zero when a lookup may go at `now` (and counts it as sent); otherwise
  // how long to wait before asking again (nothing is counted).
  Duration TryAcquire(TimePoint now);
  // The provider said "not before `until`" (Retry-After): no lookup goes
  // until then.
  void PauseUntil(TimePoint until);
  // Lookups counted in the minute before `now`.
  int SentInLastMinute(TimePoint now) const;

 private:
  void Forget(TimePoint now);

  int per_minute_;
  std::deque<TimePoint> sent_;
  TimePoint paused_until_{};
};

}  // namespace leadrouter::pipeline
