#include "pipeline/segment.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "pipeline/market.h"
#include "pipeline/phrase.h"
#include "pipeline/signals.h"
#include "pipeline/template.h"

namespace leadrouter::pipeline {
namespace {

const Reason* FindReason(const std::vector<Reason>& reasons,
                         std::initializer_list<const char*> rules) {
  for (const char* rule : rules) {
    const auto it =
        std::find_if(reasons.begin(), reasons.end(),
                     [&](const Reason& r) { return r.rule == rule; });
    if (it != reasons.end()) return &*it;
  }
  return nullptr;
}

std::string FirstDetail(const std::vector<Reason>& reasons) {
  return reasons.empty() ? std::string() : reasons.front().detail;
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
  } else if (lead.intent == Intent::kSpam) {
    r.reasons.push_back({"spam", 0, FirstDetail(lead.intent_reasons)});
  }
  if (!lead.phone.valid && !lead.email_valid) {
    r.reasons.push_back(
        {"invalid_contact", 0, "neither a valid phone nor a valid e-mail"});
  }
  if (!r.reasons.empty()) return decide(Segment::kLowQuality);

  if (lead.intent == Intent::kSupportRequest) {
    r.reasons.push_back(
        {"support_request", 0, "not a sales lead: routed to support"});
    return decide(Segment::kWarmBuyer);
  }
  if (lead.intent == Intent::kTireKicker) {
    r.reasons.push_back(
        {"tire_kicker", 0, FirstDetail(lead.intent_reasons)});
    return decide(Segment::kNurtureLongterm);
  }

  if (lead.intent == Intent::kUrgentBuyer) {
    const std::vector<Reason>& why = lead.intent_reasons;
    if (const Reason* deadline = FindReason(why, {"deadline", "urgent_phrase"})) {
      r.reasons.push_back({"deadline", 0, deadline->detail});
    }
    const Reason* money = FindReason(why, {"money_ready", "ready_to_act"});
    const std::optional<int>& dom = lead.property.days_on_market;
    if (money != nullptr && dom && *dom < rules.hot_listing_max_days) {
      r.reasons.push_back({"buying_signal", 0, money->detail});
      r.reasons.push_back({"fresh_listing", 0,
                           "listing " + std::to_string(*dom) +
                               " days on market (under " +
                               std::to_string(rules.hot_listing_max_days) +
                               ")"});
    }
    if (lead.score >= rules.hot_threshold) {
      r.reasons.push_back({"score_threshold", 0,
                           "score " + std::to_string(lead.score) + " >= " +
                               std::to_string(rules.hot_threshold)});
    }
    if (!r.reasons.empty()) return decide(Segment::kHotBuyer);
    r.reasons.push_back({"default", 0,
                         "urgent, but no deadline, fresh listing or score " +
                             std::to_string(rules.hot_threshold)});
    return decide(Segment::kWarmBuyer);
  }

  const std::vector<PhraseHit> phrases =
      FindPhrases(Tokenize(lead.message), rules.nurture_phrases);
  if (!phrases.empty()) {
    r.reasons.push_back(
        {"nurture_phrase", 0, "mentions " + QuoteWords(phrases)});
  }
  const MarketMedian median = MedianFor(lead, rules);
  const std::optional<double> amount = AmountOf(lead);
  if (amount && *amount > median.value * rules.far_above_median_factor) {
    r.reasons.push_back(
        {"far_above_median", 0, TimesMedian(*amount, median)});
  }
  if (!r.reasons.empty()) return decide(Segment::kNurtureLongterm);

  if (amount && median.value > 0 &&
      std::fabs(*amount / median.value - 1.0) <= rules.near_median_band) {
    r.reasons.push_back(
        {"near_median", 0,
         FormatDollars(*amount) + " is within " +
             std::to_string(std::llround(rules.near_median_band * 100)) +
             " % of " + DescribeMedian(median) + " (" +
             AgainstMedian(*amount, median) + ")"});
    return decide(Segment::kWarmBuyer);
  }
  r.reasons.push_back(
      {"default", 0, "valid contact, no hot or nurture signal"});
  return decide(Segment::kWarmBuyer);
}

}  // namespace leadrouter::pipeline
