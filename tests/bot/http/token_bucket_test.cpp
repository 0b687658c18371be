#include "bot/http/token_bucket.h"

#include <catch2/catch.hpp>

namespace leadrouter {
namespace {

using std::chrono::milliseconds;
const TokenBucket::TimePoint kT0{std::chrono::seconds(1000)};

TEST_CASE("a full bucket allows a burst, then refuses", "[http][bucket]") {
  TokenBucket bucket(3, 1);
  CHECK(bucket.Take("a", kT0).allowed);
  CHECK(bucket.Take("a", kT0).allowed);
  CHECK(bucket.Take("a", kT0).allowed);
  auto d = bucket.Take("a", kT0);
  CHECK_FALSE(d.allowed);
  CHECK(d.retry_after_seconds == 1);
  SECTION("other clients have their own bucket") {
    CHECK(bucket.Take("b", kT0).allowed);
  }
  SECTION("tokens refill at the configured rate") {
    CHECK_FALSE(bucket.Take("a", kT0 + milliseconds(900)).allowed);
    CHECK(bucket.Take("a", kT0 + milliseconds(1000)).allowed);
    CHECK_FALSE(bucket.Take("a", kT0 + milliseconds(1000)).allowed);
  }
  SECTION("refill never exceeds capacity") {
    auto later = kT0 + std::chrono::hours(1);
    for (int i = 0; i < 3; ++i) CHECK(bucket.Take("a", later).allowed);
    CHECK_FALSE(bucket.Take("a", later).allowed);
  }
}

TEST_CASE("retry_after rounds the wait up to whole seconds", "[http][bucket]") {
  TokenBucket slow(1, 0.25);  // one token per 4 s
  CHECK(slow.Take("a", kT0).allowed);
  CHECK(slow.Take("a", kT0).retry_after_seconds == 4);
  CHECK(slow.Take("a", kT0 + milliseconds(1500)).retry_after_seconds == 3);
  CHECK(slow.Take("a", kT0 + milliseconds(3999)).retry_after_seconds == 1);
  CHECK(slow.Take("a", kT0 + milliseconds(4000)).allowed);
  TokenBucket fast(1, 20);
  CHECK(fast.Take("a", kT0).allowed);
  CHECK(fast.Take("a", kT0).retry_after_seconds == 1);  // 50 ms still says 1
}

TEST_CASE("past max_keys the least recently seen client is forgotten",
          "[http][bucket]") {
  TokenBucket bucket(1, 0.001, /*max_keys=*/2);
  CHECK(bucket.Take("a", kT0).allowed);
  CHECK(bucket.Take("b", kT0).allowed);
  CHECK_FALSE(bucket.Take("a", kT0).allowed);  // touches a: b is now oldest
  CHECK(bucket.Take("c", kT0).allowed);        // evicts b
  CHECK(bucket.tracked_keys() == 2);
  CHECK_FALSE(bucket.Take("a", kT0).allowed);  // a was kept, still empty
  CHECK(bucket.Take("b", kT0).allowed);        // b starts fresh
  CHECK(bucket.tracked_keys() == 2);
}

}  // namespace
}  // namespace leadrouter
