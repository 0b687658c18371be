#include "bot/daemon/duration.h"

#include <catch2/catch.hpp>

using leadrouter::FormatDuration;
using leadrouter::ParseDuration;
using namespace std::chrono_literals;

TEST_CASE("durations read the way config files write them", "[bot][duration]") {
  CHECK(ParseDuration("500ms") == 500ms);
  CHECK(ParseDuration("30s") == 30s);
  CHECK(ParseDuration("5m") == 5min);
  CHECK(ParseDuration("1h30m") == 90min);
  CHECK(ParseDuration("30d") == std::chrono::hours(24 * 30));
  CHECK(ParseDuration("0s") == 0ms);
}

TEST_CASE("a duration with a unit we don't know is refused", "[bot][duration]") {
  for (const char* bad : {"5x", "", "m5", "-1s", "5", "1.5h", "5 m", "s", "99999999999d"}) {
    INFO(bad);
    CHECK_FALSE(ParseDuration(bad).has_value());
  }
}

TEST_CASE("durations print in their shortest exact form", "[bot][duration]") {
  CHECK(FormatDuration(5min) == "5m");
  CHECK(FormatDuration(90min) == "1h30m");
  CHECK(FormatDuration(250ms) == "250ms");
  CHECK(FormatDuration(0ms) == "0s");
  CHECK(ParseDuration(FormatDuration(3723004ms)) == 3723004ms);
}
