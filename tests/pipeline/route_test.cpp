#include "pipeline/route.h"

#include <catch2/catch.hpp>

#include "tests/pipeline/test_leads.h"

using namespace leadrouter::pipeline;
using testing::LeadSaying;

namespace {
ProcessedLead Lead(Segment segment, Intent intent) {
  ProcessedLead lead = LeadSaying("hi");
  lead.segment = segment;
  lead.intent = intent;
  return lead;
}
}  // namespace

TEST_CASE("route: hot buyers go to the shark tank", "[pipeline][route]") {
  ProcessedLead lead = Lead(Segment::kHotBuyer, Intent::kUrgentBuyer);
  lead.segment_reasons = {{"score_threshold", 0, "score 85 >= 70"}};
  const RouteDecision d = DecideRoute(lead);
  CHECK(d.kind == RouteKind::kSharkTank);
  CHECK(d.reason.find("score 85 >= 70") != std::string::npos);
}

TEST_CASE("route: warm buyers go round robin", "[pipeline][route]") {
  CHECK(DecideRoute(Lead(Segment::kWarmBuyer, Intent::kGeneralInquiry)).kind ==
        RouteKind::kRoundRobin);
}

TEST_CASE("route: long-term leads go to nurture", "[pipeline][route]") {
  CHECK(
      DecideRoute(Lead(Segment::kNurtureLongterm, Intent::kTireKicker)).kind ==
      RouteKind::kNurture);
}

TEST_CASE("route: support requests are routed away from sales",
          "[pipeline][route]") {
  const RouteDecision d =
      DecideRoute(Lead(Segment::kHotBuyer, Intent::kSupportRequest));
  CHECK(d.kind == RouteKind::kSupport);
  CHECK(d.reason.find("away from sales") != std::string::npos);
}

TEST_CASE("route: spam, honeypot and low-quality leads reach no one",
          "[pipeline][route]") {
  CHECK(DecideRoute(Lead(Segment::kWarmBuyer, Intent::kSpam)).kind ==
        RouteKind::kNone);
  CHECK(DecideRoute(Lead(Segment::kLowQuality, Intent::kGeneralInquiry)).kind ==
        RouteKind::kNone);
  ProcessedLead bot = Lead(Segment::kHotBuyer, Intent::kSupportRequest);
  bot.honeypot = true;
  const RouteDecision d = DecideRoute(bot);
  CHECK(d.kind == RouteKind::kNone);
  CHECK(d.reason.find("honeypot") != std::string::npos);
}

TEST_CASE("route kinds have stable names both ways", "[pipeline][route]") {
  CHECK(ToString(RouteKind::kSharkTank) == "shark_tank");
  CHECK(ToString(RouteKind::kRoundRobin) == "round_robin");
  CHECK(ToString(RouteKind::kNurture) == "nurture");
  CHECK(ToString(RouteKind::kSupport) == "support");
  CHECK(ToString(RouteKind::kNone) == "none");
  for (RouteKind k :
       {RouteKind::kSharkTank, RouteKind::kRoundRobin, RouteKind::kNurture,
        RouteKind::kSupport, RouteKind::kNone}) {
    CHECK(RouteKindFromString(ToString(k)) == k);
  }
  CHECK_FALSE(RouteKindFromString("shark-tank").has_value());
}
