#include "pipeline/lead.h"

#include <array>
#include <utility>

#include "pipeline/route.h"

namespace leadrouter::pipeline {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<Segment, const char*>, 4> kSegments = {{
    {Segment::kHotBuyer, "HOT_BUYER"},
    {Segment::kWarmBuyer, "WARM_BUYER"},
    {Segment::kNurtureLongterm, "NURTURE_LONGTERM"},
    {Segment::kLowQuality, "LOW_QUALITY"},
}};

constexpr std::array<std::pair<Intent, const char*>, 5> kIntents = {{
    {Intent::kUrgentBuyer, "URGENT_BUYER"},
    {Intent::kGeneralInquiry, "GENERAL_INQUIRY"},
    {Intent::kTireKicker, "TIRE_KICKER"},
    {Intent::kSupportRequest, "SUPPORT_REQUEST"},
    {Intent::kSpam, "SPAM"},
}};

constexpr std::array<std::pair<LeadType, const char*>, 3> kLeadTypes = {{
    {LeadType::kBuyer, "buyer"},
    {LeadType::kSeller, "seller"},
    {LeadType::kRenter, "renter"},
}};

// Empty strings are written as null so that "absent" reads the same for
// every field.
json Str(const std::string& s) { return s.empty() ? json() : json(s); }

template <typename T>
json Opt(const std::optional<T>& v) {
  return v ? json(*v) : json();
}

json Reasons(const std::vector<Reason>& reasons) {
  json out = json::array();
  for (const Reason& r : reasons) {
    out.push_back(
        {{"rule", r.rule}, {"points", r.points}, {"detail", r.detail}});
  }
  return out;
}

// Readers for LeadFromJson: a missing key or a wrong type gives the default.
const json& At(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  const auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}
std::string GetStr(const json& j, const char* key) {
  const json& v = At(j, key);
  return v.is_string() ? v.get<std::string>() : "";
}
bool GetBool(const json& j, const char* key) {
  const json& v = At(j, key);
  return v.is_boolean() && v.get<bool>();
}
std::optional<bool> GetOptBool(const json& j, const char* key) {
  const json& v = At(j, key);
  return v.is_boolean() ? std::optional<bool>(v.get<bool>()) : std::nullopt;
}
std::optional<double> GetOptDouble(const json& j, const char* key) {
  const json& v = At(j, key);
  return v.is_number() ? std::optional<double>(v.get<double>()) : std::nullopt;
}
std::optional<int> GetOptInt(const json& j, const char* key) {
  const json& v = At(j, key);
  if (!v.is_number_integer()) return std::nullopt;
  return static_cast<int>(v.get<long long>());
}
std::vector<Reason> GetReasons(const json& j) {
  std::vector<Reason> out;
  const json& list = At(j, "reasons");
  if (!list.is_array()) return out;
  for (const json& r : list) {
    const json& points = At(r, "points");
    out.push_back({GetStr(r, "rule"),
                   points.is_number_integer()
                       ? static_cast<int>(points.get<long long>())
                       : 0,
                   GetStr(r, "detail")});
  }
  return out;
}
std::vector<std::string> GetStrings(const json& j, const char* key) {
  std::vector<std::string> out;
  const json& list = At(j, key);
  if (!list.is_array()) return out;
  for (const json& s : list) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

}  // namespace

std::string ToString(Segment segment) {
  for (const auto& [s, name] : kSegments) {
    if (s == segment) return name;
  }
  return "WARM_BUYER";
}

std::string ToString(Intent intent) {
  for (const auto& [i, name] : kIntents) {
    if (i == intent) return name;
  }
  return "GENERAL_INQUIRY";
}

std::optional<Segment> SegmentFromString(const std::string& name) {
  for (const auto& [s, n] : kSegments) {
    if (name == n) return s;
  }
  return std::nullopt;
}

std::optional<Intent> IntentFromString(const std::string& name) {
  for (const auto& [i, n] : kIntents) {
    if (name == n) return i;
  }
  return std::nullopt;
}

std::string ToString(LeadType type) {
  for (const auto& [t, name] : kLeadTypes) {
    if (t == type) return name;
  }
  return "buyer";
}

std::optional<LeadType> LeadTypeFromString(const std::string& name) {
  for (const auto& [t, n] : kLeadTypes) {
    if (name == n) return t;
  }
  return std::nullopt;
}

json ToJson(const ProcessedLead& lead) {
  const Attribution& a = lead.attribution;
  const Consent& c = lead.consent;
  const RouteDecision route = DecideRoute(lead);
  json out = json::object();
  out["source"] = Str(lead.source);
  out["submitted_at"] = Str(lead.submitted_at);
  out["crm_id"] = Str(lead.crm_id);
  out["name"] = {{"full", Str(lead.name.full)},
                 {"first", Str(lead.name.first)},
                 {"last", Str(lead.name.last)}};
  out["email"] = Str(lead.email);
  out["email_valid"] = lead.email_valid;
  out["phone"] = {{"raw", Str(lead.phone.raw)},
                  {"e164", Str(lead.phone.e164)},
                  {"valid", lead.phone.valid},
                  {"type", Str(lead.phone.type)},
                  {"region", Str(lead.phone.region)}};
  out["message"] = Str(lead.message);
  out["property"] = {{"mls_id", Str(lead.property.mls_id)},
                     {"address", Str(lead.property.address)},
                     {"zip", Str(lead.property.zip)},
                     {"price", Opt(lead.property.price)},
                     {"days_on_market", Opt(lead.property.days_on_market)}};
  // Enrichment's facts appear once a provider gave them.
  const Property& p = lead.property;
  if (p.beds) out["property"]["beds"] = *p.beds;
  if (p.baths) out["property"]["baths"] = *p.baths;
  if (p.sqft) out["property"]["sqft"] = *p.sqft;
  if (p.year_built) out["property"]["year_built"] = *p.year_built;
  if (!lead.person.empty()) {
    out["person"] = {{"company", Str(lead.person.company)},
                     {"title", Str(lead.person.title)},
                     {"profile_url", Str(lead.person.profile_url)}};
  }
  out["budget"] = Opt(lead.budget);
  out["attribution"] = {{"utm_source", Str(a.utm_source)},
                        {"utm_medium", Str(a.utm_medium)},
                        {"utm_campaign", Str(a.utm_campaign)},
                        {"utm_term", Str(a.utm_term)},
                        {"utm_content", Str(a.utm_content)},
                        {"landing_page", Str(a.landing_page)},
                        {"referrer", Str(a.referrer)},
                        {"gclid", Str(a.gclid)},
                        {"fbclid", Str(a.fbclid)}};
  out["consent"] = {{"marketing", Opt(c.marketing)},
                    {"sms", Opt(c.sms)},
                    {"email", Opt(c.email)},
                    {"policy_version", Str(c.policy_version)}};
  out["honeypot"] = lead.honeypot;
  out["dedupe_keys"] = lead.dedupe_keys;
  out["score"] = {{"total", lead.score},
                  {"reasons", Reasons(lead.score_reasons)}};
  out["segment"] = {{"name", ToString(lead.segment)},
                    {"reasons", Reasons(lead.segment_reasons)}};
  out["intent"] = {{"name", ToString(lead.intent)},
                   {"reasons", Reasons(lead.intent_reasons)}};
  out["lead_type"] = {{"name", ToString(lead.lead_type)},
                      {"reasons", Reasons(lead.lead_type_reasons)}};
  out["route"] = {{"kind", ToString(route.kind)}, {"reason", route.reason}};
  out["cleaning"] = lead.cleaning;
  out["raw"] = lead.raw;
  return out;
}

ProcessedLead LeadFromJson(const json& j) {
  ProcessedLead lead;
  lead.source = GetStr(j, "source");
  lead.submitted_at = GetStr(j, "submitted_at");
  lead.crm_id = GetStr(j, "crm_id");
  const json& name = At(j, "name");
  lead.name = {GetStr(name, "full"), GetStr(name, "first"),
               GetStr(name, "last")};
  lead.email = GetStr(j, "email");
  lead.email_valid = GetBool(j, "email_valid");
  const json& phone = At(j, "phone");
  lead.phone = {GetStr(phone, "raw"), GetStr(phone, "e164"),
                GetBool(phone, "valid"), GetStr(phone, "type"),
                GetStr(phone, "region")};
  lead.message = GetStr(j, "message");
  const json& prop = At(j, "property");
  lead.property = {GetStr(prop, "mls_id"), GetStr(prop, "address"),
                   GetStr(prop, "zip"), GetOptDouble(prop, "price"),
                   GetOptInt(prop, "days_on_market"), GetOptDouble(prop, "beds"),
                   GetOptDouble(prop, "baths"), GetOptInt(prop, "sqft"),
                   GetOptInt(prop, "year_built")};
  const json& person = At(j, "person");
  lead.person = {GetStr(person, "company"), GetStr(person, "title"),
                 GetStr(person, "profile_url")};
  lead.budget = GetOptDouble(j, "budget");
  const json& a = At(j, "attribution");
  lead.attribution = {GetStr(a, "utm_source"),   GetStr(a, "utm_medium"),
                      GetStr(a, "utm_campaign"), GetStr(a, "utm_term"),
                      GetStr(a, "utm_content"),  GetStr(a, "landing_page"),
                      GetStr(a, "referrer"),     GetStr(a, "gclid"),
                      GetStr(a, "fbclid")};
  const json& c = At(j, "consent");
  lead.consent = {GetOptBool(c, "marketing"), GetOptBool(c, "sms"),
                  GetOptBool(c, "email"), GetStr(c, "policy_version")};
  lead.honeypot = GetBool(j, "honeypot");
  lead.dedupe_keys = GetStrings(j, "dedupe_keys");
  const json& score = At(j, "score");
  const json& total = At(score, "total");
  lead.score =
      total.is_number_integer() ? static_cast<int>(total.get<long long>()) : 0;
  lead.score_reasons = GetReasons(score);
  const json& segment = At(j, "segment");
  lead.segment =
      SegmentFromString(GetStr(segment, "name")).value_or(Segment::kWarmBuyer);
  lead.segment_reasons = GetReasons(segment);
  const json& intent = At(j, "intent");
  lead.intent = IntentFromString(GetStr(intent, "name"))
                    .value_or(Intent::kGeneralInquiry);
  lead.intent_reasons = GetReasons(intent);
  const json& lead_type = At(j, "lead_type");
  lead.lead_type = LeadTypeFromString(GetStr(lead_type, "name"))
                       .value_or(LeadType::kBuyer);
  lead.lead_type_reasons = GetReasons(lead_type);
  lead.cleaning = GetStrings(j, "cleaning");
  lead.raw = At(j, "raw");
  return lead;
}

}  // namespace leadrouter::pipeline
