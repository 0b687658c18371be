#include "pipeline/validate.h"

#include <catch2/catch.hpp>

#include "tests/pipeline/test_leads.h"

using namespace leadrouter::pipeline;
using leadrouter::Status;
using testing::LeadSaying;
using testing::WithPhone;

TEST_CASE("validation needs an e-mail or a phone, naming field contact",
          "[pipeline][validate]") {
  ProcessedLead lead = LeadSaying("Call me");
  lead.email.clear();
  lead.email_valid = false;
  const Status s = ValidateLead(lead);
  CHECK(s.code() == Status::Code::kInvalidField);
  CHECK(s.field() == "contact");
  CHECK(s.message() == "email or phone is required");
}

TEST_CASE("validation rejects a broken e-mail with no phone, naming email",
          "[pipeline][validate]") {
  ProcessedLead lead = LeadSaying("Call me");
  lead.email = "dana@example";
  lead.email_valid = false;
  const Status s = ValidateLead(lead);
  CHECK(s.field() == "email");
  CHECK(s.message().find("dana@example") != std::string::npos);
  SECTION("a phone makes the broken e-mail tolerable") {
    CHECK(ValidateLead(WithPhone(lead, "212-555-0199")).ok());
  }
}

TEST_CASE("validation keeps a lead whose only phone is invalid",
          "[pipeline][validate]") {
  ProcessedLead lead = WithPhone(LeadSaying("Call me"), "555-123-4567");
  lead.email.clear();
  lead.email_valid = false;
  CHECK(ValidateLead(lead).ok());
}

TEST_CASE("validation needs a name or a message, naming field name",
          "[pipeline][validate]") {
  ProcessedLead lead = LeadSaying("");
  lead.name = {};
  const Status s = ValidateLead(lead);
  CHECK(s.field() == "name");
  SECTION("either one is enough") {
    lead.message = "hi";
    CHECK(ValidateLead(lead).ok());
    lead.message.clear();
    lead.name.full = "Dana";
    CHECK(ValidateLead(lead).ok());
  }
}
