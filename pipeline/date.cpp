#include "pipeline/date.h"

namespace leadrouter::pipeline {
namespace {

std::optional<int> Digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<int> DaysSince(std::string_view iso_date,
                             std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  if (iso_date.size() < 10 || iso_date[4] != '-' || iso_date[7] != '-') {
    return std::nullopt;
  }
  const auto y = Digits(iso_date.substr(0, 4));
  const auto m = Digits(iso_date.substr(5, 2));
  const auto d = Digits(iso_date.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*m)},
                            day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  const auto days = floor<std::chrono::days>(now) - sys_days{date};
  if (days.count() < 0) return std::nullopt;
  return static_cast<int>(days.count());
}

}  // namespace leadrouter::pipeline
