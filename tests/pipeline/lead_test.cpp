#include "pipeline/lead.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "pipeline/process.h"

using namespace leadrouter::pipeline;
using nlohmann::json;

namespace {

ProcessedLead FullLead() {
  const json payload = {{"lead_source", "Zillow Premier"},
                        {"timestamp", "2026-03-14T22:07:41Z"},
                        {"objectId", "00Q5e000001"},
                        {"contact",
                         {{"full_name", "dana o'connell"},
                          {"email", "Dana.OConnell@Example.com"},
                          {"phone", "(212) 555-0199"}}},
                        {"property_inquiry",
                         {{"mls_id", "NY-2291837"},
                          {"address", "48 West 21st St, New York, NY 10010"},
                          {"price", 1250000},
                          {"days_on_market", 6}}},
                        {"budget", "1.3M"},
                        {"utm_source", "zillow"},
                        {"landing_page", "https://x.example/?fbclid=fb1"},
                        {"consent", {{"marketing", true}, {"sms", false}}},
                        {"notes", "<p>Pre-approved, cash offer possible.</p>"}};
  auto r = Process(payload, Rules{}, std::chrono::system_clock::time_point{});
  REQUIRE(r.ok());
  return std::move(r).value();
}

}  // namespace

TEST_CASE("segment and intent names are the JSON contract",
          "[pipeline][lead]") {
  CHECK(ToString(Segment::kHotBuyer) == "HOT_BUYER");
  CHECK(ToString(Segment::kWarmBuyer) == "WARM_BUYER");
  CHECK(ToString(Segment::kNurtureLongterm) == "NURTURE_LONGTERM");
  CHECK(ToString(Segment::kLowQuality) == "LOW_QUALITY");
  CHECK(ToString(Intent::kUrgentBuyer) == "URGENT_BUYER");
  CHECK(ToString(Intent::kGeneralInquiry) == "GENERAL_INQUIRY");
  CHECK(ToString(Intent::kTireKicker) == "TIRE_KICKER");
  CHECK(ToString(Intent::kSupportRequest) == "SUPPORT_REQUEST");
  CHECK(ToString(Intent::kSpam) == "SPAM");
  for (Segment s : {Segment::kHotBuyer, Segment::kWarmBuyer,
                    Segment::kNurtureLongterm, Segment::kLowQuality}) {
    CHECK(SegmentFromString(ToString(s)) == s);
  }
  for (Intent i :
       {Intent::kUrgentBuyer, Intent::kGeneralInquiry, Intent::kTireKicker,
        Intent::kSupportRequest, Intent::kSpam}) {
    CHECK(IntentFromString(ToString(i)) == i);
  }
  CHECK_FALSE(SegmentFromString("hot_buyer").has_value());
  CHECK_FALSE(IntentFromString("").has_value());
}

TEST_CASE("lead JSON has the documented shape", "[pipeline][lead]") {
  const json j = ToJson(FullLead());
  CHECK(j["source"] == "Zillow Premier");
  CHECK(j["submitted_at"] == "2026-03-14T22:07:41Z");
  CHECK(j["crm_id"] == "00Q5e000001");
  CHECK(j["name"] == json{{"full", "Dana O'Connell"},
                          {"first", "Dana"},
                          {"last", "O'Connell"}});
  CHECK(j["email"] == "dana.oconnell@example.com");
  CHECK(j["email_valid"] == true);
  CHECK(j["phone"]["raw"] == "(212) 555-0199");
  CHECK(j["phone"]["e164"] == "+12125550199");
  CHECK(j["phone"]["valid"] == true);
  CHECK(j["phone"]["type"] == "FIXED_LINE_OR_MOBILE");
  CHECK(j["phone"]["region"] == "US");
  CHECK(j["message"] == "Pre-approved, cash offer possible.");
  CHECK(j["property"]["mls_id"] == "NY-2291837");
  CHECK(j["property"]["price"] == 1250000.0);
  CHECK(j["property"]["days_on_market"] == 6);
  CHECK(j["budget"] == 1300000.0);
  CHECK(j["attribution"]["utm_source"] == "zillow");
  CHECK(j["attribution"]["fbclid"] == "fb1");
  CHECK(j["consent"]["marketing"] == true);
  CHECK(j["consent"]["sms"] == false);
  CHECK(j["honeypot"] == false);
  CHECK(j["dedupe_keys"] ==
        json{"email:dana.oconnell@example.com", "phone:+12125550199"});
  CHECK(j["score"]["total"].is_number_integer());
  REQUIRE(j["score"]["reasons"].is_array());
  CHECK(j["score"]["reasons"][0].contains("rule"));
  CHECK(j["score"]["reasons"][0].contains("points"));
  CHECK(j["score"]["reasons"][0].contains("detail"));
  CHECK(j["segment"]["name"] == "HOT_BUYER");
  CHECK(j["intent"]["name"] == "URGENT_BUYER");
  CHECK(j["route"]["kind"] == "shark_tank");
  CHECK(j["route"]["reason"].is_string());
  CHECK(j["cleaning"].is_array());
  CHECK(j["raw"]["lead_source"] == "Zillow Premier");
}

TEST_CASE("lead JSON writes absent values as null", "[pipeline][lead]") {
  const json j = ToJson(ProcessedLead{});
  CHECK(j["email"].is_null());
  CHECK(j["crm_id"].is_null());
  CHECK(j["budget"].is_null());
  CHECK(j["phone"]["e164"].is_null());
  CHECK(j["property"]["price"].is_null());
  CHECK(j["property"]["days_on_market"].is_null());
  CHECK(j["consent"]["marketing"].is_null());
  CHECK(j["attribution"]["gclid"].is_null());
  CHECK(j["dedupe_keys"] == json::array());
}

TEST_CASE("lead JSON round-trips through LeadFromJson", "[pipeline][lead]") {
  const ProcessedLead lead = FullLead();
  const ProcessedLead back = LeadFromJson(ToJson(lead));
  CHECK(ToJson(back) == ToJson(lead));
  CHECK(back.name.last == "O'Connell");
  CHECK(back.phone.e164 == "+12125550199");
  CHECK(back.property.days_on_market == 6);
  CHECK(back.consent.sms == false);
  CHECK(back.segment == lead.segment);
  CHECK(back.score == lead.score);
  CHECK(back.score_reasons.size() == lead.score_reasons.size());
  CHECK(back.raw == lead.raw);
}

TEST_CASE("lead JSON read back tolerates missing and mistyped keys",
          "[pipeline][lead]") {
  const ProcessedLead empty = LeadFromJson(json::object());
  CHECK(empty.email.empty());
  CHECK(empty.segment == Segment::kWarmBuyer);
  CHECK(empty.intent == Intent::kGeneralInquiry);
  const ProcessedLead odd = LeadFromJson({{"email", 42},
                                          {"phone", "not an object"},
                                          {"score", {{"total", "high"}}},
                                          {"segment", {{"name", "NOPE"}}},
                                          {"dedupe_keys", {1, "email:a@b.co"}},
                                          {"budget", "lots"},
                                          {"unknown", true}});
  CHECK(odd.email.empty());
  CHECK(odd.phone.raw.empty());
  CHECK(odd.score == 0);
  CHECK(odd.segment == Segment::kWarmBuyer);
  CHECK(odd.dedupe_keys == std::vector<std::string>{"email:a@b.co"});
  CHECK_FALSE(odd.budget.has_value());
  CHECK_NOTHROW(LeadFromJson(json("a string")));
  CHECK_NOTHROW(LeadFromJson(json()));
}
