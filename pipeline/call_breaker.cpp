#include "pipeline/call_breaker.h"

#include <algorithm>

namespace leadrouter::pipeline {

std::optional<CallBreaker::TimePoint> CallBreaker::PausedUntil(
    TimePoint now) const {
  if (until_ && *until_ > now) return until_;
  return std::nullopt;
}

void CallBreaker::OnAnswer() { consecutive_ = 0; }

void CallBreaker::OnOverload(TimePoint now, std::optional<Duration> retry_after) {
  ++consecutive_;
  Duration wait = retry_after.value_or(Duration(0));
  if (consecutive_ >= failures_) {
    wait = std::max(wait, pause_);
    consecutive_ = 0;
  }
  if (wait > Duration(0)) {
    const TimePoint until = now + wait;
    until_ = until_ ? std::max(*until_, until) : until;
  }
}

}  // namespace leadrouter::pipeline
