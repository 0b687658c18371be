// Human durations as config files write them: "500ms", "30s", "5m", "1h30m",
// "2d". Pure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace leadrouter {

// Returns nullopt for anything that is not a sequence of <integer><unit>
// with units ms, s, m, h, d (e.g. "5x", "", "m5", "-1s").
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

// "5m", "1h30m", "250ms": the shortest exact spelling of `d`.
std::string FormatDuration(std::chrono::milliseconds d);

}  // namespace leadrouter
