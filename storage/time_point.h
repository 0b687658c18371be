// How storage/ represents time: the API takes system_clock time points, the
// schema stores INTEGER milliseconds since the Unix epoch (UTC). Precision
// below one millisecond is truncated on the way in.
// Thread rule: pure functions, safe anywhere.
#pragma once

#include <chrono>
#include <cstdint>

namespace leadrouter::storage {

using TimePoint = std::chrono::system_clock::time_point;

// Milliseconds since the epoch, truncated towards zero.
inline int64_t ToMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             t.time_since_epoch())
      .count();
}

inline TimePoint FromMillis(int64_t millis) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::milliseconds(millis)));
}

}  // namespace leadrouter::storage
