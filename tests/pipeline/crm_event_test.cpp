#include "pipeline/crm_event.h"

#include <catch2/catch.hpp>

using leadrouter::Status;
using leadrouter::pipeline::CrmEvent;
using leadrouter::pipeline::CrmEventType;
using leadrouter::pipeline::ParseCrmEvent;
using leadrouter::pipeline::ParseCrmEventBody;
using json = nlohmann::json;

namespace {

// The design's sample event.
json Sample() {
  return json::parse(R"({
    "event_id": "evt-8812", "type": "status_changed",
    "contact": {"crm_id": "00Q5e000001", "email": "Dana.OConnell@Example.com ",
                "phone": "(212) 555-0199"},
    "status": "Contacted", "owner": {"email": "Ana@Brokerage.example"},
    "occurred_at": "2026-03-14T22:19:03Z"})");
}

// The field named by the rejection of `payload`; fails the test if accepted.
std::string RejectedField(const json& payload) {
  auto r = ParseCrmEvent(payload, "US");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidField);
  CHECK_FALSE(r.status().message().empty());
  return r.status().field();
}

}  // namespace

TEST_CASE("a CRM event yields the lead's own dedupe keys and its changes",
          "[pipeline][crm_event]") {
  auto r = ParseCrmEvent(Sample(), "US");
  REQUIRE(r.ok());
  const CrmEvent& e = r.value();
  CHECK(e.event_id == "evt-8812");
  CHECK(e.type == CrmEventType::kStatusChanged);
  CHECK(e.contact.crm_id == "00Q5e000001");
  CHECK(e.contact.email == "dana.oconnell@example.com");
  CHECK(e.contact.phone_e164 == "+12125550199");
  // Exactly what intake stores for the portal sample, so the event finds it.
  CHECK(e.contact.keys == std::vector<std::string>{
                              "email:dana.oconnell@example.com",
                              "phone:+12125550199"});
  REQUIRE(e.status.has_value());
  CHECK(*e.status == "Contacted");
  REQUIRE(e.owner.has_value());
  CHECK(e.owner->email == "ana@brokerage.example");
  CHECK(e.owner->slack_id.empty());
  REQUIRE(e.occurred_at.has_value());
  CHECK(e.occurred_at_text == "2026-03-14T22:19:03Z");
  CHECK(e.raw == Sample());
}

TEST_CASE("a CRM event may name its contact by any one key",
          "[pipeline][crm_event]") {
  SECTION("a numeric crm id alone") {
    auto r = ParseCrmEvent(
        {{"event_id", "e1"}, {"type", "contacted"}, {"contact", {{"crm_id", 90210}}}},
        "US");
    REQUIRE(r.ok());
    CHECK(r.value().contact.crm_id == "90210");
    CHECK(r.value().contact.keys.empty());
  }
  SECTION("a phone alone, dialled nationally") {
    auto r = ParseCrmEvent({{"event_id", "e1"}, {"type", "opted_out"},
                            {"contact", {{"phone", "512 867 5309"}}}},
                           "US");
    REQUIRE(r.ok());
    CHECK(r.value().type == CrmEventType::kOptedOut);
    CHECK(r.value().contact.keys == std::vector<std::string>{"phone:+15128675309"});
  }
  SECTION("an unusable e-mail beside a usable crm id is ignored") {
    auto r = ParseCrmEvent({{"event_id", "e1"}, {"type", "contacted"},
                            {"contact", {{"crm_id", "X1"}, {"email", "not-an-address"}}}},
                           "US");
    REQUIRE(r.ok());
    CHECK(r.value().contact.email.empty());
    CHECK(r.value().contact.keys.empty());
  }
  SECTION("null members count as absent") {
    auto r = ParseCrmEvent({{"event_id", "e1"}, {"type", "contacted"},
                            {"contact", {{"crm_id", "X1"}, {"email", nullptr}}},
                            {"status", nullptr}, {"owner", nullptr}},
                           "US");
    REQUIRE(r.ok());
    CHECK_FALSE(r.value().status.has_value());
    CHECK_FALSE(r.value().owner.has_value());
  }
}

TEST_CASE("a CRM owner may be named by Slack id alone", "[pipeline][crm_event]") {
  json p = Sample();
  p["type"] = "owner_changed";
  p["owner"] = {{"slack_id", "U0123ANA"}};
  auto r = ParseCrmEvent(p, "US");
  REQUIRE(r.ok());
  CHECK(r.value().owner->slack_id == "U0123ANA");
  CHECK(r.value().owner->email.empty());
}

TEST_CASE("every rejected CRM event names the field at fault",
          "[pipeline][crm_event]") {
  json p = Sample();
  SECTION("event_id") {
    p.erase("event_id");
    CHECK(RejectedField(p) == "event_id");
    p["event_id"] = 8812;
    CHECK(RejectedField(p) == "event_id");
    p["event_id"] = "";
    CHECK(RejectedField(p) == "event_id");
    p["event_id"] = std::string(256, 'e');
    CHECK(RejectedField(p) == "event_id");
  }
  SECTION("type") {
    p.erase("type");
    CHECK(RejectedField(p) == "type");
    p["type"] = "deleted";
    CHECK(RejectedField(p) == "type");
    p["type"] = 3;
    CHECK(RejectedField(p) == "type");
  }
  SECTION("contact") {
    p.erase("contact");
    CHECK(RejectedField(p) == "contact");
    p["contact"] = "dana@example.com";
    CHECK(RejectedField(p) == "contact");
    p["contact"] = json::object();
    CHECK(RejectedField(p) == "contact");
  }
  SECTION("contact members of the wrong type") {
    p["contact"]["crm_id"] = json::array();
    CHECK(RejectedField(p) == "contact.crm_id");
    p = Sample();
    p["contact"]["email"] = 42;
    CHECK(RejectedField(p) == "contact.email");
    p = Sample();
    p["contact"]["phone"] = true;
    CHECK(RejectedField(p) == "contact.phone");
  }
  SECTION("an unusable key that is the only one given") {
    p["contact"] = {{"email", "dana@example"}};
    CHECK(RejectedField(p) == "contact.email");
    p["contact"] = {{"phone", "12"}};
    CHECK(RejectedField(p) == "contact.phone");
  }
  SECTION("status") {
    p["status"] = json::object();
    CHECK(RejectedField(p) == "status");
    p.erase("status");
    CHECK(RejectedField(p) == "status");  // required for status_changed
    p["status"] = "   ";
    CHECK(RejectedField(p) == "status");
  }
  SECTION("owner") {
    p["owner"] = "ana@brokerage.example";
    CHECK(RejectedField(p) == "owner");
    p["owner"] = json::object();
    CHECK(RejectedField(p) == "owner");
    p["type"] = "owner_changed";
    p.erase("owner");
    CHECK(RejectedField(p) == "owner");  // required for owner_changed
  }
  SECTION("owner members") {
    p["owner"] = {{"email", "ana@"}};
    CHECK(RejectedField(p) == "owner.email");
    p["owner"] = {{"email", 7}};
    CHECK(RejectedField(p) == "owner.email");
    p["owner"] = {{"slack_id", "<@U0123ANA>"}};
    CHECK(RejectedField(p) == "owner.slack_id");
    p["owner"] = {{"slack_id", 12}};
    CHECK(RejectedField(p) == "owner.slack_id");
  }
  SECTION("occurred_at") {
    p["occurred_at"] = "yesterday";
    CHECK(RejectedField(p) == "occurred_at");
    p["occurred_at"] = 1773526743;
    CHECK(RejectedField(p) == "occurred_at");
  }
}

TEST_CASE("a CRM event body that is not a JSON object is refused as body",
          "[pipeline][crm_event]") {
  for (const char* body : {"", "{\"event_id\": ", "[1, 2]", "\"evt\""}) {
    INFO(body);
    auto r = ParseCrmEventBody(body, "US");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "body");
  }
  CHECK(ParseCrmEventBody(Sample().dump(), "US").ok());
}

TEST_CASE("CRM event types convert to and from their wire names",
          "[pipeline][crm_event]") {
  using leadrouter::pipeline::CrmEventTypeFromString;
  for (const char* name :
       {"status_changed", "owner_changed", "contacted", "opted_out"}) {
    auto type = CrmEventTypeFromString(name);
    REQUIRE(type.has_value());
    CHECK(leadrouter::pipeline::ToString(*type) == name);
  }
  CHECK_FALSE(CrmEventTypeFromString("Contacted").has_value());
}
