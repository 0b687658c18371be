#include "pipeline/lookup_rate.h"

#include <catch2/catch.hpp>

using leadrouter::pipeline::LookupRate;
using namespace std::chrono_literals;

namespace {
const LookupRate::TimePoint kT0{std::chrono::hours(24 * 20000)};
}

TEST_CASE("lookup rate: a minute's allowance, then each waits its turn",
          "[pipeline][enrichment]") {
  LookupRate rate(60);
  for (int i = 0; i < 60; ++i) {
    REQUIRE(rate.TryAcquire(kT0 + std::chrono::milliseconds(i * 10)) == 0ms);
  }
  // The 61st waits for the first to leave the minute, and is not counted.
  CHECK(rate.TryAcquire(kT0 + 1s) == 59s);
  CHECK(rate.SentInLastMinute(kT0 + 1s) == 60);
  CHECK(rate.TryAcquire(kT0 + 60s) == 0ms);
  CHECK(rate.TryAcquire(kT0 + 60s) == 10ms);
}

TEST_CASE("lookup rate: a 429's Retry-After pauses every lookup",
          "[pipeline][enrichment]") {
  LookupRate rate(60);
  rate.PauseUntil(kT0 + 30s);
  CHECK(rate.TryAcquire(kT0) == 30s);
  CHECK(rate.TryAcquire(kT0 + 30s) == 0ms);
  LookupRate unlimited(0);
  for (int i = 0; i < 1000; ++i) REQUIRE(unlimited.TryAcquire(kT0) == 0ms);
}
