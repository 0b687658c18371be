// The sample payloads in tests/fixtures, each checked for what
// /work/shared/samples/README.md says it must come out as.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "pipeline/process.h"
#include "pipeline/route.h"

using namespace leadrouter::pipeline;
using leadrouter::Result;

namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(LEADROUTER_FIXTURES_DIR) + "/" + name);
  REQUIRE(in.good());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<ProcessedLead> ProcessFixture(const std::string& name) {
  const auto now = std::chrono::sys_days{
      std::chrono::year{2026} / std::chrono::month{3} / std::chrono::day{15}};
  return ProcessBody(ReadFixture(name), Rules{}, now);
}

bool HasKey(const ProcessedLead& lead, const std::string& key) {
  for (const std::string& k : lead.dedupe_keys) {
    if (k == key) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("sample portal-nested is a hot buyer with a clean name and phone",
          "[pipeline][samples]") {
  const Result<ProcessedLead> r = ProcessFixture("portal-nested.json");
  REQUIRE(r.ok());
  const ProcessedLead& lead = r.value();
  CHECK(lead.phone.e164 == "+12125550199");
  CHECK(lead.phone.valid);
  CHECK(lead.name.full == "Dana O'Connell");
  CHECK(lead.name.first == "Dana");
  CHECK(lead.name.last == "O'Connell");
  CHECK(lead.email == "dana.oconnell@example.com");
  CHECK(lead.email_valid);
  CHECK(lead.source == "Zillow Premier");
  CHECK(lead.submitted_at == "2026-03-14T22:07:41Z");
  CHECK(lead.property.mls_id == "NY-2291837");
  CHECK(lead.property.address == "48 West 21st St, Apt 5B, New York, NY 10010");
  CHECK(lead.property.zip == "10010");
  CHECK(lead.property.price == 1250000.0);
  CHECK(lead.property.days_on_market == 6);
  CHECK(lead.message.find("Pre-approved with Chase") == 0);
  CHECK(lead.segment == Segment::kHotBuyer);
  CHECK(lead.intent == Intent::kUrgentBuyer);
  CHECK(DecideRoute(lead).kind == RouteKind::kSharkTank);
  CHECK(HasKey(lead, "email:dana.oconnell@example.com"));
  CHECK(HasKey(lead, "phone:+12125550199"));
  bool fresh = false;
  for (const Reason& reason : lead.segment_reasons) {
    fresh = fresh || reason.rule == "fresh_listing";
  }
  CHECK(fresh);
}

TEST_CASE("sample webform-flat is long-term nurture with HTML stripped",
          "[pipeline][samples]") {
  const Result<ProcessedLead> r = ProcessFixture("webform-flat.json");
  REQUIRE(r.ok());
  const ProcessedLead& lead = r.value();
  CHECK(lead.phone.e164 == "+13125550173");
  CHECK(lead.name.full == "Marcus Webb");
  CHECK(lead.message ==
        "Hi,\nwe are just looking for now, thinking of moving next year.");
  CHECK(lead.message.find('<') == std::string::npos);
  CHECK(lead.message.find("Sent from contact form") == std::string::npos);
  CHECK(lead.budget == 450000.0);
  CHECK(lead.property.zip == "60614");
  CHECK(lead.attribution.utm_source == "google");
  CHECK(lead.attribution.utm_medium == "cpc");
  CHECK(lead.attribution.utm_campaign == "spring-buyers");
  CHECK(lead.attribution.landing_page ==
        "https://example.com/lp/relocation?gclid=abc123");
  CHECK(lead.attribution.gclid == "abc123");
  CHECK(lead.consent.marketing == true);
  CHECK(lead.consent.policy_version == "2026-01");
  CHECK(lead.segment == Segment::kNurtureLongterm);
  CHECK(lead.intent == Intent::kTireKicker);
  CHECK(DecideRoute(lead).kind == RouteKind::kNurture);
  CHECK_FALSE(lead.cleaning.empty());
}

TEST_CASE("sample crm-properties is an urgent buyer with its CRM id",
          "[pipeline][samples]") {
  const Result<ProcessedLead> r = ProcessFixture("crm-properties.json");
  REQUIRE(r.ok());
  const ProcessedLead& lead = r.value();
  CHECK(lead.phone.e164 == "+15128675309");
  CHECK(lead.name.first == "Priya");
  CHECK(lead.name.last == "Raman");
  CHECK(lead.crm_id == "90210");
  CHECK(lead.email == "priya.raman@example.net");
  CHECK(lead.budget == 2100000.0);
  CHECK(lead.intent == Intent::kUrgentBuyer);
  REQUIRE_FALSE(lead.intent_reasons.empty());
  CHECK(lead.intent_reasons[0].rule == "deadline");
  CHECK(lead.intent_reasons[0].detail.find("\"Friday\"") != std::string::npos);
  CHECK(lead.segment == Segment::kHotBuyer);
  CHECK(lead.lead_type == LeadType::kBuyer);
  REQUIRE_FALSE(lead.lead_type_reasons.empty());
  CHECK(lead.lead_type_reasons[0].detail.find("investor") != std::string::npos);
}

TEST_CASE("sample support-request is routed to support",
          "[pipeline][samples]") {
  const Result<ProcessedLead> r = ProcessFixture("support-request.json");
  REQUIRE(r.ok());
  CHECK(r->intent == Intent::kSupportRequest);
  CHECK(DecideRoute(r.value()).kind == RouteKind::kSupport);
}

TEST_CASE("sample spam is stored as low quality and routed to no one",
          "[pipeline][samples]") {
  const Result<ProcessedLead> r = ProcessFixture("spam.json");
  REQUIRE(r.ok());
  CHECK(r->intent == Intent::kSpam);
  CHECK(r->segment == Segment::kLowQuality);
  CHECK_FALSE(r->phone.valid);
  CHECK(r->phone.raw == "12");
  CHECK(r->score < 0);
  CHECK(DecideRoute(r.value()).kind == RouteKind::kNone);
}

TEST_CASE("sample invalid-missing-contact is rejected naming contact",
          "[pipeline][samples]") {
  const Result<ProcessedLead> r =
      ProcessFixture("invalid-missing-contact.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == leadrouter::Status::Code::kInvalidField);
  CHECK(r.status().field() == "contact");
  CHECK(r.status().message() == "email or phone is required");
}
