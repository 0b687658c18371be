#include "bot/daemon/duration.h"

#include <cctype>
#include <cstdint>

namespace leadrouter {
namespace {
// Ten years is far beyond any timer we keep; refuse rather than overflow.
constexpr int64_t kMaxMillis = 10LL * 365 * 24 * 3600 * 1000;
}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  using std::chrono::milliseconds;
  if (text.empty()) return std::nullopt;
  int64_t total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i] - '0');
      if (n > kMaxMillis) return std::nullopt;
      ++i;
    }
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    int64_t scale = 0;
    if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60 * 1000;
    else if (unit == "h") scale = 3600 * 1000;
    else if (unit == "d") scale = 24 * 3600 * 1000;
    else return std::nullopt;
    if (n > kMaxMillis / scale) return std::nullopt;
    total_ms += n * scale;
    if (total_ms > kMaxMillis) return std::nullopt;
  }
  return milliseconds(total_ms);
}

std::string FormatDuration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  struct Unit { const char* name; int64_t ms; };
  static constexpr Unit kUnits[] = {{"d", 86400000}, {"h", 3600000},
                                    {"m", 60000}, {"s", 1000}, {"ms", 1}};
  for (const Unit& u : kUnits) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms) + u.name;
      ms %= u.ms;
    }
  }
  return out;
}

}  // namespace leadrouter
