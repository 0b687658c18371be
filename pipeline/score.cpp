#include "pipeline/score.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "pipeline/phrase.h"
#include "pipeline/signals.h"
#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A standalone run of exactly five digits (optionally ZIP+4).
bool HasZip(std::string_view s) {
  for (size_t i = 0; i + 5 <= s.size(); ++i) {
    if (i > 0 && (IsDigit(s[i - 1]) || IsAlpha(s[i - 1]))) continue;
    size_t k = i;
    while (k < s.size() && IsDigit(s[k])) ++k;
    if (k - i != 5) continue;
    if (k == s.size() || !IsAlpha(s[k])) return true;
  }
  return false;
}

// "48 West 21st St", "1200B Oak Ave": digits, an optional unit letter, then a
// word with letters.
bool StartsWithStreet(std::string_view s) {
  s = TrimView(s);
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == 0) return false;
  if (i < s.size() && IsAlpha(s[i])) ++i;
  if (i >= s.size() || s[i] != ' ') return false;
  while (i < s.size() && s[i] == ' ') ++i;
  return i < s.size() && (IsAlpha(s[i]) || IsDigit(s[i]));
}

std::string Money(double v) {
  const long long whole = std::llround(v);
  std::string digits = std::to_string(whole);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return "$" + out;
}

// libphonenumber's line type the way an agent says it; the number itself
// is on the card already.
std::string PhoneKind(const std::string& type) {
  if (type == "MOBILE") return "mobile number";
  if (type == "FIXED_LINE") return "landline number";
  if (type == "FIXED_LINE_OR_MOBILE") return "mobile or landline number";
  if (type == "TOLL_FREE") return "toll-free number";
  if (type == "VOIP") return "internet (VoIP) number";
  return "phone number";
}

}  // namespace

bool HasVerifiedAddress(const Property& property) {
  if (!property.mls_id.empty()) return true;
  return StartsWithStreet(property.address) &&
         (HasZip(property.address) || HasZip(property.zip));
}

ScoreResult ScoreLead(const ProcessedLead& lead, const Rules& rules) {
  ScoreResult r;
  const ScoreWeights& w = rules.weights;
  const auto add = [&r](std::string rule, int points, std::string detail) {
    r.total += points;
    r.reasons.push_back({std::move(rule), points, std::move(detail)});
  };

  if (lead.phone.valid) {
    add("valid_phone", w.valid_phone, "valid " + PhoneKind(lead.phone.type));
  }
  if (HasVerifiedAddress(lead.property)) {
    add("verified_address", w.verified_address,
        !lead.property.mls_id.empty()
            ? "listing has MLS id " + lead.property.mls_id
            : "street address with ZIP: " + lead.property.address);
  }
  const double amount =
      std::max(lead.budget.value_or(0), lead.property.price.value_or(0));
  if (amount > w.budget_threshold) {
    const bool is_budget = lead.budget.value_or(0) >= amount;
    add("budget_over_threshold", w.budget_over_threshold,
        std::string(is_budget ? "budget " : "price ") + Money(amount) +
            " over " + Money(w.budget_threshold));
  }

  // A keyword counts as written, with its typos, but not when negated or
  // only planned: "not pre-approved yet" earns nothing.
  const TokenizedText text = Tokenize(lead.message);
  for (const KeywordRule& rule : rules.keyword_rules) {
    const std::vector<PhraseHit> hits =
        Affirmed(FindPhrases(text, rule.any_of));
    if (!hits.empty())
      add(rule.name, rule.points, "mentions " + QuoteWords(hits));
  }

  std::vector<std::string> unusable;
  if (!lead.phone.raw.empty() && !lead.phone.valid) {
    unusable.push_back("phone \"" + lead.phone.raw +
                       "\" is not a valid number");
  }
  if (!lead.email.empty() && !lead.email_valid) {
    unusable.push_back("e-mail \"" + lead.email + "\" is not a valid address");
  }
  if (!unusable.empty()) {
    std::string detail;
    for (const std::string& u : unusable)
      detail += (detail.empty() ? "" : "; ") + u;
    add("invalid_contact", w.invalid_contact, detail);
  }

  const std::vector<Reason> spam = SpamSignals(lead, rules);
  if (!spam.empty()) {
    std::string detail;
    for (const Reason& s : spam)
      detail += (detail.empty() ? "" : "; ") + s.detail;
    add("spam_signal", w.spam_signal, detail);
  }
  return r;
}

}  // namespace leadrouter::pipeline
