// A Clock that only moves when a test tells it to.
#pragma once

#include <atomic>
#include <chrono>

#include "bot/runtime/clock.h"

namespace leadrouter::testing {

class FakeClock final : public Clock {
 public:
  // 2026-03-14T22:07:41Z: the portal sample's own timestamp.
  explicit FakeClock(SystemTime start = SystemTime(std::chrono::seconds(1773526061)))
      : now_(start.time_since_epoch().count()) {}
  SystemTime Now() const override {
    return SystemTime(SystemTime::duration(now_.load()));
  }
  void Advance(std::chrono::nanoseconds by) {
    now_ += std::chrono::duration_cast<SystemTime::duration>(by).count();
  }
  void Set(SystemTime to) { now_ = to.time_since_epoch().count(); }

 private:
  std::atomic<SystemTime::duration::rep> now_;
};

}  // namespace leadrouter::testing
