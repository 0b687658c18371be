#include "pipeline/parse.h"

#include <array>
#include <map>
#include <string>
#include <vector>

#include "pipeline/sanitize.h"
#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

using nlohmann::json;

// Keys are compared without case and punctuation, so firstName, first_name,
// FIRST-NAME and "First Name" are one key.
std::string NormalizeKey(std::string_view key) {
  std::string out;
  for (char c : key) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    }
  }
  return out;
}

// All scalar values reachable under known container keys, by normalized key;
// the first occurrence wins, top level first.
using FlatView = std::map<std::string, const json*>;

struct Container {
  std::string_view key;     // normalized key of the nested object
  std::string_view prefix;  // prepended to its keys ("utm" + "source")
  bool unwrap_value;        // CRM style: {"value": …}
};

constexpr std::array<Container, 14> kContainers = {{
    {"contact", "", false},
    {"lead", "", false},
    {"customer", "", false},
    {"person", "", false},
    {"propertyinquiry", "", false},
    {"property", "", false},
    {"listing", "", false},
    {"attribution", "", false},
    {"tracking", "", false},
    {"fields", "", false},
    {"data", "", false},
    {"utm", "utm", false},
    {"name", "name", false},
    {"properties", "", true},
}};

void AddScalars(const json& object, std::string_view prefix, bool unwrap,
                FlatView& view) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    const json* value = &it.value();
    if (unwrap && value->is_object()) {
      const auto inner = value->find("value");
      if (inner == value->end()) continue;
      value = &*inner;
    }
    if (value->is_structured() || value->is_null()) continue;
    view.emplace(std::string(prefix) + NormalizeKey(it.key()), value);
  }
}

FlatView Flatten(const json& payload) {
  FlatView view;
  AddScalars(payload, "", false, view);
  for (const Container& c : kContainers) {
    for (auto it = payload.begin(); it != payload.end(); ++it) {
      if (it.value().is_object() && NormalizeKey(it.key()) == c.key) {
        AddScalars(it.value(), c.prefix, c.unwrap_value, view);
      }
    }
  }
  return view;
}

const json* Find(const FlatView& view,
                 std::initializer_list<std::string_view> aliases) {
  for (std::string_view alias : aliases) {
    const auto it = view.find(std::string(alias));
    if (it != view.end()) return it->second;
  }
  return nullptr;
}

std::string FindString(const FlatView& view,
                       std::initializer_list<std::string_view> aliases) {
  for (std::string_view alias : aliases) {
    const auto it = view.find(std::string(alias));
    if (it == view.end()) continue;
    std::string s = Trim(ScalarToString(*it->second));
    if (!s.empty()) return s;
  }
  return "";
}

json FindJson(const FlatView& view,
              std::initializer_list<std::string_view> aliases) {
  const json* v = Find(view, aliases);
  return v != nullptr ? *v : json();
}

bool IsFilled(const json& v) {
  if (v.is_string()) return !TrimView(v.get_ref<const std::string&>()).empty();
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v != 0;
  if (v.is_structured()) return !v.empty();
  return false;
}

void ReadConsent(const json& payload, const FlatView& view, Consent& consent) {
  const auto set_flag = [](std::optional<bool>& flag, const json* v) {
    if (v != nullptr && !flag) flag = ParseFlag(*v);
  };
  for (auto it = payload.begin(); it != payload.end(); ++it) {
    if (NormalizeKey(it.key()) != "consent") continue;
    const json& c = it.value();
    if (c.is_object()) {
      FlatView inner;
      AddScalars(c, "", false, inner);
      set_flag(consent.marketing, Find(inner, {"marketing", "marketingoptin"}));
      set_flag(consent.sms, Find(inner, {"sms", "tcpa", "text"}));
      set_flag(consent.email, Find(inner, {"email"}));
      if (consent.policy_version.empty()) {
        consent.policy_version = FindString(
            inner, {"privacypolicyversion", "policyversion", "version"});
      }
    } else {
      set_flag(consent.marketing, &c);
    }
  }
  set_flag(consent.marketing,
           Find(view, {"marketingconsent", "consentmarketing", "marketingoptin",
                       "optin"}));
  set_flag(consent.sms,
           Find(view, {"smsconsent", "consentsms", "tcpaconsent", "smsoptin"}));
  set_flag(consent.email,
           Find(view, {"emailconsent", "consentemail", "emailoptin"}));
  if (consent.policy_version.empty()) {
    consent.policy_version =
        FindString(view, {"privacypolicyversion", "policyversion"});
  }
}

// Resolves a JSON pointer without throwing; nullptr when it does not resolve.
const json* Resolve(const json& payload, const std::string& pointer) {
  try {
    const json::json_pointer ptr(pointer);
    if (!payload.contains(ptr)) return nullptr;
    const json& v = payload.at(ptr);
    return v.is_null() ? nullptr : &v;
  } catch (const json::exception&) {
    return nullptr;  // a malformed pointer in config is a miss, not a crash
  }
}

bool MappingApplies(const json& payload, const FieldMapping& mapping) {
  for (const auto& [pointer, expected] : mapping.when) {
    const json* v = Resolve(payload, pointer);
    if (v == nullptr || ScalarToString(*v) != expected) return false;
  }
  return true;
}

void ApplyMapping(const json& payload, const FieldMapping& mapping,
                  ParsedPayload& out) {
  std::map<std::string_view, std::string*> strings = {
      {"email", &out.email},
      {"phone", &out.phone},
      {"first_name", &out.first_name},
      {"last_name", &out.last_name},
      {"full_name", &out.full_name},
      {"message", &out.message},
      {"source", &out.source},
      {"submitted_at", &out.submitted_at},
      {"crm_id", &out.crm_id},
      {"address", &out.address},
      {"zip", &out.zip},
      {"mls_id", &out.mls_id},
      {"listed_at", &out.listed_at},
      {"utm_source", &out.attribution.utm_source},
      {"utm_medium", &out.attribution.utm_medium},
      {"utm_campaign", &out.attribution.utm_campaign},
      {"utm_term", &out.attribution.utm_term},
      {"utm_content", &out.attribution.utm_content},
      {"landing_page", &out.attribution.landing_page},
      {"referrer", &out.attribution.referrer},
      {"gclid", &out.attribution.gclid},
      {"fbclid", &out.attribution.fbclid},
  };
  std::map<std::string_view, json*> values = {
      {"price", &out.price},
      {"budget", &out.budget},
      {"days_on_market", &out.days_on_market},
  };
  for (const auto& [field, pointer] : mapping.fields) {
    const json* v = Resolve(payload, pointer);
    if (v == nullptr) continue;
    if (auto s = strings.find(field); s != strings.end()) {
      std::string text = Trim(ScalarToString(*v));
      if (!text.empty()) *s->second = std::move(text);
    } else if (auto j = values.find(field); j != values.end()) {
      *j->second = *v;
    }
  }
}

}  // namespace

std::string ScalarToString(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return value.dump();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    // Ids and phone numbers sometimes arrive as 90210.0. The range check
    // comes first: casting an out-of-range double is undefined behaviour.
    if (d < 1e15 && d > -1e15 &&
        d == static_cast<double>(static_cast<long long>(d))) {
      return std::to_string(static_cast<long long>(d));
    }
    return value.dump();
  }
  return "";
}

std::optional<bool> ParseFlag(const json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) return value != 0;
  if (value.is_string()) {
    const std::string s =
        AsciiLower(TrimView(value.get_ref<const std::string&>()));
    if (s == "true" || s == "yes" || s == "y" || s == "1" || s == "on")
      return true;
    if (s == "false" || s == "no" || s == "n" || s == "0" || s == "off")
      return false;
  }
  return std::nullopt;
}

std::string QueryParameter(std::string_view url, std::string_view name) {
  const size_t q = url.find('?');
  if (q == std::string_view::npos) return "";
  std::string_view query = url.substr(q + 1);
  query = query.substr(0, query.find('#'));
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view pair = query.substr(pos, amp - pos);
    const size_t eq = pair.find('=');
    if (PercentDecode(pair.substr(0, eq), true) == name &&
        eq != std::string_view::npos) {
      return PercentDecode(pair.substr(eq + 1), true);
    }
    pos = amp + 1;
  }
  return "";
}

ParsedPayload ParsePayload(const json& payload, const Rules& rules) {
  ParsedPayload out;
  if (!payload.is_object()) return out;
  const FlatView view = Flatten(payload);

  out.first_name = FindString(
      view, {"firstname", "fname", "givenname", "first", "namefirst"});
  out.last_name = FindString(
      view, {"lastname", "lname", "surname", "familyname", "last", "namelast"});
  out.full_name = FindString(
      view, {"fullname", "name", "contactname", "namefull", "displayname"});
  out.email =
      FindString(view, {"email", "emailaddress", "mail", "contactemail"});
  out.phone = FindString(
      view, {"phone", "phonenumber", "mobile", "mobilephone", "mobilenumber",
             "cell", "cellphone", "telephone", "tel", "contactphone"});

  // Forms split free text over several fields; keep each distinct piece.
  for (std::string_view key :
       {"message", "comments", "comment", "question", "questions", "inquiry",
        "enquiry", "notes", "note"}) {
    const std::string piece = FindString(view, {key});
    if (piece.empty() || out.message.find(piece) != std::string::npos) continue;
    if (!out.message.empty()) out.message += "\n";
    out.message += piece;
  }

  out.source = FindString(
      view, {"leadsource", "source", "vendor", "provider", "origin"});
  out.submitted_at = FindString(view, {"submittedat", "timestamp", "createdat",
                                       "created", "receivedat", "submitted"});
  out.crm_id =
      FindString(view, {"crmid", "objectid", "contactid", "vid", "recordid"});

  out.mls_id = FindString(view, {"mlsid", "mls", "mlsnumber", "listingid"});
  out.address = FindString(view, {"address", "propertyaddress", "streetaddress",
                                  "street", "address1"});
  out.zip = FindString(
      view, {"zip", "zipcode", "postalcode", "postcode", "propertyzip"});
  out.listed_at = FindString(view, {"listedat", "listdate", "listingdate"});
  out.price =
      FindJson(view, {"price", "listprice", "listingprice", "askingprice"});
  out.budget = FindJson(view, {"budget", "maxbudget", "maxprice"});
  out.days_on_market = FindJson(view, {"daysonmarket", "dom"});

  Attribution& a = out.attribution;
  a.utm_source = FindString(view, {"utmsource"});
  a.utm_medium = FindString(view, {"utmmedium"});
  a.utm_campaign = FindString(view, {"utmcampaign"});
  a.utm_term = FindString(view, {"utmterm"});
  a.utm_content = FindString(view, {"utmcontent"});
  a.landing_page = FindString(
      view, {"landingpage", "landingpageurl", "landingurl", "pageurl"});
  a.referrer =
      FindString(view, {"referrer", "referer", "referringurl", "referrerurl"});
  a.gclid = FindString(view, {"gclid"});
  a.fbclid = FindString(view, {"fbclid"});

  ReadConsent(payload, view, out.consent);

  for (const FieldMapping& mapping : rules.field_mappings) {
    if (MappingApplies(payload, mapping)) {
      ApplyMapping(payload, mapping, out);
      out.mapping = mapping.name;
      break;
    }
  }

  // Ad click ids often only survive in the landing page's query string.
  if (a.gclid.empty()) a.gclid = QueryParameter(a.landing_page, "gclid");
  if (a.fbclid.empty()) a.fbclid = QueryParameter(a.landing_page, "fbclid");

  for (auto it = payload.begin();
       it != payload.end() && out.honeypot_field.empty(); ++it) {
    for (const std::string& field : rules.honeypot_fields) {
      if (AsciiLower(it.key()) == AsciiLower(field) && IsFilled(it.value())) {
        out.honeypot_field = it.key();
        break;
      }
    }
  }
  return out;
}

}  // namespace leadrouter::pipeline
