#include "pipeline/market.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "pipeline/date.h"
#include "pipeline/intent.h"
#include "pipeline/score.h"
#include "pipeline/segment.h"
#include "tests/pipeline/test_leads.h"

using namespace leadrouter::pipeline;
using testing::LeadSaying;
using testing::Segmented;

namespace {

Rules WithCambridge() {
  Rules rules;
  rules.zip_medians = std::make_shared<ZipMedianBook>();
  rules.zip_medians->Replace({{"02139", {452000, "2026-10-01"}}});
  return rules;
}

const Reason* Find(const SegmentResult& r, const std::string& rule) {
  auto it = std::find_if(r.reasons.begin(), r.reasons.end(),
                         [&](const Reason& x) { return x.rule == rule; });
  return it == r.reasons.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("market: the lead's ZIP median when known, else the area's",
          "[pipeline][market]") {
  const Rules rules = WithCambridge();
  ProcessedLead lead = LeadSaying("Tell me more");
  lead.property.zip = "02139";
  CHECK(MedianFor(lead, rules).value == 452000);
  CHECK(MedianFor(lead, rules).zip == "02139");
  lead.property.zip = "02139-4307";
  CHECK(MedianFor(lead, rules).zip == "02139");
  lead.property.zip = "10010";
  CHECK(MedianFor(lead, rules).value == 400000);
  CHECK(MedianFor(lead, rules).zip.empty());
}

TEST_CASE("market: the sentences name the figure used", "[pipeline][market]") {
  const MarketMedian cambridge{452000, "02139"};
  CHECK(TimesMedian(1900000, cambridge) ==
        "$1,900,000 is 4.2\u00d7 the 02139 median of $452,000");
  CHECK(AgainstMedian(415840, cambridge) == "8 % under the 02139 median");
  CHECK(AgainstMedian(500000, {400000, ""}) == "25 % over the area median");
  CHECK(AgainstMedian(452100, cambridge) == "at the 02139 median");
}

TEST_CASE("segment: far above the ZIP median is nurture, naming the figure",
          "[pipeline][segment][market]") {
  const Rules rules = WithCambridge();
  ProcessedLead lead = LeadSaying("Tell me about this one");
  lead.property.zip = "02139";
  lead.property.price = 1900000;  // 4.2x Cambridge, under 3x a 700k area
  const SegmentResult r = Segmented(lead, rules);
  CHECK(r.segment == Segment::kNurtureLongterm);
  REQUIRE(Find(r, "far_above_median"));
  CHECK(Find(r, "far_above_median")->detail ==
        "$1,900,000 is 4.2\u00d7 the 02139 median of $452,000");

  Rules pricier = WithCambridge();
  pricier.area_median_price = 700000;
  lead.property.zip = "10010";  // not in the file: the area median applies
  CHECK(Segmented(lead, pricier).segment == Segment::kWarmBuyer);
}

TEST_CASE("segment: within 15 % of the ZIP median is a warm buyer, said so",
          "[pipeline][segment][market]") {
  const Rules rules = WithCambridge();
  ProcessedLead lead = LeadSaying("Tell me about this one");
  lead.property.zip = "02139";
  lead.property.price = 480000;
  const SegmentResult r = Segmented(lead, rules);
  CHECK(r.segment == Segment::kWarmBuyer);
  REQUIRE(Find(r, "near_median"));
  CHECK(Find(r, "near_median")->detail ==
        "$480,000 is within 15 % of the 02139 median of $452,000 "
        "(6 % over the 02139 median)");
  lead.property.price = 600000;  // 33 % over: warm, but not near
  CHECK_FALSE(Find(Segmented(lead, rules), "near_median"));
}
