#include "bot/runtime/clock.h"

namespace leadrouter {

SystemTime SystemClock::Now() const { return std::chrono::system_clock::now(); }

}  // namespace leadrouter
