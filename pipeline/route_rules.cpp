#include "pipeline/route_rules.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "pipeline/language.h"
#include "pipeline/rotation.h"
#include "pipeline/template.h"
#include "pipeline/text.h"
#include "pipeline/us_place.h"

namespace leadrouter::pipeline {
namespace {

constexpr std::array<const char*, 7> kDayNames = {"Sun", "Mon", "Tue", "Wed",
                                                  "Thu", "Fri", "Sat"};

std::string Lower(std::string_view s) { return AsciiLower(Trim(s)); }

// The first five digits of a ZIP ("02116-1234" -> "02116"); "" otherwise.
std::string Zip5(std::string_view s) {
  std::string digits;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits += c;
    } else if (!digits.empty()) {
      break;
    }
  }
  return digits.size() >= 5 ? digits.substr(0, 5) : "";
}

// The ZIP at the end of an address ("…, Boston, MA 02116"); "" when none.
std::string ZipOfAddress(std::string_view address) {
  std::vector<std::string> words = Words(address);
  for (auto it = words.rbegin(); it != words.rend(); ++it) {
    if (it->size() == 5 && std::all_of(it->begin(), it->end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        })) {
      return *it;
    }
  }
  return "";
}

std::string NormalizeKey(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

// A string field of the payload under any of `keys` (normalized: no case,
// no '_'), at the top level or one object down; "" when absent.
std::string RawString(const nlohmann::json& raw,
                      std::initializer_list<std::string_view> keys) {
  if (!raw.is_object()) return "";
  auto find_in = [&](const nlohmann::json& object) -> std::string {
    for (auto it = object.begin(); it != object.end(); ++it) {
      if (!it.value().is_string()) continue;
      const std::string k = NormalizeKey(it.key());
      for (std::string_view want : keys) {
        if (k == want) return Trim(it.value().get<std::string>());
      }
    }
    return "";
  };
  std::string top = find_in(raw);
  if (!top.empty()) return top;
  for (auto it = raw.begin(); it != raw.end(); ++it) {
    if (!it.value().is_object()) continue;
    std::string nested = find_in(it.value());
    if (!nested.empty()) return nested;
  }
  return "";
}

std::string LeadTypeOf(const std::string& given) {
  const std::string t = Lower(given);
  if (t == "buyer" || t == "buy" || t == "buying") return "buyer";
  if (t == "seller" || t == "sell" || t == "selling" || t == "listing") {
    return "seller";
  }
  if (t == "renter" || t == "rent" || t == "rental" || t == "tenant") {
    return "renter";
  }
  return t;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

// One condition's verdict: whether it held, and the words for the reason.
struct Check {
  bool held = true;
  std::string why;
};

// A list condition on a text fact: the fact (normalized by `norm`) equals
// any of the values (normalized the same way).
template <typename Norm>
std::optional<Check> ListCheck(const char* label,
                               const std::vector<std::string>& values,
                               const std::string& fact, Norm norm) {
  if (values.empty()) return std::nullopt;
  const std::string f = norm(fact);
  if (f.empty()) return Check{false, std::string(label) + " unknown"};
  for (const std::string& v : values) {
    if (norm(v) == f) return Check{true, std::string(label) + " " + fact};
  }
  return Check{false, std::string(label) + " " + fact + " not in " +
                          Join(values)};
}

std::string StateNorm(const std::string& s) {
  std::string code = StateCode(s);
  return code.empty() ? Lower(s) : code;
}

bool InHours(std::pair<int, int> hours, int minute) {
  const auto [start, end] = hours;
  return start < end ? minute >= start && minute < end
                     : minute >= start || minute < end;
}

std::string DaysText(int mask) {
  std::vector<std::string> names;
  for (int d = 0; d < 7; ++d) {
    if (mask & (1 << d)) names.push_back(kDayNames[static_cast<size_t>(d)]);
  }
  return Join(names);
}

std::string Clock(int minute) {
  return FormatWorkHours(minute, minute).substr(0, 5);
}

// Every condition of `when` against `facts`, in a fixed order (the order
// the reason lists them).
std::vector<Check> Checks(const RouteWhen& when, const Territories& territories,
                          const RouteFacts& facts) {
  std::vector<Check> out;
  auto add = [&](std::optional<Check> c) {
    if (c) out.push_back(std::move(*c));
  };
  auto same = [](const std::string& s) { return Lower(s); };
  add(ListCheck("source", when.source, facts.source, same));
  add(ListCheck("segment", when.segment, facts.segment, same));
  add(ListCheck("intent", when.intent, facts.intent, same));
  add(ListCheck("lead type", when.lead_type, facts.lead_type,
                [](const std::string& s) { return LeadTypeOf(s); }));
  if (when.price_min || when.price_max) {
    const std::string what = facts.price_is_budget ? "budget" : "price";
    if (!facts.price) {
      out.push_back({false, "no price or budget"});
    } else {
      const double p = *facts.price;
      const std::string ps = what + " " + FormatDollars(p);
      if (when.price_min && p < *when.price_min) {
        out.push_back({false, ps + " < " + FormatDollars(*when.price_min)});
      } else if (when.price_max && p > *when.price_max) {
        out.push_back({false, ps + " > " + FormatDollars(*when.price_max)});
      } else {
        std::string why = ps;
        if (when.price_min) why += " ≥ " + FormatDollars(*when.price_min);
        if (when.price_max) why += " ≤ " + FormatDollars(*when.price_max);
        out.push_back({true, why});
      }
    }
  }
  add(ListCheck("zip", when.zip, facts.zip, Zip5));
  if (!when.territory.empty()) {
    Check c{false, facts.zip.empty()
                       ? "zip unknown, so no territory"
                       : "zip " + facts.zip + " in no territory of " +
                             Join(when.territory)};
    for (const std::string& name : when.territory) {
      auto t = territories.find(name);
      if (t == territories.end() || facts.zip.empty()) continue;
      for (const std::string& z : t->second) {
        if (Zip5(z) == facts.zip) {
          c = {true, "territory " + name + " (zip " + facts.zip + ")"};
        }
      }
      if (c.held) break;
    }
    out.push_back(c);
  }
  add(ListCheck("city", when.city, facts.city, same));
  add(ListCheck("state", when.state, facts.state, StateNorm));
  if (!when.language.empty()) {
    std::optional<Check> c =
        ListCheck("language", when.language, facts.language,
                  [](const std::string& s) { return LanguageCode(s); });
    if (c && facts.language_detected) c->why += " (detected)";
    add(c);
  }
  add(ListCheck("mls", when.mls, facts.mls, same));
  if (when.has_mls) {
    const bool has = !facts.mls.empty();
    out.push_back({has == *when.has_mls,
                   has ? "MLS id " + facts.mls : std::string("no MLS id")});
  }
  if (when.hours) {
    const std::string window =
        FormatWorkHours(when.hours->first, when.hours->second);
    const bool in = InHours(*when.hours, facts.local_minute);
    out.push_back({in, in ? "within " + window
                          : "outside " + window + " (" +
                                Clock(facts.local_minute) + ")"});
  }
  if (when.days) {
    const bool in = (*when.days >> facts.local_weekday) & 1;
    const std::string today =
        kDayNames[static_cast<size_t>(facts.local_weekday % 7)];
    out.push_back({in, in ? "on " + today
                          : today + " not in " + DaysText(*when.days)});
  }
  return out;
}

// Normalized value sets, for Covers.
std::set<std::string> SetOf(const std::vector<std::string>& v,
                            std::string (*norm)(const std::string&)) {
  std::set<std::string> out;
  for (const std::string& s : v) out.insert(norm(s));
  return out;
}

std::string LowerOf(const std::string& s) { return Lower(s); }
std::string ZipOf(const std::string& s) { return Zip5(s); }
std::string LanguageOf(const std::string& s) { return LanguageCode(s); }
std::string LeadTypeNorm(const std::string& s) { return LeadTypeOf(s); }

// A list condition of `earlier` is no weaker than `later`'s: later has one
// too, and every value it allows earlier allows.
bool ListCovers(const std::vector<std::string>& earlier,
                const std::vector<std::string>& later,
                std::string (*norm)(const std::string&)) {
  if (earlier.empty()) return true;
  if (later.empty()) return false;
  std::set<std::string> e = SetOf(earlier, norm);
  for (const std::string& s : SetOf(later, norm)) {
    if (!e.count(s)) return false;
  }
  return true;
}

// The ZIPs a route can match by its zip and territory keys; nullopt: any.
std::optional<std::set<std::string>> ZipsOf(const RouteWhen& w,
                                            const Territories& territories) {
  std::optional<std::set<std::string>> zips;
  if (!w.zip.empty()) zips = SetOf(w.zip, ZipOf);
  if (!w.territory.empty()) {
    std::set<std::string> t;
    for (const std::string& name : w.territory) {
      auto it = territories.find(name);
      if (it != territories.end()) {
        for (const std::string& z : it->second) t.insert(Zip5(z));
      }
    }
    if (zips) {
      std::set<std::string> both;
      for (const std::string& z : *zips) {
        if (t.count(z)) both.insert(z);
      }
      zips = both;
    } else {
      zips = t;
    }
  }
  return zips;
}

}  // namespace

bool RouteWhen::empty() const {
  return source.empty() && segment.empty() && intent.empty() &&
         lead_type.empty() && zip.empty() && city.empty() && state.empty() &&
         territory.empty() && language.empty() && mls.empty() && !has_mls &&
         !price_min && !price_max && !hours && !days;
}

RouteFacts FactsOf(const ProcessedLead& lead, int local_minute,
                   int local_weekday) {
  RouteFacts f;
  f.source = lead.source;
  f.segment = ToString(lead.segment);
  f.intent = ToString(lead.intent);
  f.lead_type =
      LeadTypeOf(RawString(lead.raw, {"leadtype", "inquirytype", "clienttype"}));
  f.zip = Zip5(lead.property.zip);
  if (f.zip.empty()) f.zip = ZipOfAddress(lead.property.address);
  UsPlace place = PlaceFromAddress(lead.property.address);
  f.city = place.city;
  f.state = place.state;
  f.mls = lead.property.mls_id;
  if (lead.property.price) {
    f.price = lead.property.price;
  } else if (lead.budget) {
    f.price = lead.budget;
    f.price_is_budget = true;
  }
  const std::string given =
      RawString(lead.raw, {"language", "lang", "preferredlanguage"});
  if (!given.empty()) {
    f.language = LanguageCode(given);
  } else {
    f.language = DetectLanguage(lead.message).code;
    f.language_detected = !f.language.empty();
  }
  f.local_minute = local_minute;
  f.local_weekday = local_weekday;
  return f;
}

RouteMatch MatchRoute(const std::vector<RouteRule>& routes,
                      const Territories& territories, const RouteFacts& facts) {
  RouteMatch out;
  for (size_t i = 0; i < routes.size(); ++i) {
    const RouteRule& r = routes[i];
    RouteTry attempt;
    attempt.route = r.name;
    attempt.matched = true;
    std::vector<std::string> held;
    for (const Check& c : Checks(r.when, territories, facts)) {
      if (!c.held) {
        attempt.matched = false;
        attempt.why = c.why;
        break;
      }
      held.push_back(c.why);
    }
    if (attempt.matched) attempt.why = held.empty() ? "catch-all" : Join(held);
    out.tried.push_back(attempt);
    if (!attempt.matched) continue;
    out.index = i;
    out.route = r.name;
    out.pool = r.pool;
    out.reason =
        "route " + r.name + ": " + attempt.why + " → pool " + r.pool;
    return out;
  }
  out.reason = "no route matched";
  return out;
}

bool Covers(const RouteWhen& earlier, const RouteWhen& later,
            const Territories& territories) {
  if (!ListCovers(earlier.source, later.source, LowerOf) ||
      !ListCovers(earlier.segment, later.segment, LowerOf) ||
      !ListCovers(earlier.intent, later.intent, LowerOf) ||
      !ListCovers(earlier.lead_type, later.lead_type, LeadTypeNorm) ||
      !ListCovers(earlier.city, later.city, LowerOf) ||
      !ListCovers(earlier.state, later.state, StateNorm) ||
      !ListCovers(earlier.language, later.language, LanguageOf) ||
      !ListCovers(earlier.mls, later.mls, LowerOf)) {
    return false;
  }
  std::optional<std::set<std::string>> e_zips = ZipsOf(earlier, territories);
  if (e_zips) {
    std::optional<std::set<std::string>> l_zips = ZipsOf(later, territories);
    if (!l_zips) return false;
    for (const std::string& z : *l_zips) {
      if (!e_zips->count(z)) return false;
    }
  }
  if (earlier.has_mls) {
    const bool later_has = later.has_mls ? *later.has_mls : !later.mls.empty();
    if (!later.has_mls && later.mls.empty()) return false;
    if (later_has != *earlier.has_mls) return false;
  }
  if (earlier.price_min &&
      (!later.price_min || *later.price_min < *earlier.price_min)) {
    return false;
  }
  if (earlier.price_max &&
      (!later.price_max || *later.price_max > *earlier.price_max)) {
    return false;
  }
  if (earlier.hours && later.hours != earlier.hours) return false;
  if (earlier.days && (!later.days || (*later.days & ~*earlier.days) != 0)) {
    return false;
  }
  return true;
}

std::string Describe(const RouteWhen& w) {
  std::vector<std::string> parts;
  auto list = [&](const char* label, const std::vector<std::string>& v) {
    if (v.empty()) return;
    std::string values;
    for (size_t i = 0; i < v.size(); ++i) {
      values += (i == 0 ? "" : i + 1 == v.size() ? " or " : ", ") + v[i];
    }
    parts.push_back(std::string(label) + " " + values);
  };
  list("source", w.source);
  list("segment", w.segment);
  list("intent", w.intent);
  list("lead type", w.lead_type);
  if (w.price_min) parts.push_back("price ≥ " + FormatDollars(*w.price_min));
  if (w.price_max) parts.push_back("price ≤ " + FormatDollars(*w.price_max));
  list("zip", w.zip);
  list("territory", w.territory);
  list("city", w.city);
  list("state", w.state);
  list("language", w.language);
  list("mls", w.mls);
  if (w.has_mls) parts.push_back(*w.has_mls ? "has an MLS id" : "no MLS id");
  if (w.hours) {
    parts.push_back("within " + FormatWorkHours(w.hours->first, w.hours->second));
  }
  if (w.days) parts.push_back("on " + DaysText(*w.days));
  return parts.empty() ? "every lead" : Join(parts);
}

std::optional<int> WeekdayFromName(const std::string& name) {
  const std::string n = Lower(name);
  static const std::array<const char*, 7> kFull = {
      "sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
      "saturday"};
  for (size_t d = 0; d < 7; ++d) {
    if (n == Lower(kDayNames[d]) || n == kFull[d]) return static_cast<int>(d);
  }
  return std::nullopt;
}

}  // namespace leadrouter::pipeline
