#include "pipeline/intent.h"

#include <catch2/catch.hpp>
#include <memory>

#include "tests/pipeline/test_leads.h"

using namespace leadrouter::pipeline;
using testing::LeadSaying;
using testing::WithPhone;

namespace {
Intent Classified(const ProcessedLead& lead) {
  return RuleIntentClassifier(Rules{}).Classify(lead).intent;
}
Intent Says(const char* message) { return Classified(LeadSaying(message)); }
}  // namespace

TEST_CASE("intent: deadlines, pre-approval, cash and investors are urgent",
          "[pipeline][intent]") {
  for (const char* text :
       {"Need a showing by Friday", "closing in 30 days", "We need it ASAP",
        "Pre-approved with Chase", "cash buyer", "I'm an investor",
        "can close within 10 days", "urgent: relocating"}) {
    INFO(text);
    CHECK(Says(text) == Intent::kUrgentBuyer);
  }
}

TEST_CASE("intent: password and account questions are support requests",
          "[pipeline][intent]") {
  for (const char* text :
       {"I can't log into my account", "reset my password please",
        "Can you help with my account?", "I'm locked out", "login fails"}) {
    INFO(text);
    CHECK(Says(text) == Intent::kSupportRequest);
  }
  const IntentResult r =
      RuleIntentClassifier(Rules{}).Classify(LeadSaying("forgot my password"));
  REQUIRE(r.reasons.size() == 1);
  CHECK(r.reasons[0].rule == "support_phrase");
  CHECK(r.reasons[0].detail == "mentions \"password\"");
}

TEST_CASE("intent: just looking and next year are tire kickers",
          "[pipeline][intent]") {
  for (const char* text :
       {"just looking", "maybe next year", "someday", "no rush at all"}) {
    INFO(text);
    CHECK(Says(text) == Intent::kTireKicker);
  }
}

TEST_CASE("intent: pitches with links and junk phones are spam",
          "[pipeline][intent]") {
  CHECK(Says("SEO services http://a.example http://b.example") ==
        Intent::kSpam);
  CHECK(Classified(WithPhone(LeadSaying("Cheap backlinks!"), "12")) ==
        Intent::kSpam);
  ProcessedLead bot = LeadSaying("Pre-approved, cash, ASAP");
  bot.honeypot = true;
  CHECK(Classified(bot) == Intent::kSpam);
}

TEST_CASE("intent: spam wins over support, support over urgency",
          "[pipeline][intent]") {
  CHECK(Says("reset my password http://a.example http://b.example seo") ==
        Intent::kSpam);
  CHECK(Says("I'm pre-approved but can't log in") == Intent::kSupportRequest);
  CHECK(Says("just looking, but cash") == Intent::kUrgentBuyer);
}

TEST_CASE("intent: anything else is a general inquiry", "[pipeline][intent]") {
  const IntentResult r = RuleIntentClassifier(Rules{}).Classify(
      LeadSaying("Is it still available?"));
  CHECK(r.intent == Intent::kGeneralInquiry);
  CHECK_FALSE(r.reasons.empty());
  CHECK(Says("") == Intent::kGeneralInquiry);
}

TEST_CASE("intent: phrases come from the rules", "[pipeline][intent]") {
  Rules rules;
  rules.urgent_phrases = {"need keys"};
  const RuleIntentClassifier classifier(rules);
  CHECK(classifier.Classify(LeadSaying("we need keys")).intent ==
        Intent::kUrgentBuyer);
  CHECK(classifier.Classify(LeadSaying("cash")).intent ==
        Intent::kGeneralInquiry);
}

TEST_CASE("intent: another classifier can stand in through the interface",
          "[pipeline][intent]") {
  struct AlwaysSupport : IntentClassifier {
    IntentResult Classify(const ProcessedLead&) const override {
      return {Intent::kSupportRequest, {{"model", 0, "stub"}}};
    }
  };
  const std::unique_ptr<IntentClassifier> c = std::make_unique<AlwaysSupport>();
  CHECK(c->Classify(LeadSaying("cash")).intent == Intent::kSupportRequest);
}
