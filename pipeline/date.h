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

}  // namespace leadrouter::pipeline
