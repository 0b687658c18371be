#include "pipeline/signals.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/pipeline/test_leads.h"

using namespace leadrouter::pipeline;
using testing::LeadSaying;
using testing::WithPhone;

namespace {
bool Has(const std::vector<Reason>& reasons, const std::string& rule) {
  return std::any_of(reasons.begin(), reasons.end(),
                     [&](const Reason& r) { return r.rule == rule; });
}
}  // namespace

TEST_CASE("spam signals count links, pitches, junk phones and honeypots",
          "[pipeline][signals]") {
  const Rules rules;
  SECTION("two links") {
    const auto s = SpamSignals(
        LeadSaying("see http://a.example and https://b.example"), rules);
    CHECK(Has(s, "links"));
  }
  SECTION("one link is not a signal") {
    CHECK(SpamSignals(LeadSaying("listing: https://zillow.example/123"), rules)
              .empty());
  }
  SECTION("SEO pitch") {
    CHECK(Has(SpamSignals(LeadSaying("Cheap backlinks for your site"), rules),
              "spam_phrase"));
  }
  SECTION("a two-digit phone") {
    CHECK(Has(SpamSignals(WithPhone(LeadSaying("hi"), "12"), rules),
              "junk_phone"));
  }
  SECTION("a honeypot") {
    ProcessedLead lead = LeadSaying("hi");
    lead.honeypot = true;
    CHECK(Has(SpamSignals(lead, rules), "honeypot"));
    CHECK(IsSpam(lead, rules));
  }
}

TEST_CASE("one spam signal alone does not make a lead spam",
          "[pipeline][signals]") {
  const Rules rules;
  CHECK_FALSE(IsSpam(LeadSaying("Do you do SEO for your listings?"), rules));
  CHECK(IsSpam(WithPhone(LeadSaying("Cheap SEO"), "12"), rules));
}

TEST_CASE("links are counted once each, with or without a scheme",
          "[pipeline][signals]") {
  CHECK(CountLinks("https://www.a.example www.b.example http://c") == 3);
  CHECK(CountLinks("no links here") == 0);
}
