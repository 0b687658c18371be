#include "pipeline/intent.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "pipeline/message_reading.h"
#include "pipeline/signals.h"
#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

std::string Days(int days) {
  if (days <= 1) return days == 0 ? "today" : "tomorrow";
  if (days < 14) return "within " + std::to_string(days) + " days";
  if (days < 60) return "within about " + std::to_string((days + 6) / 7) + " weeks";
  return "about " + std::to_string((days + 15) / 30) + " months ahead";
}

std::string Mention(const TimeMention& m) {
  return "\"" + m.words + "\" (" + Days(m.days) + ")";
}

// SPAM's evidence, strongest first; empty when the lead is not spam.
std::vector<Reason> SpamEvidence(const ProcessedLead& lead,
                                 const MessageReading& m, const Rules& rules) {
  if (IsSpam(lead, rules)) return SpamSignals(lead, rules);
  if (!m.injection.empty() || !m.injection_marker.empty()) {
    const std::string words = !m.injection.empty()
                                  ? QuoteWords(m.injection)
                                  : "\"" + m.injection_marker + "\"";
    return {{"prompt_injection", 0,
             "tries to steer the classifier: " + words}};
  }
  if (!m.pitch.empty()) {
    return {{"pitch", 0,
             "offers something to the brokerage: " + QuoteWords(m.pitch)}};
  }
  if (m.junk_text) {
    return {{"junk_text", 0, "no words, only keyboard mash or a test"}};
  }
  // A form message that was nothing but markup ("<script>…") is a probe.
  const bool markup_only =
      m.text.tokens.size() < 2 &&
      std::find(lead.cleaning.begin(), lead.cleaning.end(),
                "message: stripped HTML tags") != lead.cleaning.end();
  if (markup_only) {
    return {{"junk_text", 0, "the message was only HTML markup"}};
  }
  return {};
}

// A listing priced below this is a monthly rent, not a sale price.
constexpr double kMaxMonthlyRent = 20000;

void DecideLeadType(const MessageReading& m, const ProcessedLead& lead,
                    IntentResult& r) {
  if (!m.seller.empty()) {
    r.lead_type = LeadType::kSeller;
    r.lead_type_reasons.push_back(
        {"seller_phrase", 0, "about selling their own place: " +
                                 QuoteWords(m.seller)});
    return;
  }
  const bool buyer_words =
      !m.buyer.empty() || !m.money.empty() || !m.investor.empty();
  if (!m.renter.empty() && !buyer_words) {
    r.lead_type = LeadType::kRenter;
    r.lead_type_reasons.push_back(
        {"renter_phrase", 0, "wants to rent: " + QuoteWords(m.renter)});
    return;
  }
  const std::optional<double>& price = lead.property.price;
  if (!buyer_words && m.renter.empty() && price && *price > 0 &&
      *price < kMaxMonthlyRent) {
    r.lead_type = LeadType::kRenter;
    r.lead_type_reasons.push_back(
        {"rent_price", 0,
         "listing price " + std::to_string(std::llround(*price)) +
             " reads as a monthly rent"});
    return;
  }
  r.lead_type = LeadType::kBuyer;
  std::vector<PhraseHit> evidence = m.buyer;
  for (const auto* more : {&m.money, &m.investor}) {
    evidence.insert(evidence.end(), more->begin(), more->end());
  }
  r.lead_type_reasons.push_back(
      evidence.empty()
          ? Reason{"default", 0, "no selling or renting words"}
          : Reason{"buyer_phrase", 0, "buying words: " + QuoteWords(evidence)});
}

}  // namespace

IntentResult RuleIntentClassifier::Classify(
    const ProcessedLead& lead,
    std::chrono::system_clock::time_point now) const {
  IntentResult r;
  const MessageReading m = ReadMessage(lead.message, now, rules_);
  DecideLeadType(m, lead, r);
  const auto decide = [&r](Intent intent) {
    r.intent = intent;
    return r;
  };

  std::vector<Reason> spam = SpamEvidence(lead, m, rules_);
  if (!spam.empty()) {
    r.reasons = std::move(spam);
    return decide(Intent::kSpam);
  }
  if (!m.support.empty() || m.stop_word_only) {
    r.reasons.push_back({"support_phrase", 0,
                         m.stop_word_only
                             ? std::string("asks to stop messages: \"") +
                                   Trim(lead.message) + "\""
                             : "mentions " + QuoteWords(m.support)});
    return decide(Intent::kSupportRequest);
  }

  // What says "now" and what says "later", each with its words.
  std::vector<Reason> now_evidence;
  if (m.timeline.near) {
    now_evidence.push_back(
        {"deadline", 0, "timeline " + Mention(*m.timeline.near)});
  }
  if (!m.deadline_extra.empty()) {
    now_evidence.push_back(
        {"urgent_phrase", 0, "mentions " + QuoteWords(m.deadline_extra)});
  }
  if (!m.money.empty()) {
    now_evidence.push_back(
        {"money_ready", 0, "money ready: " + QuoteWords(m.money)});
  }
  if (!m.ready.empty()) {
    now_evidence.push_back(
        {"ready_to_act", 0, "ready to act: " + QuoteWords(m.ready)});
  }
  std::vector<Reason> later_evidence;
  if (!m.hedges.empty()) {
    later_evidence.push_back(
        {"hedge", 0, "hedges: " + QuoteWords(m.hedges)});
  }
  if (m.timeline.far) {
    later_evidence.push_back(
        {"far_timeline", 0, "timeline " + Mention(*m.timeline.far)});
  }
  if (!m.soft_hedges.empty() && m.asks.empty()) {
    later_evidence.push_back(
        {"soft_hedge", 0,
         "says " + QuoteWords(m.soft_hedges) + " and asks for nothing"});
  }
  if (!m.money_denied.empty()) {
    r.reasons.push_back({"not_counted", 0,
                         "negated or only planned: " +
                             QuoteWords(m.money_denied)});
  }

  if (!now_evidence.empty() && !later_evidence.empty()) {
    r.reasons.push_back({"mixed_signals", 0,
                         now_evidence.front().detail + ", but " +
                             later_evidence.front().detail});
    return decide(Intent::kGeneralInquiry);
  }
  if (!now_evidence.empty()) {
    r.reasons.insert(r.reasons.begin(), now_evidence.begin(),
                     now_evidence.end());
    return decide(Intent::kUrgentBuyer);
  }
  if (!later_evidence.empty()) {
    r.reasons.insert(r.reasons.begin(), later_evidence.begin(),
                     later_evidence.end());
    return decide(Intent::kTireKicker);
  }
  if (m.timeline.mid) {
    r.reasons.insert(r.reasons.begin(),
                     {"mid_timeline", 0,
                      "timeline " + Mention(*m.timeline.mid) +
                          ": not a deadline, not a someday"});
  } else {
    r.reasons.insert(r.reasons.begin(),
                     {"default", 0, "no deadline, money, hedge, support or spam signal"});
  }
  return decide(Intent::kGeneralInquiry);
}

}  // namespace leadrouter::pipeline
