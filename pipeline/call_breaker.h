// CallBreaker: stops calling a service for a while after it said, again
// and again, that it is overloaded (429) or failing (5xx), and honours the
// Retry-After it sends. Pure: the caller passes `now`; no clock reads.
// Not thread-safe: one owner (the loop thread).
#pragma once

#include <chrono>
#include <optional>

namespace leadrouter::pipeline {

class CallBreaker {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  using Duration = std::chrono::milliseconds;

  // Opens after `failures` overloads in a row, for `pause`.
  CallBreaker(int failures, Duration pause)
      : failures_(failures), pause_(pause) {}

  // When calls may go again; nullopt when they may go now.
  std::optional<TimePoint> PausedUntil(TimePoint now) const;
  // An answer that was no overload: the count starts again.
  void OnAnswer();
  // A 429 or 5xx at `now`. Its Retry-After alone pauses the calls that
  // long; the `failures`-th in a row pauses them for the longer of `pause`
  // and Retry-After.
  void OnOverload(TimePoint now, std::optional<Duration> retry_after);
  int consecutive() const { return consecutive_; }

 private:
  int failures_;
  Duration pause_;
  int consecutive_ = 0;
  std::optional<TimePoint> until_;
};

}  // namespace leadrouter::pipeline
