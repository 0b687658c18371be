#include "pipeline/call_breaker.h"

#include <catch2/catch.hpp>

using leadrouter::pipeline::CallBreaker;
using namespace std::chrono_literals;

namespace {
const CallBreaker::TimePoint kT0{std::chrono::hours(480000)};
}

TEST_CASE("call breaker: opens after repeated overloads, for its pause",
          "[pipeline][llm]") {
  CallBreaker b(3, 60s);
  CHECK_FALSE(b.PausedUntil(kT0));
  b.OnOverload(kT0, std::nullopt);
  b.OnOverload(kT0, std::nullopt);
  CHECK_FALSE(b.PausedUntil(kT0));
  b.OnOverload(kT0, std::nullopt);
  REQUIRE(b.PausedUntil(kT0));
  CHECK(*b.PausedUntil(kT0) == kT0 + 60s);
  CHECK(b.PausedUntil(kT0 + 59s));
  CHECK_FALSE(b.PausedUntil(kT0 + 60s));
}

TEST_CASE("call breaker: an answer in between starts the count again",
          "[pipeline][llm]") {
  CallBreaker b(2, 60s);
  b.OnOverload(kT0, std::nullopt);
  b.OnAnswer();
  b.OnOverload(kT0, std::nullopt);
  CHECK_FALSE(b.PausedUntil(kT0));
}

TEST_CASE("call breaker: Retry-After is honoured, even once", "[pipeline][llm]") {
  CallBreaker b(3, 60s);
  b.OnOverload(kT0, std::chrono::milliseconds(20s));
  REQUIRE(b.PausedUntil(kT0));
  CHECK(*b.PausedUntil(kT0) == kT0 + 20s);
  SECTION("and a longer one than the pause wins when it opens") {
    b.OnOverload(kT0, std::nullopt);
    b.OnOverload(kT0, std::chrono::milliseconds(120s));
    CHECK(*b.PausedUntil(kT0) == kT0 + 120s);
  }
}
