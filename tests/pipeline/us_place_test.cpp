#include "pipeline/us_place.h"

#include <catch2/catch.hpp>

using namespace leadrouter::pipeline;

TEST_CASE("us place: the state and city come from the end of the address",
          "[pipeline][us_place]") {
  UsPlace p = PlaceFromAddress("12 Elm St, Springfield, IL 62704");
  CHECK(p.state == "IL");
  CHECK(p.city == "Springfield");
  p = PlaceFromAddress(
      "455 Ocean Dr, Apt 3, Miami Beach, Florida 33139-1234, USA");
  CHECK(p.state == "FL");
  CHECK(p.city == "Miami Beach");
  p = PlaceFromAddress("Austin, tx");
  CHECK(p.state == "TX");
  CHECK(p.city == "Austin");
}

TEST_CASE("us place: an address that names no state gives no guess",
          "[pipeline][us_place]") {
  CHECK(PlaceFromAddress("").state.empty());
  CHECK(PlaceFromAddress("12 Elm St").state.empty());
  CHECK(PlaceFromAddress("12 Elm St, Springfield, 62704").state.empty());
  CHECK(PlaceFromAddress("12 Elm St, Springfield, Ontario").state.empty());
  const UsPlace street_only = PlaceFromAddress("12 Elm St, IL");
  CHECK(street_only.state == "IL");
  CHECK(street_only.city.empty());
}

TEST_CASE(
    "us place: every state has a time zone, split states their majority's",
    "[pipeline][us_place]") {
  CHECK(TimeZoneForState("NY") == "America/New_York");
  CHECK(TimeZoneForState("TX") == "America/Chicago");
  CHECK(TimeZoneForState("AZ") == "America/Phoenix");
  CHECK(TimeZoneForState("HI") == "Pacific/Honolulu");
  CHECK(TimeZoneForState("ZZ").empty());
  CHECK(StateCode("new hampshire") == "NH");
  CHECK(StateCode("Narnia").empty());
}
