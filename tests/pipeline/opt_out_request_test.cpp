#include "pipeline/opt_out_request.h"

#include <catch2/catch.hpp>

using leadrouter::Status;
using leadrouter::pipeline::Channel;
using leadrouter::pipeline::OptOutRequest;
using leadrouter::pipeline::ParseOptOutBody;
using leadrouter::pipeline::ParseOptOutRequest;
using json = nlohmann::json;

namespace {

OptOutRequest Accepted(const json& body) {
  auto r = ParseOptOutRequest(body, "US");
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return r.value();
}

// The field named by the rejection of `body`; fails the test if accepted.
std::string RejectedField(const json& body) {
  auto r = ParseOptOutRequest(body, "US");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidField);
  CHECK_FALSE(r.status().message().empty());
  return r.status().field();
}

}  // namespace

TEST_CASE("an opt-out normalizes the phone and the e-mail",
          "[pipeline][opt_out]") {
  OptOutRequest r = Accepted({{"phone", "(212) 555-0199"},
                              {"email", " Dana.OConnell@Example.com"},
                              {"source", "unsubscribe page"},
                              {"reason", "bought\nalready"}});
  CHECK(r.phone_e164 == "+12125550199");
  CHECK(r.email == "dana.oconnell@example.com");
  CHECK(r.source == "unsubscribe page");
  CHECK(r.reason == "bought already");
}

TEST_CASE("without channels, an opt-out covers the channels of its addresses",
          "[pipeline][opt_out]") {
  SECTION("phone only: sms") {
    CHECK(Accepted({{"phone", "+12125550199"}}).channels ==
          std::vector<Channel>{Channel::kSms});
  }
  SECTION("e-mail only: email") {
    CHECK(Accepted({{"email", "dana@example.com"}}).channels ==
          std::vector<Channel>{Channel::kEmail});
  }
  SECTION("both: both") {
    CHECK(Accepted({{"phone", "+12125550199"}, {"email", "dana@example.com"}})
              .channels == std::vector<Channel>{Channel::kSms, Channel::kEmail});
  }
}

TEST_CASE("named channels are kept once each, in order",
          "[pipeline][opt_out]") {
  OptOutRequest r = Accepted({{"phone", "+12125550199"},
                              {"email", "dana@example.com"},
                              {"channels", {"email", "sms", "email"}}});
  CHECK(r.channels == std::vector<Channel>{Channel::kEmail, Channel::kSms});
  CHECK(Accepted({{"phone", "+12125550199"},
                  {"email", "dana@example.com"},
                  {"channels", {"sms"}}})
            .channels == std::vector<Channel>{Channel::kSms});
}

TEST_CASE("an opt-out names the field at fault", "[pipeline][opt_out]") {
  CHECK(RejectedField(json::object()) == "phone");
  CHECK(RejectedField({{"phone", ""}, {"email", nullptr}}) == "phone");
  CHECK(RejectedField({{"phone", 2125550199}}) == "phone");
  CHECK(RejectedField({{"phone", "12"}}) == "phone");
  CHECK(RejectedField({{"phone", "not a number"}}) == "phone");
  CHECK(RejectedField({{"email", "dana@"}}) == "email");
  CHECK(RejectedField({{"email", 7}}) == "email");
  CHECK(RejectedField({{"phone", "+12125550199"}, {"channels", "sms"}}) ==
        "channels");
  CHECK(RejectedField({{"phone", "+12125550199"}, {"channels", {"fax"}}}) ==
        "channels");
  CHECK(RejectedField({{"phone", "+12125550199"}, {"channels", {"webhook"}}}) ==
        "channels");
  CHECK(RejectedField({{"phone", "+12125550199"}, {"channels", {1}}}) ==
        "channels");
  CHECK(RejectedField({{"phone", "+12125550199"}, {"channels", json::array()}}) ==
        "channels");
  CHECK(RejectedField({{"phone", "+12125550199"}, {"channels", {"email"}}}) ==
        "email");
  CHECK(RejectedField({{"email", "dana@example.com"}, {"channels", {"sms"}}}) ==
        "phone");
  CHECK(RejectedField({{"email", "dana@example.com"}, {"source", 1}}) ==
        "source");
  CHECK(RejectedField({{"email", "dana@example.com"}, {"reason", {1}}}) ==
        "reason");
}

TEST_CASE("an opt-out body must be a JSON object", "[pipeline][opt_out]") {
  auto r = ParseOptOutBody("[1]", "US");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().field() == "body");
  CHECK(ParseOptOutBody(R"({"email":"dana@example.com"})", "US").ok());
}
