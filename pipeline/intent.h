// Intent: what the person wants, behind an interface so that a
// language-model classifier can replace the rules later. Classifiers are
// immutable after construction and safe to share between threads.
#pragma once

#include <vector>

#include "pipeline/lead.h"
#include "pipeline/rules.h"

namespace leadrouter::pipeline {

struct IntentResult {
  Intent intent = Intent::kGeneralInquiry;
  std::vector<Reason> reasons;  // points 0; the evidence
};

class IntentClassifier {
 public:
  virtual ~IntentClassifier() = default;
  // Classifies a parsed, normalized lead. Never throws; a classifier that
  // cannot decide returns GENERAL_INQUIRY with a reason saying so.
  virtual IntentResult Classify(const ProcessedLead& lead) const = 0;
};

// The default: explainable phrase rules, first match wins.
//   SPAM             honeypot, or IsSpam (links, pitch phrases, junk phone);
//   SUPPORT_REQUEST  Rules::support_phrases (password, log in, my account…);
//   URGENT_BUYER     Rules::urgent_phrases (deadlines like "by Friday",
//                    "closing in 30 days", ASAP, pre-approval, cash,
//                    investor);
//   TIRE_KICKER      Rules::tire_kicker_phrases (just looking, next year…);
//   GENERAL_INQUIRY  otherwise.
class RuleIntentClassifier : public IntentClassifier {
 public:
  explicit RuleIntentClassifier(Rules rules) : rules_(std::move(rules)) {}
  IntentResult Classify(const ProcessedLead& lead) const override;

 private:
  Rules rules_;
};

}  // namespace leadrouter::pipeline
