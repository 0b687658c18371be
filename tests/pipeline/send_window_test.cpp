#include "pipeline/send_window.h"

#include <catch2/catch.hpp>

using namespace leadrouter::pipeline;
using namespace std::chrono;

namespace {

// 2026-03-14 is a Saturday, 2026-03-15 a Sunday.
local_seconds At(year_month_day date, hours h, minutes m = minutes(0)) {
  return local_days(date) + h + m;
}

constexpr year_month_day kSaturday = 2026y / March / 14;
constexpr year_month_day kSunday = 2026y / March / 15;
constexpr year_month_day kMonday = 2026y / March / 16;

}  // namespace

TEST_CASE("send window: a step due at 23:30 local time is sent at 08:00",
          "[pipeline][send_window]") {
  const SendWindow window;  // defaults: 08:00-21:00 every day
  CHECK(NextSendTime(window, "NY", At(kSaturday, hours(23), minutes(30))) ==
        At(kSunday, hours(8)));
  SECTION("and one due before the opening waits for it the same day") {
    CHECK(NextSendTime(window, "", At(kSaturday, hours(6), minutes(15))) ==
          At(kSaturday, hours(8)));
  }
}

TEST_CASE("send window: inside the window a text goes out at once",
          "[pipeline][send_window]") {
  const SendWindow window;
  const local_seconds t = At(kSaturday, hours(14), minutes(5));
  CHECK(NextSendTime(window, "", t) == t);
  SECTION("the opening minute is inside, the closing minute is not") {
    CHECK(NextSendTime(window, "", At(kSaturday, hours(8))) ==
          At(kSaturday, hours(8)));
    CHECK(NextSendTime(window, "", At(kSaturday, hours(21))) ==
          At(kSunday, hours(8)));
  }
}

TEST_CASE(
    "send window: a state that restricts Sundays holds Saturday night's "
    "text until its Sunday opening",
    "[pipeline][send_window]") {
  SendWindow window;
  StateWindow restricted;
  restricted.weekdays[0] = DayHours{hours(12), hours(21)};  // Sunday noon on
  window.states["TX"] = restricted;
  const local_seconds late_saturday = At(kSaturday, hours(22));
  CHECK(NextSendTime(window, "TX", late_saturday) == At(kSunday, hours(12)));
  CHECK(NextSendTime(window, "NY", late_saturday) == At(kSunday, hours(8)));
  SECTION("a Sunday closed outright waits for Monday") {
    window.states["TX"].weekdays[0] = DayHours::Closed();
    CHECK(NextSendTime(window, "TX", At(kSunday, hours(9))) ==
          At(kMonday, hours(8)));
  }
}

TEST_CASE("send window: a state's rules only narrow the team's hours",
          "[pipeline][send_window]") {
  SendWindow window;
  window.weekdays[6] = DayHours{hours(10), hours(18)};  // team: Saturdays 10-18
  StateWindow wide;
  wide.every_day = DayHours{hours(7), hours(22)};
  window.states["FL"] = wide;
  CHECK(HoursOn(window, "FL", kSaturday) == DayHours{hours(10), hours(18)});
  CHECK(HoursOn(window, "FL", kMonday) == DayHours{hours(8), hours(21)});
  window.states["FL"].every_day = DayHours{hours(9), hours(20)};
  CHECK(HoursOn(window, "FL", kMonday) == DayHours{hours(9), hours(20)});
}

TEST_CASE("send window: holidays are closed unless holiday hours say otherwise",
          "[pipeline][send_window]") {
  SendWindow window;
  const year_month_day christmas = 2026y / December / 25;
  window.holidays = {christmas};
  CHECK(HoursOn(window, "", christmas).closed());
  CHECK(NextSendTime(window, "", At(christmas, hours(9))) ==
        At(2026y / December / 26, hours(8)));
  window.holiday_hours = DayHours{hours(12), hours(17)};
  CHECK(NextSendTime(window, "", At(christmas, hours(9))) ==
        At(christmas, hours(12)));
  SECTION("a state's own holidays apply to its leads only") {
    const year_month_day texas_day = 2026y / March / 2;
    window.states["TX"].holidays = {texas_day};
    CHECK(HoursOn(window, "TX", texas_day).closed());
    CHECK_FALSE(HoursOn(window, "NY", texas_day).closed());
  }
}

TEST_CASE("send window: a window closed every day never opens",
          "[pipeline][send_window]") {
  SendWindow window;
  window.every_day = DayHours::Closed();
  CHECK_FALSE(NextSendTime(window, "", At(kSaturday, hours(9))).has_value());
}

TEST_CASE("send window: hours read as HH:MM-HH:MM or closed",
          "[pipeline][send_window]") {
  CHECK(ParseDayHours("08:00-21:00") == DayHours{hours(8), hours(21)});
  CHECK(ParseDayHours(" 09:30 - 24:00 ") ==
        DayHours{hours(9) + minutes(30), hours(24)});
  CHECK(ParseDayHours("Closed")->closed());
  CHECK_FALSE(ParseDayHours("21:00-08:00"));
  CHECK_FALSE(ParseDayHours("8-21"));
  CHECK_FALSE(ParseDayHours("08:00-25:00"));
  CHECK_FALSE(ParseDayHours("08:60-21:00"));
  CHECK(ToString(DayHours{hours(8), hours(21)}) == "08:00-21:00");
  CHECK(ToString(DayHours::Closed()) == "closed");
}
