// The daemon's one time type. Decisions take it as a value; only the Clock
// (bot/runtime/clock.h) produces it from the system, so code that includes
// this header and not the clock cannot read the time itself.
#pragma once

#include <chrono>

namespace leadrouter {

using SystemTime = std::chrono::system_clock::time_point;

}  // namespace leadrouter
