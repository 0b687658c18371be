#include "bot/metrics/label_cap.h"

#include <string>

#include <catch2/catch.hpp>

using leadrouter::metrics::LabelCap;

TEST_CASE("a label keeps its first values and reports the rest as other",
          "[bot][metrics]") {
  LabelCap cap(3);
  CHECK(cap.Apply("Zillow") == "Zillow");
  CHECK(cap.Apply("Realtor.com") == "Realtor.com");
  CHECK(cap.Apply("Website") == "Website");
  CHECK(cap.Apply("Trulia") == "other");
  SECTION("a value already kept stays itself after the cap is reached") {
    CHECK(cap.Apply("Zillow") == "Zillow");
  }
  SECTION("an empty value is none, and does not take a place") {
    LabelCap fresh(1);
    CHECK(fresh.Apply("") == "none");
    CHECK(fresh.Apply("Zillow") == "Zillow");
  }
}

TEST_CASE("a long label value is cut without splitting a character", "[bot][metrics]") {
  LabelCap cap(10);
  std::string value(63, 'a');
  value += "\xc3\xa9tude";  // "é" straddles the 64-byte cut
  std::string kept = cap.Apply(value);
  CHECK(kept == std::string(63, 'a'));
  CHECK(cap.Apply(std::string(200, 'b')).size() == 64);
}
