#include "pipeline/parse.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace leadrouter::pipeline;
using nlohmann::json;

TEST_CASE("parse reads flat camelCase and snake_case fields",
          "[pipeline][parse]") {
  const Rules rules;
  for (const json& payload : {json{{"firstName", "Ana"},
                                   {"lastName", "Ruiz"},
                                   {"email", "a@x.io"},
                                   {"phone", "2125550199"},
                                   {"message", "hi"}},
                              json{{"first_name", "Ana"},
                                   {"last_name", "Ruiz"},
                                   {"Email", "a@x.io"},
                                   {"phone_number", "2125550199"},
                                   {"comments", "hi"}},
                              json{{"FIRST-NAME", "Ana"},
                                   {"Last Name", "Ruiz"},
                                   {"e-mail", "a@x.io"},
                                   {"mobile", "2125550199"},
                                   {"message", "hi"}}}) {
    INFO(payload.dump());
    const ParsedPayload p = ParsePayload(payload, rules);
    CHECK(p.first_name == "Ana");
    CHECK(p.last_name == "Ruiz");
    CHECK(p.email == "a@x.io");
    CHECK(p.phone == "2125550199");
    CHECK(p.message == "hi");
  }
}

TEST_CASE("parse reads nested contact and property objects",
          "[pipeline][parse]") {
  const json payload = {{"lead_source", "Zillow Premier"},
                        {"timestamp", "2026-03-14T22:07:41Z"},
                        {"contact",
                         {{"full_name", "dana o'connell"},
                          {"email", "d@x.io"},
                          {"phone", "(212) 555-0199"}}},
                        {"property_inquiry",
                         {{"mls_id", "NY-1"},
                          {"address", "48 W 21st St"},
                          {"price", 1250000},
                          {"days_on_market", 6}}},
                        {"notes", "Pre-approved"}};
  const ParsedPayload p = ParsePayload(payload, Rules{});
  CHECK(p.source == "Zillow Premier");
  CHECK(p.submitted_at == "2026-03-14T22:07:41Z");
  CHECK(p.full_name == "dana o'connell");
  CHECK(p.email == "d@x.io");
  CHECK(p.phone == "(212) 555-0199");
  CHECK(p.mls_id == "NY-1");
  CHECK(p.address == "48 W 21st St");
  CHECK(p.price == 1250000);
  CHECK(p.days_on_market == 6);
  CHECK(p.message == "Pre-approved");
}

TEST_CASE("parse reads CRM properties and turns objectId into the crm id",
          "[pipeline][parse]") {
  const json payload = {{"objectId", 90210},
                        {"properties",
                         {{"firstname", {{"value", "Priya"}}},
                          {"email", {{"value", "p@x.net"}}},
                          {"lead_source", {{"value", "Website"}}},
                          {"ignored", "not wrapped"}}}};
  const ParsedPayload p = ParsePayload(payload, Rules{});
  CHECK(p.crm_id == "90210");
  CHECK(p.first_name == "Priya");
  CHECK(p.email == "p@x.net");
  CHECK(p.source == "Website");
}

TEST_CASE("parse joins the distinct free-text fields", "[pipeline][parse]") {
  const ParsedPayload p = ParsePayload(json{{"message", "Call me"},
                                            {"notes", "After 5pm"},
                                            {"comments", "Call me"}},
                                       Rules{});
  CHECK(p.message == "Call me\nAfter 5pm");
}

TEST_CASE("parse keeps UTM tags, landing page, referrer and click ids",
          "[pipeline][parse]") {
  const json payload = {
      {"utm_source", "google"},
      {"utmMedium", "cpc"},
      {"utm", {{"campaign", "spring"}, {"term", "condo"}}},
      {"landing_page", "https://x.example/lp?a=1&gclid=abc%2D1&fbclid=fb9#top"},
      {"referrer", "https://google.com/"}};
  const ParsedPayload p = ParsePayload(payload, Rules{});
  CHECK(p.attribution.utm_source == "google");
  CHECK(p.attribution.utm_medium == "cpc");
  CHECK(p.attribution.utm_campaign == "spring");
  CHECK(p.attribution.utm_term == "condo");
  CHECK(p.attribution.referrer == "https://google.com/");
  SECTION("click ids come from the landing page's query string") {
    CHECK(p.attribution.gclid == "abc-1");
    CHECK(p.attribution.fbclid == "fb9");
  }
  SECTION("an explicit click id wins over the landing page") {
    json explicit_id = payload;
    explicit_id["gclid"] = "direct";
    CHECK(ParsePayload(explicit_id, Rules{}).attribution.gclid == "direct");
  }
}

TEST_CASE("parse reads consent flags in their usual spellings",
          "[pipeline][parse]") {
  const ParsedPayload nested =
      ParsePayload(json{{"consent",
                         {{"marketing", true},
                          {"sms", "no"},
                          {"privacy_policy_version", "2026-01"}}}},
                   Rules{});
  CHECK(nested.consent.marketing == true);
  CHECK(nested.consent.sms == false);
  CHECK_FALSE(nested.consent.email.has_value());
  CHECK(nested.consent.policy_version == "2026-01");

  const ParsedPayload flat = ParsePayload(
      json{{"marketing_consent", "yes"}, {"tcpa_consent", 1}}, Rules{});
  CHECK(flat.consent.marketing == true);
  CHECK(flat.consent.sms == true);

  CHECK(ParsePayload(json{{"consent", "maybe"}}, Rules{}).consent.marketing ==
        std::nullopt);
}

TEST_CASE("parse applies a matching field mapping over the built-in shapes",
          "[pipeline][parse]") {
  Rules rules;
  rules.field_mappings = {{"acme",
                           {{"/vendor", "acme"}},
                           {{"email", "/lead/contact_points/0/value"},
                            {"full_name", "/lead/who"},
                            {"price", "/lead/deal/amount"},
                            {"source", "/vendor"}}}};
  const json payload = {
      {"vendor", "acme"},
      {"email", "generic@x.io"},
      {"lead",
       {{"who", "ana ruiz"},
        {"contact_points", json::array({{{"value", "ana@acme.example"}}})},
        {"deal", {{"amount", "$450k"}}}}}};
  const ParsedPayload p = ParsePayload(payload, rules);
  CHECK(p.mapping == "acme");
  CHECK(p.email == "ana@acme.example");
  CHECK(p.full_name == "ana ruiz");
  CHECK(p.price == "$450k");
  CHECK(p.source == "acme");

  SECTION("a mapping whose when does not match is skipped") {
    json other = payload;
    other["vendor"] = "zenith";
    const ParsedPayload q = ParsePayload(other, rules);
    CHECK(q.mapping.empty());
    CHECK(q.email == "generic@x.io");
  }
  SECTION("broken pointers in a mapping are misses, not crashes") {
    Rules broken;
    broken.field_mappings = {
        {"bad", {{"no-slash", "x"}}, {{"email", "/a"}}},
        {"bad2", {}, {{"email", "~bad"}, {"phone", "/lead/contact_points/x"}}}};
    const ParsedPayload q = ParsePayload(payload, broken);
    CHECK(q.mapping == "bad2");
    CHECK(q.email == "generic@x.io");
  }
}

TEST_CASE("parse detects a filled honeypot field at the top level",
          "[pipeline][parse]") {
  const Rules rules;
  CHECK(ParsePayload(json{{"_gotcha", "http://spam"}}, rules).honeypot_field ==
        "_gotcha");
  CHECK(ParsePayload(json{{"HP", true}}, rules).honeypot_field == "HP");
  SECTION("an empty honeypot is what a human leaves") {
    CHECK(ParsePayload(json{{"_gotcha", ""}, {"honeypot", "  "}, {"hp", false}},
                       rules)
              .honeypot_field.empty());
  }
}

TEST_CASE("parse turns scalars of any type into text", "[pipeline][parse]") {
  CHECK(ScalarToString(json(90210)) == "90210");
  CHECK(ScalarToString(json(90210.0)) == "90210");
  CHECK(ScalarToString(json(true)) == "true");
  CHECK(ScalarToString(json()) == "");
  CHECK(ScalarToString(json::array({1})) == "");
  const ParsedPayload p = ParsePayload(json{{"phone", 2125550199LL}}, Rules{});
  CHECK(p.phone == "2125550199");
}

TEST_CASE("parse finds query parameters", "[pipeline][parse]") {
  CHECK(QueryParameter("https://x/?gclid=a+b", "gclid") == "a b");
  CHECK(QueryParameter("https://x/?xgclid=1&gclid=2", "gclid") == "2");
  CHECK(QueryParameter("https://x/#gclid=1", "gclid") == "");
  CHECK(QueryParameter("no query", "gclid") == "");
  CHECK(QueryParameter("https://x/?gclid", "gclid") == "");
}

TEST_CASE("regression: a CRM id too large for an integer is kept as written",
          "[pipeline][parse][fuzz]") {
  // Found by fuzz_intake: converting 4.2e24 to long long was undefined.
  const json payload =
      json::parse(R"({"objectId": 4199999000000323011370955})");
  const ParsedPayload p = ParsePayload(payload, Rules{});
  CHECK(p.crm_id == payload["objectId"].dump());
  CHECK(ScalarToString(json(1e300)) == json(1e300).dump());
  CHECK(ScalarToString(json(-1e300)) == json(-1e300).dump());
}
