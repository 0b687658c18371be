#include "pipeline/lead_zone.h"

#include <catch2/catch.hpp>

#include "pipeline/phone.h"

using namespace leadrouter::pipeline;

namespace {

ProcessedLead Lead(const std::string& address, const std::string& phone) {
  ProcessedLead lead;
  lead.property.address = address;
  if (!phone.empty()) lead.phone = NormalizePhone(phone, "US");
  return lead;
}

}  // namespace

TEST_CASE("lead zone: the address's state decides the zone",
          "[pipeline][lead_zone]") {
  // A New York number, but the home is in Texas: the address wins.
  const LeadZone z = ZoneForLead(
      Lead("9 Main St, Austin, TX 78701", "212-555-0199"), "America/Denver");
  CHECK(z.state == "TX");
  CHECK(z.zone == "America/Chicago");
  CHECK(z.source == LeadZone::Source::kAddress);
}

TEST_CASE("lead zone: without an address, the phone number's area decides",
          "[pipeline][lead_zone]") {
  REQUIRE(NormalizePhone("212-555-0199", "US").valid);
  CHECK(StateFromPhone(NormalizePhone("212-555-0199", "US")) == "NY");
  CHECK(StateFromPhone(NormalizePhone("+1 907 555 0100", "US")) == "AK");
  const LeadZone z =
      ZoneForLead(Lead("", "(415) 555-0100"), "America/New_York");
  CHECK(z.state == "CA");
  CHECK(z.zone == "America/Los_Angeles");
  CHECK(z.source == LeadZone::Source::kPhone);
}

TEST_CASE("lead zone: the team's zone when neither says",
          "[pipeline][lead_zone]") {
  SECTION("no phone, no address") {
    const LeadZone z = ZoneForLead(Lead("", ""), "America/Denver");
    CHECK(z.zone == "America/Denver");
    CHECK(z.state.empty());
    CHECK(z.source == LeadZone::Source::kFallback);
  }
  SECTION("a toll-free number names no state") {
    CHECK(StateFromPhone(NormalizePhone("800-555-0100", "US")).empty());
  }
  SECTION("a number abroad names no US state") {
    CHECK(StateFromPhone(NormalizePhone("+44 20 7946 0958", "US")).empty());
  }
}
