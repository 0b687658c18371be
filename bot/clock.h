// Clock: the one seam through which the daemon reads the time, so tests can
// move time instead of sleeping. Thread-safe: Now() may be called anywhere.
#pragma once

#include <chrono>

namespace leadrouter {

using SystemTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SystemTime Now() const = 0;
};

// Wall-clock time. The only place the project reads the system clock.
class SystemClock final : public Clock {
 public:
  SystemTime Now() const override;
};

}  // namespace leadrouter
