// The processed lead: what the pipeline makes of a raw payload. Plain data,
// shared by storage/ (persisted) and bot/ (rendered, routed). Every
// judgement carries its reasons so that a lead can explain itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace leadrouter::pipeline {

enum class Segment { kHotBuyer, kWarmBuyer, kNurtureLongterm, kLowQuality };
enum class Intent {
  kUrgentBuyer,
  kGeneralInquiry,
  kTireKicker,
  kSupportRequest,
  kSpam
};
// What the person wants to do with a property.
enum class LeadType { kBuyer, kSeller, kRenter };

// "HOT_BUYER", "URGENT_BUYER", … and back; the names are the JSON contract.
std::string ToString(Segment segment);
std::string ToString(Intent intent);
std::optional<Segment> SegmentFromString(const std::string& name);
std::optional<Intent> IntentFromString(const std::string& name);
// "buyer", "seller", "renter" and back.
std::string ToString(LeadType type);
std::optional<LeadType> LeadTypeFromString(const std::string& name);

// One rule that fired: `rule` is a stable id, `points` its weight (0 for
// rules that only classify), `detail` the human-readable why.
struct Reason {
  std::string rule;
  int points = 0;
  std::string detail;
};

struct PhoneNumber {
  std::string raw;     // as submitted, trimmed
  std::string e164;    // empty when it could not be parsed at all
  bool valid = false;  // libphonenumber's IsValidNumber
  std::string type;    // "MOBILE", "FIXED_LINE", "FIXED_LINE_OR_MOBILE", …
  std::string region;  // ISO 3166 region of the number, "US"
};

struct PersonName {
  std::string full;
  std::string first;
  std::string last;
};

struct Property {
  std::string mls_id;
  std::string address;
  std::string zip;
  std::optional<double> price;
  std::optional<int> days_on_market;
  // From a property-data provider (enrichment); absent until one answers.
  std::optional<double> beds;
  std::optional<double> baths;  // 2.5: two full, one half
  std::optional<int> sqft;
  std::optional<int> year_built;
};

// From a person-data provider (enrichment), looked up by e-mail.
struct PersonFacts {
  std::string company;
  std::string title;
  std::string profile_url;
  bool empty() const {
    return company.empty() && title.empty() && profile_url.empty();
  }
};

// Where the lead came from, as the marketing team tracks it.
struct Attribution {
  std::string utm_source, utm_medium, utm_campaign, utm_term, utm_content;
  std::string landing_page, referrer, gclid, fbclid;
};

struct Consent {
  std::optional<bool> marketing;
  std::optional<bool> sms;
  std::optional<bool> email;
  std::string policy_version;
};

struct ProcessedLead {
  std::string source;        // "Zillow Premier", "Website", … or "unknown"
  std::string submitted_at;  // the sender's own timestamp, if any (ISO 8601)
  std::string crm_id;        // the CRM's contact id, if the payload names one

  PersonName name;
  std::string email;  // trimmed and lower-cased; empty when absent
  bool email_valid = false;
  PhoneNumber phone;
  std::string message;  // sanitized free text
  Property property;
  PersonFacts person;
  std::optional<double> budget;
  Attribution attribution;
  Consent consent;
  bool honeypot = false;  // a bot filled a field no human sees

  // "email:dana.oconnell@example.com", "phone:+12125550199".
  std::vector<std::string> dedupe_keys;

  int score = 0;
  std::vector<Reason> score_reasons;
  Segment segment = Segment::kWarmBuyer;
  std::vector<Reason> segment_reasons;
  Intent intent = Intent::kGeneralInquiry;
  std::vector<Reason> intent_reasons;
  LeadType lead_type = LeadType::kBuyer;
  std::vector<Reason> lead_type_reasons;
  std::vector<std::string> cleaning;  // what sanitizing changed, for audit

  nlohmann::json raw;  // the payload exactly as received (parsed)
};

nlohmann::json ToJson(const ProcessedLead& lead);
// Inverse of ToJson, for leads read back from storage. Unknown keys ignored.
ProcessedLead LeadFromJson(const nlohmann::json& json);

}  // namespace leadrouter::pipeline
