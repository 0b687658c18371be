// Calendar dates in payloads. Pure: `now` is passed in.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace leadrouter::pipeline {

// Whole days from the date at the start of `iso_date` ("2026-03-08" or
// "2026-03-08T…") to `now` (UTC). nullopt when it is not a valid date or
// lies in the future.
std::optional<int> DaysSince(std::string_view iso_date,
                             std::chrono::system_clock::time_point now);

// An RFC 3339 timestamp: "2026-03-14T22:19:03Z", with optional fractional
// seconds (kept to the millisecond) and a "Z" or "+HH:MM"/"-HH:MM" offset;
// a space may stand for the "T". nullopt for anything else, including
// impossible dates and times.
std::optional<std::chrono::system_clock::time_point> ParseTimestamp(
    std::string_view text);

}  // namespace leadrouter::pipeline
