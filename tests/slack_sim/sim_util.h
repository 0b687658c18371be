// Small helpers with no state of their own: URL/form decoding, ids, times.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace slack_sim {

// Decodes %XX and '+' as in application/x-www-form-urlencoded.
std::string UrlDecode(std::string_view text);

// Splits "a=1&b=2" into decoded pairs; a repeated key keeps the last value.
std::map<std::string, std::string> ParseForm(std::string_view text);

// A random RFC 4122 version-4 UUID string.
std::string NewUuid();

// A random string of `n` characters from [0-9a-z].
std::string RandomToken(int n);

// Wall-clock microseconds since the Unix epoch.
int64_t NowMicros();

}  // namespace slack_sim
