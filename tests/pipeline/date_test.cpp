#include "pipeline/date.h"

#include <catch2/catch.hpp>
#include <chrono>

using leadrouter::pipeline::DaysSince;

namespace {
std::chrono::system_clock::time_point At(int y, unsigned m, unsigned d,
                                         int hour) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}} + hours{hour};
}
}  // namespace

TEST_CASE("days since a listing date count whole days to now",
          "[pipeline][date]") {
  const auto now = At(2026, 3, 14, 22);
  CHECK(DaysSince("2026-03-08", now) == 6);
  CHECK(DaysSince("2026-03-14T01:00:00Z", now) == 0);
  CHECK(DaysSince("2025-03-14", now) == 365);
}

TEST_CASE("days since rejects bad and future dates", "[pipeline][date]") {
  const auto now = At(2026, 3, 14, 22);
  CHECK_FALSE(DaysSince("2026-02-30", now).has_value());
  CHECK_FALSE(DaysSince("03/08/2026", now).has_value());
  CHECK_FALSE(DaysSince("2026-03-2", now).has_value());
  CHECK_FALSE(DaysSince("2026-04-01", now).has_value());
  CHECK_FALSE(DaysSince("", now).has_value());
}
