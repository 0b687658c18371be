#include "bot/runtime/time_zone.h"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using leadrouter::FormatLocal;
using leadrouter::FromLocal;
using leadrouter::IsKnownTimeZone;
using leadrouter::LocalTime;
using leadrouter::SystemTime;
using leadrouter::ToLocal;

namespace {

// 2026-03-14T22:07:41Z, a Saturday: 18:07 EDT in New York (DST since
// March 8), 07:07 on Sunday in Tokyo.
const SystemTime kT0{std::chrono::seconds(1773526061)};

}  // namespace

TEST_CASE("local date, minute of day and weekday follow the zone",
          "[bot][time_zone]") {
  LocalTime ny = ToLocal(kT0, "America/New_York");
  CHECK(ny.zone == "America/New_York");
  CHECK(ny.date == "2026-03-14");
  CHECK(ny.minute_of_day == 18 * 60 + 7);
  CHECK(ny.weekday == 6);

  LocalTime tokyo = ToLocal(kT0, "Asia/Tokyo");
  CHECK(tokyo.date == "2026-03-15");
  CHECK(tokyo.minute_of_day == 7 * 60 + 7);
  CHECK(tokyo.weekday == 0);

  // A week earlier New York was still on standard time.
  CHECK(ToLocal(kT0 - 24h * 7, "America/New_York").minute_of_day ==
        17 * 60 + 7);
}

TEST_CASE("an empty or unknown zone falls back, and never throws",
          "[bot][time_zone]") {
  CHECK(ToLocal(kT0, "", "America/New_York").zone == "America/New_York");
  LocalTime bad = ToLocal(kT0, "Mars/Olympus_Mons", "America/New_York");
  CHECK(bad.zone == "America/New_York");
  CHECK(bad.minute_of_day == 18 * 60 + 7);
  LocalTime worst = ToLocal(kT0, "Nowhere/A", "Nowhere/B");
  CHECK(worst.zone == "UTC");
  CHECK(worst.minute_of_day == 22 * 60 + 7);
  CHECK(IsKnownTimeZone("Europe/London"));
  CHECK(IsKnownTimeZone("UTC"));
  CHECK_FALSE(IsKnownTimeZone("Mars/Olympus_Mons"));
  CHECK_FALSE(IsKnownTimeZone(""));
}

TEST_CASE("a local date and time map back to one instant", "[bot][time_zone]") {
  CHECK(FromLocal("2026-03-15", 0, "America/New_York") ==
        SystemTime(std::chrono::seconds(1773547200)));  // 04:00Z
  CHECK(FromLocal("2026-03-14", 18 * 60 + 7, "America/New_York") == kT0 - 41s);
  // 02:30 does not exist on 2026-03-08 in New York; the earliest instant
  // around the gap is taken rather than failing.
  CHECK(FromLocal("2026-03-08", 2 * 60 + 30, "America/New_York"));
  CHECK_FALSE(FromLocal("2026-02-30", 0, "America/New_York"));
  CHECK_FALSE(FromLocal("2026-3-15", 0, "America/New_York"));
  CHECK_FALSE(FromLocal("2026-03-15", 24 * 60, "America/New_York"));
  CHECK(FormatLocal(kT0, "America/New_York") == "2026-03-14 18:07 EDT");
}

TEST_CASE("local seconds round-trip, and a time in the spring-forward gap means its end",
          "[bot][time_zone]") {
  using leadrouter::FromLocalSeconds;
  using leadrouter::ToLocalSeconds;
  const auto local = ToLocalSeconds(kT0, "America/New_York");
  // 18:07:41 on 2026-03-14 in New York.
  const auto day = std::chrono::floor<std::chrono::days>(local);
  CHECK(std::chrono::year_month_day(day) ==
        std::chrono::year_month_day(std::chrono::year(2026), std::chrono::month(3),
                                    std::chrono::day(14)));
  CHECK(local - day == 18h + 7min + 41s);
  CHECK(FromLocalSeconds(local, "America/New_York") == kT0);
  // 02:30 on 2026-03-08 does not exist in New York; 03:00 EDT is 07:00Z.
  const std::chrono::local_seconds gap{
      std::chrono::local_days(std::chrono::year(2026) / 3 / 8).time_since_epoch() + 2h + 30min};
  CHECK(FromLocalSeconds(gap, "America/New_York") ==
        SystemTime(std::chrono::sys_days(std::chrono::year(2026) / 3 / 8).time_since_epoch() + 7h));
  CHECK(FromLocalSeconds(ToLocalSeconds(kT0, "Not/AZone"), "Not/AZone") == kT0);
}
