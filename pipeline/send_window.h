// The SMS send window: the local hours in which a lead may get a text.
// Team-wide hours per weekday, holidays, and per-US-state rules that can
// only narrow them (a state's law adds restrictions, never permissions).
// Pure: the caller converts between UTC and the lead's local time (see
// lead_zone.h for which zone); values here are local wall-clock times.
// Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leadrouter::pipeline {

// [open, close) in minutes after local midnight; close may be 24:00.
// open >= close means closed all day.
struct DayHours {
  std::chrono::minutes open{8 * 60};
  std::chrono::minutes close{21 * 60};
  bool closed() const { return open >= close; }
  static DayHours Closed() {
    return {std::chrono::minutes(0), std::chrono::minutes(0)};
  }
  bool operator==(const DayHours&) const = default;
};

// "08:00-21:00" (24-hour, close may be "24:00") or "closed". nullopt when
// it is neither, or when open is not before close.
std::optional<DayHours> ParseDayHours(std::string_view text);
// "08:00-21:00" or "closed".
std::string ToString(const DayHours& hours);

// Index into a weekday array: 0 Sunday … 6 Saturday (C++'s weekday order).
using WeekHours = std::array<std::optional<DayHours>, 7>;

struct StateWindow {
  std::optional<DayHours> every_day;  // unset: no restriction of its own
  WeekHours weekdays;                 // overrides every_day per weekday
  std::vector<std::chrono::year_month_day> holidays;  // added to the team's
  DayHours holiday_hours = DayHours::Closed();        // on those dates
};

struct SendWindow {
  DayHours every_day;  // 08:00-21:00
  WeekHours weekdays;  // overrides every_day per weekday
  std::vector<std::chrono::year_month_day> holidays;  // for every lead
  DayHours holiday_hours = DayHours::Closed();
  std::map<std::string, StateWindow> states;  // by USPS code, "TX"
};

// The hours in force on `date` for a lead in `state` ("" when unknown):
// the team's hours (holiday hours on a team holiday, else the weekday's,
// else every_day) intersected with the state's (its holiday hours on its
// own or a team holiday, else its weekday's, else its every_day, else
// unrestricted).
DayHours HoursOn(const SendWindow& window, std::string_view state,
                 std::chrono::year_month_day date);

// `local_now` itself when a text may go out now, else the local time of the
// next opening. nullopt when the window stays closed for a whole year (a
// config that forbids every day).
std::optional<std::chrono::local_seconds> NextSendTime(
    const SendWindow& window, std::string_view state,
    std::chrono::local_seconds local_now);

}  // namespace leadrouter::pipeline
