#include "pipeline/price.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

constexpr double kMaxPrice = 1e10;  // no listing costs ten billion
// How far past "budget" the amount may start ("budget of about $" fits).
constexpr size_t kBudgetLookahead = 24;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ConsumePrefix(std::string& s, std::string_view prefix) {
  if (s.compare(0, prefix.size(), prefix) != 0) return false;
  s.erase(0, prefix.size());
  return true;
}

// Parses "1,250,000" or "2.1" (no sign, no exponent). nullopt on bad groups.
std::optional<double> ParseNumber(std::string_view s) {
  if (s.empty() || !IsDigit(s.front())) return std::nullopt;
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  std::string digits;
  const size_t first_comma = whole.find(',');
  if (first_comma != std::string_view::npos) {
    if (first_comma == 0 || first_comma > 3) return std::nullopt;
    // Every group after the first comma must be exactly three digits.
    for (size_t i = first_comma; i < whole.size(); i += 4) {
      if (whole[i] != ',' || i + 4 > whole.size()) return std::nullopt;
      for (size_t k = 1; k <= 3; ++k) {
        if (!IsDigit(whole[i + k])) return std::nullopt;
      }
    }
  }
  for (char c : whole) {
    if (IsDigit(c)) {
      digits.push_back(c);
    } else if (c != ',') {
      return std::nullopt;
    }
  }
  if (dot != std::string_view::npos) {
    const std::string_view frac = s.substr(dot + 1);
    if (frac.empty()) return std::nullopt;
    digits.push_back('.');
    for (char c : frac) {
      if (!IsDigit(c)) return std::nullopt;
      digits.push_back(c);
    }
  }
  if (digits.size() > 24) return std::nullopt;
  return std::strtod(digits.c_str(), nullptr);
}

}  // namespace

std::optional<double> ParsePrice(std::string_view text) {
  std::string s;
  for (char c : AsciiLower(TrimView(text))) {
    if (c != ' ') s.push_back(c);
  }
  if (!ConsumePrefix(s, "usd")) ConsumePrefix(s, "us");
  ConsumePrefix(s, "$");
  if (s.size() >= 3 && s.compare(s.size() - 3, 3, "usd") == 0)
    s.resize(s.size() - 3);
  if (!s.empty() && s.back() == '+') s.pop_back();

  size_t end = 0;
  while (end < s.size() && (IsDigit(s[end]) || s[end] == ',' || s[end] == '.'))
    ++end;
  const std::string suffix = s.substr(end);
  double multiplier = 1;
  if (suffix.empty()) {
    multiplier = 1;
  } else if (suffix == "k" || suffix == "thousand") {
    multiplier = 1e3;
  } else if (suffix == "m" || suffix == "mm" || suffix == "mil" ||
             suffix == "million") {
    multiplier = 1e6;
  } else {
    return std::nullopt;
  }
  const std::optional<double> number = ParseNumber(s.substr(0, end));
  if (!number) return std::nullopt;
  const double value = *number * multiplier;
  if (!std::isfinite(value) || value <= 0 || value >= kMaxPrice)
    return std::nullopt;
  return value;
}

std::optional<double> PriceFromJson(const nlohmann::json& value) {
  if (value.is_number()) {
    const double v = value.get<double>();
    if (!std::isfinite(v) || v <= 0 || v >= kMaxPrice) return std::nullopt;
    return v;
  }
  if (value.is_string()) return ParsePrice(value.get_ref<const std::string&>());
  return std::nullopt;
}

std::optional<double> FindBudgetInText(std::string_view text) {
  const std::string lower = AsciiLower(text);
  size_t from = 0;
  while (true) {
    const size_t at = lower.find("budget", from);
    if (at == std::string::npos) return std::nullopt;
    from = at + 1;
    const bool word_start =
        at == 0 || !std::isalnum(static_cast<unsigned char>(lower[at - 1]));
    const bool word_end =
        at + 6 == lower.size() ||
        !std::isalpha(static_cast<unsigned char>(lower[at + 6]));
    if (!word_start || !word_end) continue;
    size_t i = at + 6;
    const size_t limit = std::min(lower.size(), i + kBudgetLookahead);
    while (i < limit && !IsDigit(lower[i]) && lower[i] != '$' &&
           lower[i] != '.' && lower[i] != '\n' && lower[i] != ';' &&
           lower[i] != '!' && lower[i] != '?') {
      ++i;
    }
    if (i >= limit || (!IsDigit(lower[i]) && lower[i] != '$')) continue;
    size_t end = i;
    if (lower[end] == '$') ++end;
    while (end < lower.size() &&
           (IsDigit(lower[end]) || lower[end] == ',' || lower[end] == '.'))
      ++end;
    // A sentence's full stop or a list comma is not part of the amount.
    while (end > i && (lower[end - 1] == ',' || lower[end - 1] == '.')) --end;
    const std::string amount = lower.substr(i, end - i);
    // Optional suffix word: "2.1m", "2.1 million", "450k".
    size_t s = end;
    if (s < lower.size() && lower[s] == ' ') ++s;
    size_t e = s;
    while (e < lower.size() &&
           std::isalpha(static_cast<unsigned char>(lower[e])))
      ++e;
    if (e > s) {
      if (auto v = ParsePrice(amount + lower.substr(s, e - s))) return v;
    }
    if (auto v = ParsePrice(amount)) return v;
  }
}

}  // namespace leadrouter::pipeline
