#include "pipeline/enrichment_facts.h"

#include <cmath>
#include <cstdio>
#include <optional>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

using nlohmann::json;

bool IsPropertyField(const std::string& name) {
  for (const char* f : kPropertyFields) {
    if (name == f) return true;
  }
  return false;
}

// A figure as providers send it: a number, or a string of one ("2150",
// "2,150", "2.5").
std::optional<double> Figure(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return std::nullopt;
  std::string digits;
  for (char c : v.get_ref<const std::string&>()) {
    if (c != ',') digits += c;
  }
  digits = Trim(digits);
  if (digits.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size() || !std::isfinite(d)) {
    return std::nullopt;
  }
  return d;
}

std::string Thousands(long long n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "3", "2.5": whole numbers without a decimal point.
std::string Count(double n) {
  if (std::fabs(n - std::round(n)) < 0.01)
    return std::to_string(std::llround(n));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", n);
  return buf;
}

std::string Listed(int days) {
  if (days == 0) return "listed today";
  if (days == 1) return "listed 1 day ago";
  return "listed " + std::to_string(days) + " days ago";
}

std::optional<int> WholeNumber(const json& facts, const char* key) {
  const auto it = facts.find(key);
  if (it == facts.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  if (v < 0 || v > 1e9) return std::nullopt;
  return static_cast<int>(std::llround(v));
}

std::optional<double> Number(const json& facts, const char* key) {
  const auto it = facts.find(key);
  if (it == facts.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  if (v < 0 || v > 1e10) return std::nullopt;
  return v;
}

std::string Text(const json& facts, const char* key) {
  const auto it = facts.find(key);
  return it != facts.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::vector<std::string> UrlPlaceholders(std::string_view url_template) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = url_template.find('{', pos)) != std::string_view::npos) {
    const size_t end = url_template.find('}', pos);
    if (end == std::string_view::npos) break;
    out.emplace_back(url_template.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return out;
}

std::string ExpandUrl(std::string_view url_template,
                      const std::map<std::string, std::string>& values) {
  std::string out;
  size_t pos = 0;
  while (pos < url_template.size()) {
    const size_t open = url_template.find('{', pos);
    const size_t close = open == std::string_view::npos
                             ? std::string_view::npos
                             : url_template.find('}', open);
    if (close == std::string_view::npos) {
      out += url_template.substr(pos);
      break;
    }
    out += url_template.substr(pos, open - pos);
    const auto it = values.find(
        std::string(url_template.substr(open + 1, close - open - 1)));
    if (it != values.end()) out += UrlEncode(it->second);
    pos = close + 1;
  }
  return out;
}

FactsRead ReadFacts(const json& answer,
                    const std::map<std::string, std::string>& fields) {
  FactsRead out;
  for (const auto& [name, pointer] : fields) {
    const json* value = nullptr;
    try {
      const json::json_pointer ptr(pointer);
      if (answer.contains(ptr)) value = &answer.at(ptr);
    } catch (const json::exception&) {
      value = nullptr;  // a malformed pointer names nothing
    }
    if (value && IsPropertyField(name)) {
      if (const auto figure = Figure(*value)) {
        out.facts[name] = *figure;
        continue;
      }
    } else if (value && value->is_string() &&
               !value->get_ref<const std::string&>().empty()) {
      out.facts[name] = Trim(value->get_ref<const std::string&>());
      continue;
    }
    out.missing.push_back(name);
  }
  return out;
}

std::vector<std::string> ApplyFacts(ProcessedLead& lead,
                                    const std::string& provider,
                                    const json& facts) {
  std::vector<std::string> changes;
  if (!facts.is_object()) return changes;
  if (provider == "person") {
    PersonFacts& p = lead.person;
    const std::string company = Text(facts, "company");
    const std::string title = Text(facts, "title");
    const std::string profile = Text(facts, "profile_url");
    if (!company.empty() && company != p.company) {
      p.company = company;
      changes.push_back("company " + company);
    }
    if (!title.empty() && title != p.title) {
      p.title = title;
      changes.push_back("title " + title);
    }
    if (!profile.empty() && profile != p.profile_url) {
      p.profile_url = profile;
      changes.push_back("profile " + profile);
    }
    return changes;
  }
  Property& p = lead.property;
  if (const auto days = WholeNumber(facts, "days_on_market");
      days && !p.days_on_market) {
    p.days_on_market = *days;
    changes.push_back(Listed(*days));
  }
  if (const auto price = Number(facts, "list_price");
      price && *price > 0 && !p.price) {
    p.price = *price;
    changes.push_back("list price $" + Thousands(std::llround(*price)));
  }
  if (const auto beds = Number(facts, "beds"); beds && beds != p.beds) {
    p.beds = *beds;
    changes.push_back(Count(*beds) + " bd");
  }
  if (const auto baths = Number(facts, "baths"); baths && baths != p.baths) {
    p.baths = *baths;
    changes.push_back(Count(*baths) + " ba");
  }
  if (const auto sqft = WholeNumber(facts, "sqft"); sqft && sqft != p.sqft) {
    p.sqft = *sqft;
    changes.push_back(Thousands(*sqft) + " sq ft");
  }
  if (const auto year = WholeNumber(facts, "year_built");
      year && year != p.year_built) {
    p.year_built = *year;
    changes.push_back("built " + std::to_string(*year));
  }
  return changes;
}

std::string EnrichmentLine(const ProcessedLead& lead,
                           const MarketMedian& median) {
  const Property& p = lead.property;
  const bool enriched = p.beds || p.baths || p.sqft || p.year_built;
  std::vector<std::string> parts;
  if (p.days_on_market) parts.push_back(Listed(*p.days_on_market));
  if (p.beds && p.baths) {
    parts.push_back(Count(*p.beds) + " bd / " + Count(*p.baths) + " ba");
  } else if (p.beds) {
    parts.push_back(Count(*p.beds) + " bd");
  } else if (p.baths) {
    parts.push_back(Count(*p.baths) + " ba");
  }
  if (p.sqft) parts.push_back(Thousands(*p.sqft) + " sq ft");
  if (p.price && median.value > 0 && (enriched || !median.zip.empty())) {
    parts.push_back(AgainstMedian(*p.price, median));
  }
  const PersonFacts& person = lead.person;
  if (!person.title.empty() && !person.company.empty()) {
    parts.push_back(person.title + " at " + person.company);
  } else if (!person.company.empty() || !person.title.empty()) {
    parts.push_back(person.company.empty() ? person.title : person.company);
  }
  if (!enriched && person.empty()) return "";
  std::string line;
  for (const std::string& part : parts) {
    line += (line.empty() ? "" : " \u00b7 ") + part;
  }
  return line;
}

}  // namespace leadrouter::pipeline
