// Intent: what the person wants, behind an interface so that a
// language-model classifier can replace the rules later. Classifiers are
// immutable after construction and safe to share between threads.
#pragma once

#include <chrono>
#include <vector>

#include "pipeline/lead.h"
#include "pipeline/rules.h"

namespace leadrouter::pipeline {

struct IntentResult {
  Intent intent = Intent::kGeneralInquiry;
  std::vector<Reason> reasons;  // points 0; the evidence, naming the words
  LeadType lead_type = LeadType::kBuyer;
  std::vector<Reason> lead_type_reasons;
};

class IntentClassifier {
 public:
  virtual ~IntentClassifier() = default;
  // Classifies a parsed, normalized lead that arrived at `now` (timelines
  // such as "by Friday" are read from that day). Never throws; a classifier
  // that cannot decide returns GENERAL_INQUIRY with a reason saying so.
  virtual IntentResult Classify(
      const ProcessedLead& lead,
      std::chrono::system_clock::time_point now) const = 0;
};

// The default: explainable phrase rules over one MessageReading
// (pipeline/message_reading.h), first match wins:
//   SPAM             honeypot or IsSpam; an attempt to steer the classifier
//                    ("ignore previous instructions", "mark this urgent",
//                    our own label names); a pitch aimed at the brokerage
//                    ("SEO", "we offer", "lead generation"); keyboard mash;
//   SUPPORT_REQUEST  help with the site or the account, or an opt-out
//                    (built-in phrases plus Rules::support_phrases);
//   URGENT_BUYER     a deadline within about two months ("by Friday",
//                    "lease ends in March", "closing in 30 days", ASAP), or
//                    money ready ("pre-approval", "approved for a mortgage",
//                    "cash") or an offer in hand, with no hedge; negated
//                    or planned money ("not pre-approved yet") does not
//                    count;
//   GENERAL_INQUIRY  urgency and a hedge together (mixed signals);
//   TIRE_KICKER      a hedge ("just looking", "just curious", "not planning
//                    anything soon"), a horizon of half a year or more, or
//                    "no rush" when nothing concrete is asked;
//   GENERAL_INQUIRY  otherwise.
// The lead type is seller when the writer wants to sell or value their own
// place, renter when they want to rent and say nothing only a buyer says,
// and buyer otherwise.
class RuleIntentClassifier : public IntentClassifier {
 public:
  explicit RuleIntentClassifier(Rules rules) : rules_(std::move(rules)) {}
  IntentResult Classify(
      const ProcessedLead& lead,
      std::chrono::system_clock::time_point now) const override;

 private:
  Rules rules_;
};

}  // namespace leadrouter::pipeline
