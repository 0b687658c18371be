#include "pipeline/send_window.h"

#include <algorithm>
#include <cstdio>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

using std::chrono::minutes;

// Reads "HH:MM" into minutes after midnight; 24:00 is allowed as an end.
std::optional<minutes> ParseClock(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return minutes(h * 60 + m);
}

std::string FormatClock(minutes m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(m.count() / 60),
                static_cast<int>(m.count() % 60));
  return buf;
}

bool Contains(const std::vector<std::chrono::year_month_day>& dates,
              std::chrono::year_month_day date) {
  return std::find(dates.begin(), dates.end(), date) != dates.end();
}

DayHours Intersect(DayHours a, DayHours b) {
  DayHours out{std::max(a.open, b.open), std::min(a.close, b.close)};
  return out.closed() ? DayHours::Closed() : out;
}

// A search horizon: past it, the config closes every day.
constexpr int kSearchDays = 370;

}  // namespace

std::optional<DayHours> ParseDayHours(std::string_view text) {
  const std::string s = AsciiLower(TrimView(text));
  if (s == "closed") return DayHours::Closed();
  const size_t dash = s.find('-');
  if (dash == std::string::npos) return std::nullopt;
  const auto open = ParseClock(TrimView(std::string_view(s).substr(0, dash)));
  const auto close = ParseClock(TrimView(std::string_view(s).substr(dash + 1)));
  if (!open || !close || *open >= *close || *open == minutes(24 * 60)) {
    return std::nullopt;
  }
  return DayHours{*open, *close};
}

std::string ToString(const DayHours& hours) {
  if (hours.closed()) return "closed";
  return FormatClock(hours.open) + "-" + FormatClock(hours.close);
}

DayHours HoursOn(const SendWindow& window, std::string_view state,
                 std::chrono::year_month_day date) {
  const unsigned day =
      std::chrono::weekday(std::chrono::sys_days(date)).c_encoding();
  const bool team_holiday = Contains(window.holidays, date);
  DayHours hours = team_holiday           ? window.holiday_hours
                   : window.weekdays[day] ? *window.weekdays[day]
                                          : window.every_day;
  const auto it = window.states.find(std::string(state));
  if (it == window.states.end()) return hours;
  const StateWindow& s = it->second;
  if (team_holiday || Contains(s.holidays, date)) {
    return Intersect(hours, s.holiday_hours);
  }
  if (s.weekdays[day]) return Intersect(hours, *s.weekdays[day]);
  if (s.every_day) return Intersect(hours, *s.every_day);
  return hours;
}

std::optional<std::chrono::local_seconds> NextSendTime(
    const SendWindow& window, std::string_view state,
    std::chrono::local_seconds local_now) {
  using namespace std::chrono;
  const local_days today = floor<days>(local_now);
  for (int offset = 0; offset <= kSearchDays; ++offset) {
    const local_days day = today + days(offset);
    const DayHours hours = HoursOn(window, state, year_month_day(day));
    if (hours.closed()) continue;
    const local_seconds open = day + hours.open;
    const local_seconds close = day + hours.close;
    if (local_now < open) return open;
    if (local_now < close) return local_now;
  }
  return std::nullopt;
}

}  // namespace leadrouter::pipeline
