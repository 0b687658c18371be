// Clock: the one seam through which the daemon reads the time, so tests can
// move time instead of sleeping. Thread-safe: Now() may be called anywhere.
#pragma once

#include <chrono>

#include "bot/runtime/system_time.h"

namespace leadrouter {

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
