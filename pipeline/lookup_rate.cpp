#include "pipeline/lookup_rate.h"

#include <algorithm>

namespace leadrouter::pipeline {
namespace {

constexpr std::chrono::seconds kWindow(60);

}  // namespace

void LookupRate::Forget(TimePoint now) {
  while (!sent_.empty() && sent_.front() + kWindow <= now) sent_.pop_front();
}

LookupRate::Duration LookupRate::TryAcquire(TimePoint now) {
  if (now < paused_until_) {
    return std::chrono::ceil<Duration>(paused_until_ - now);
  }
  Forget(now);
  if (per_minute_ > 0 && static_cast<int>(sent_.size()) >= per_minute_) {
    // The oldest of the minute leaves the window first.
    return std::max(Duration(1),
                    std::chrono::ceil<Duration>(sent_.front() + kWindow - now));
  }
  sent_.push_back(now);
  return Duration(0);
}

void LookupRate::PauseUntil(TimePoint until) {
  paused_until_ = std::max(paused_until_, until);
}

int LookupRate::SentInLastMinute(TimePoint now) const {
  return static_cast<int>(
      std::count_if(sent_.begin(), sent_.end(),
                    [&](TimePoint t) { return t + kWindow > now; }));
}

}  // namespace leadrouter::pipeline
