#include "storage/percentile.h"

#include <catch2/catch.hpp>

using leadrouter::storage::Percentile;

TEST_CASE("percentiles interpolate between the nearest ranks",
          "[storage][percentile]") {
  SECTION("the median of an even sample is the mean of the middle two") {
    CHECK(*Percentile({40, 10, 30, 20}, 50) == Approx(25));
  }
  SECTION("the median of an odd sample is its middle value") {
    CHECK(*Percentile({5, 1, 3}, 50) == Approx(3));
  }
  SECTION("p90 of 1..10 lies between the ninth and tenth values") {
    CHECK(*Percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90) == Approx(9.1));
  }
  SECTION("p0 and p100 are the minimum and the maximum") {
    CHECK(*Percentile({7, 3, 9}, 0) == Approx(3));
    CHECK(*Percentile({7, 3, 9}, 100) == Approx(9));
  }
  SECTION("a single value is every percentile") {
    CHECK(*Percentile({42}, 50) == Approx(42));
    CHECK(*Percentile({42}, 99) == Approx(42));
  }
}

TEST_CASE("an empty sample has no percentile", "[storage][percentile]") {
  CHECK_FALSE(Percentile({}, 50).has_value());
}
