#include "pipeline/date.h"

#include <catch2/catch.hpp>
#include <chrono>

using leadrouter::pipeline::DaysSince;
using leadrouter::pipeline::ParseTimestamp;

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

TEST_CASE("an RFC 3339 timestamp reads as the instant it names",
          "[pipeline][date]") {
  using namespace std::chrono;
  const auto at = At(2026, 3, 14, 22) + minutes(19) + seconds(3);
  CHECK(ParseTimestamp("2026-03-14T22:19:03Z") == at);
  CHECK(ParseTimestamp("2026-03-14 22:19:03z") == at);
  CHECK(ParseTimestamp("2026-03-14T22:19:03.250Z") == at + milliseconds(250));
  CHECK(ParseTimestamp("2026-03-14T17:19:03-05:00") == at);
  CHECK(ParseTimestamp("2026-03-15T03:49:03+05:30") == at);
}

TEST_CASE("a timestamp without a zone or with an impossible time is refused",
          "[pipeline][date]") {
  for (const char* bad :
       {"2026-03-14T22:19:03", "2026-03-14", "2026-02-30T10:00:00Z",
        "2026-03-14T24:00:00Z", "2026-03-14T22:61:00Z", "2026-03-14T22:19:03.Z",
        "2026-03-14T22:19:03+5:00", "14/03/2026 22:19:03Z", ""}) {
    INFO(bad);
    CHECK_FALSE(ParseTimestamp(bad).has_value());
  }
}
