#include "pipeline/dedupe.h"

#include <catch2/catch.hpp>

#include "tests/pipeline/test_leads.h"

using namespace leadrouter::pipeline;
using testing::LeadSaying;
using testing::WithPhone;

TEST_CASE("dedupe keys name the e-mail and the E.164 phone",
          "[pipeline][dedupe]") {
  const auto keys = DedupeKeys(WithPhone(LeadSaying("hi"), "(212) 555-0199"));
  REQUIRE(keys.size() == 2);
  CHECK(keys[0] == "email:dana@example.com");
  CHECK(keys[1] == "phone:+12125550199");
}

TEST_CASE("dedupe keys leave out invalid phones and e-mails",
          "[pipeline][dedupe]") {
  ProcessedLead lead = WithPhone(LeadSaying("hi"), "555-123-4567");
  CHECK(DedupeKeys(lead) == std::vector<std::string>{"email:dana@example.com"});
  lead.email_valid = false;
  CHECK(DedupeKeys(lead).empty());
}

TEST_CASE("dedupe keys are the same however the phone was written",
          "[pipeline][dedupe]") {
  CHECK(DedupeKeys(WithPhone(LeadSaying(""), "212.555.0199")) ==
        DedupeKeys(WithPhone(LeadSaying(""), "+1 (212) 555-0199")));
}
