#include "pipeline/score.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/pipeline/test_leads.h"

using namespace leadrouter::pipeline;
using testing::LeadSaying;
using testing::WithPhone;

namespace {

const Reason* Find(const ScoreResult& r, const std::string& rule) {
  const auto it = std::find_if(r.reasons.begin(), r.reasons.end(),
                               [&](const Reason& x) { return x.rule == rule; });
  return it == r.reasons.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("score adds points for a valid phone", "[pipeline][score]") {
  const Rules rules;
  const ScoreResult r =
      ScoreLead(WithPhone(LeadSaying("hi"), "(212) 555-0199"), rules);
  REQUIRE(Find(r, "valid_phone") != nullptr);
  CHECK(Find(r, "valid_phone")->points == 10);
  // In an agent's words, and the number is not repeated.
  CHECK(Find(r, "valid_phone")->detail == "valid mobile or landline number");
  CHECK(r.total == 10);
}

TEST_CASE("score adds points for a verified address", "[pipeline][score]") {
  const Rules rules;
  SECTION("an MLS id") {
    ProcessedLead lead = LeadSaying("hi");
    lead.property.mls_id = "NY-2291837";
    const ScoreResult r = ScoreLead(lead, rules);
    REQUIRE(Find(r, "verified_address") != nullptr);
    CHECK(r.total == 15);
  }
  SECTION("street number, street and ZIP") {
    ProcessedLead lead = LeadSaying("hi");
    lead.property.address = "48 West 21st St, New York, NY 10010";
    CHECK(ScoreLead(lead, rules).total == 15);
    lead.property.address = "1200B Oak Ave, Austin, TX";
    lead.property.zip = "78701";
    CHECK(ScoreLead(lead, rules).total == 15);
  }
  SECTION(
      "a street without a ZIP, or a ZIP without a street, is not verified") {
    Property p;
    p.address = "48 West 21st St, New York";
    CHECK_FALSE(HasVerifiedAddress(p));
    p.address = "New York, NY 10010";
    CHECK_FALSE(HasVerifiedAddress(p));
    p.address = "";
    p.zip = "60614";
    CHECK_FALSE(HasVerifiedAddress(p));
    p.address = "123456 Main St";  // a six-digit run is no ZIP
    p.zip = "";
    CHECK_FALSE(HasVerifiedAddress(p));
  }
}

TEST_CASE("score adds points for a budget or price over the threshold",
          "[pipeline][score]") {
  const Rules rules;
  ProcessedLead lead = LeadSaying("hi");
  lead.budget = 450000;
  CHECK(Find(ScoreLead(lead, rules), "budget_over_threshold") == nullptr);
  lead.budget = 500000;
  CHECK(Find(ScoreLead(lead, rules), "budget_over_threshold") == nullptr);
  lead.budget = 2100000;
  const ScoreResult r = ScoreLead(lead, rules);
  REQUIRE(Find(r, "budget_over_threshold") != nullptr);
  CHECK(Find(r, "budget_over_threshold")->detail ==
        "budget $2,100,000 over $500,000");
  CHECK(r.total == 25);
  SECTION("the listing price counts too") {
    ProcessedLead priced = LeadSaying("hi");
    priced.property.price = 1250000;
    CHECK(ScoreLead(priced, rules).total == 25);
  }
}

TEST_CASE("score adds points for buying signals", "[pipeline][score]") {
  const Rules rules;
  for (const char* text : {"We are pre-approved", "PREAPPROVED buyer",
                           "pre approved", "paying cash", "preaproved",
                           "approved for a mortgage", "our pre-approval"}) {
    INFO(text);
    const ScoreResult r = ScoreLead(LeadSaying(text), rules);
    REQUIRE(Find(r, "buying_signal") != nullptr);
    CHECK(r.total == 50);
  }
  SECTION("the rule fires once however many phrases match") {
    const ScoreResult r =
        ScoreLead(LeadSaying("cash investor, pre-approved"), rules);
    CHECK(r.total == 50);
    CHECK(Find(r, "buying_signal")->detail ==
          "mentions \"cash\", \"pre-approved\"");
  }
  SECTION("not when negated or only planned") {
    for (const char* text : {"not pre-approved yet", "we are not cash buyers",
                             "we should get pre-approved"}) {
      INFO(text);
      CHECK(Find(ScoreLead(LeadSaying(text), rules), "buying_signal") ==
            nullptr);
    }
  }
  SECTION("only on word boundaries") {
    CHECK(ScoreLead(LeadSaying("cashier's check, investors' club"), rules)
              .total == 0);
  }
}

TEST_CASE("score subtracts points for just looking", "[pipeline][score]") {
  const ScoreResult r = ScoreLead(LeadSaying("Just looking for now"), Rules{});
  REQUIRE(Find(r, "just_looking") != nullptr);
  CHECK(r.total == -20);
}

TEST_CASE("score subtracts points for invalid contact details",
          "[pipeline][score]") {
  const Rules rules;
  SECTION("an unassigned phone") {
    const ScoreResult r =
        ScoreLead(WithPhone(LeadSaying("hi"), "555-123-4567"), rules);
    REQUIRE(Find(r, "invalid_contact") != nullptr);
    CHECK(r.total == -30);
  }
  SECTION("a broken e-mail") {
    ProcessedLead lead = LeadSaying("hi");
    lead.email = "dana@example";
    lead.email_valid = false;
    REQUIRE(Find(ScoreLead(lead, rules), "invalid_contact") != nullptr);
  }
}

TEST_CASE("score subtracts points for spam signals", "[pipeline][score]") {
  const ScoreResult r = ScoreLead(
      LeadSaying("Cheap backlinks http://a.example http://b.example"), Rules{});
  REQUIRE(Find(r, "spam_signal") != nullptr);
  CHECK(Find(r, "spam_signal")->points == -50);
  CHECK(r.total == -50);
}

TEST_CASE("score uses the weights and keywords from the rules",
          "[pipeline][score]") {
  Rules rules;
  rules.weights.valid_phone = 3;
  rules.keyword_rules = {{"waterfront", 7, {"lake view", "waterfront"}}};
  const ScoreResult r = ScoreLead(
      WithPhone(LeadSaying("Lake view please, cash"), "212-555-0199"), rules);
  CHECK(r.total == 10);
  CHECK(Find(r, "waterfront") != nullptr);
  CHECK(Find(r, "buying_signal") == nullptr);
}

TEST_CASE("score of an empty lead is zero with no reasons",
          "[pipeline][score]") {
  const ScoreResult r = ScoreLead(LeadSaying(""), Rules{});
  CHECK(r.total == 0);
  CHECK(r.reasons.empty());
}
