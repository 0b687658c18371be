// Local calendar time in IANA zones ("America/New_York"), from the system
// tzdata through date/tz.h. The team's zone decides the day caps count in;
// each agent's zone decides their working hours.
// Thread rule: pure functions over the process-wide, immutable tz database;
// safe anywhere.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "bot/runtime/system_time.h"

namespace leadrouter {

// A zone every tzdata has, used when even the fallback zone is unknown.
inline constexpr char kUtcZone[] = "UTC";

struct LocalTime {
  std::string zone;       // the zone actually used
  std::string date;       // "YYYY-MM-DD"
  int minute_of_day = 0;  // 0 … 1439
  int weekday = 0;        // 0 = Sunday … 6 = Saturday
};

// True when the tz database knows `name` (a zone or a link).
bool IsKnownTimeZone(const std::string& name);

// `t` in `zone`; an empty or unknown `zone` falls back to `fallback`, and
// an unknown `fallback` to UTC. Never throws for an unknown name.
LocalTime ToLocal(SystemTime t, const std::string& zone,
                  const std::string& fallback = kUtcZone);

// The instant that is `date` ("YYYY-MM-DD") at `minute_of_day` in `zone`
// (unknown: UTC). In a DST gap or overlap the earliest such instant is
// taken. nullopt when `date` is malformed or minute_of_day is outside
// 0 … 1439.
std::optional<SystemTime> FromLocal(const std::string& date, int minute_of_day,
                                    const std::string& zone);

// `t` as local wall-clock time in `zone` (unknown: UTC), to the second: the
// currency of pipeline/send_window.h.
std::chrono::local_seconds ToLocalSeconds(SystemTime t, const std::string& zone);

// The instant that is `local` in `zone` (unknown: UTC). In an overlap the
// earlier instant; in a DST gap the moment the gap ends (a text due at
// 02:30 on a spring-forward night goes at 03:00).
SystemTime FromLocalSeconds(std::chrono::local_seconds local, const std::string& zone);

// "2026-03-15 09:00 EDT": `t` in `zone` (unknown: UTC), to the minute.
std::string FormatLocal(SystemTime t, const std::string& zone);

}  // namespace leadrouter
