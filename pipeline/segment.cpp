#include "pipeline/segment.h"

#include <algorithm>
#include <string>

#include "pipeline/signals.h"
#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

// The keyword rule whose firing counts as a buying signal.
constexpr const char* kBuyingSignalRule = "buying_signal";

const Reason* FindReason(const std::vector<Reason>& reasons,
                         const std::string& rule) {
  const auto it = std::find_if(reasons.begin(), reasons.end(),
                               [&](const Reason& r) { return r.rule == rule; });
  return it == reasons.end() ? nullptr : &*it;
}

}  // namespace

SegmentResult SegmentLead(const ProcessedLead& lead, const Rules& rules) {
  SegmentResult r;
  const auto decide = [&r](Segment s) {
    r.segment = s;
    return r;
  };

  if (lead.honeypot) {
    r.reasons.push_back({"honeypot", 0, "a hidden form field was filled in"});
  } else if (IsSpam(lead, rules)) {
    std::string detail;
    for (const Reason& s : SpamSignals(lead, rules))
      detail += (detail.empty() ? "" : "; ") + s.detail;
    r.reasons.push_back({"spam", 0, detail});
  }
  if (!lead.phone.valid && !lead.email_valid) {
    r.reasons.push_back(
        {"invalid_contact", 0, "neither a valid phone nor a valid e-mail"});
  }
  if (!r.reasons.empty()) return decide(Segment::kLowQuality);

  const Reason* signal = FindReason(lead.score_reasons, kBuyingSignalRule);
  const std::optional<int>& dom = lead.property.days_on_market;
  if (signal != nullptr && dom && *dom < rules.hot_listing_max_days) {
    r.reasons.push_back({"buying_signal", 0, signal->detail});
    r.reasons.push_back({"fresh_listing", 0,
                         "listing " + std::to_string(*dom) +
                             " days on market (under " +
                             std::to_string(rules.hot_listing_max_days) + ")"});
  }
  if (lead.score >= rules.hot_threshold) {
    r.reasons.push_back({"score_threshold", 0,
                         "score " + std::to_string(lead.score) +
                             " >= " + std::to_string(rules.hot_threshold)});
  }
  if (!r.reasons.empty()) return decide(Segment::kHotBuyer);

  const std::vector<std::string> phrases =
      MatchingPhrases(Words(lead.message), rules.nurture_phrases);
  if (!phrases.empty()) {
    r.reasons.push_back(
        {"nurture_phrase", 0, "mentions " + JoinQuoted(phrases)});
  }
  const double ceiling =
      rules.area_median_price * rules.far_above_median_factor;
  const double amount =
      std::max(lead.budget.value_or(0), lead.property.price.value_or(0));
  if (amount > ceiling) {
    r.reasons.push_back({"far_above_median", 0,
                         "price " + std::to_string(std::llround(amount)) +
                             " is over " +
                             std::to_string(std::llround(ceiling)) +
                             " (area median x factor)"});
  }
  if (!r.reasons.empty()) return decide(Segment::kNurtureLongterm);

  r.reasons.push_back(
      {"default", 0, "valid contact, no hot or nurture signal"});
  return decide(Segment::kWarmBuyer);
}

}  // namespace leadrouter::pipeline
