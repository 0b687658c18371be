// Three messages a person reads at once that the rules once misread: a
// pre-approval letter with a tour tomorrow, a curious tire-kicker, and a
// form's trailing %20.
#include <algorithm>
#include <catch2/catch.hpp>

#include "pipeline/date.h"
#include "pipeline/process.h"

using namespace leadrouter::pipeline;

namespace {

const auto kNow = *ParseTimestamp("2026-01-12T16:00:00Z");

ProcessedLead Processed(nlohmann::json payload) {
  payload["first_name"] = "Dana";
  payload["email"] = "dana@example.com";
  payload["phone"] = "(212) 555-0199";
  auto r = Process(payload, Rules{}, kNow);
  REQUIRE(r.ok());
  return r.value();
}

bool Mentions(const std::vector<Reason>& reasons, const std::string& words) {
  return std::any_of(reasons.begin(), reasons.end(), [&](const Reason& r) {
    return r.detail.find(words) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("a pre-approval letter and a tour tomorrow on a fresh "
          "listing is a hot, urgent buyer",
          "[pipeline][misread]") {
  const ProcessedLead lead = Processed(
      {{"message",
        "We have our pre-approval letter and would like to tour tomorrow"},
       {"property", {{"price", 899000}, {"days_on_market", 3}}}});
  CHECK(lead.intent == Intent::kUrgentBuyer);
  CHECK(lead.segment == Segment::kHotBuyer);
  CHECK(lead.lead_type == LeadType::kBuyer);
  CHECK(Mentions(lead.intent_reasons, "\"pre-approval\""));
  CHECK(Mentions(lead.intent_reasons, "\"tomorrow\""));
  CHECK(Mentions(lead.segment_reasons, "\"tomorrow\""));
}

TEST_CASE("just curious about commission, nothing planned soon, "
          "is a tire kicker for nurture",
          "[pipeline][misread]") {
  const ProcessedLead lead = Processed(
      {{"message",
        "Just curious, how does your commission compare to Redfin? Not "
        "planning anything soon."}});
  CHECK(lead.intent == Intent::kTireKicker);
  CHECK(lead.segment == Segment::kNurtureLongterm);
  CHECK(Mentions(lead.intent_reasons, "\"Just curious\""));
}

TEST_CASE("a trailing %20 from the form is decoded",
          "[pipeline][misread]") {
  CHECK(Processed({{"message", "Thanks!%20"}}).message == "Thanks!");
  const ProcessedLead lead =
      Processed({{"message", "Please send the floor plan. Thanks!%20"}});
  CHECK(lead.message == "Please send the floor plan. Thanks!");
  CHECK(std::find(lead.cleaning.begin(), lead.cleaning.end(),
                  "message: decoded form escapes") != lead.cleaning.end());
}
