#include "pipeline/intent.h"

#include <string>

#include "pipeline/signals.h"
#include "pipeline/text.h"

namespace leadrouter::pipeline {

IntentResult RuleIntentClassifier::Classify(const ProcessedLead& lead) const {
  IntentResult r;
  if (IsSpam(lead, rules_)) {
    r.intent = Intent::kSpam;
    r.reasons = SpamSignals(lead, rules_);
    return r;
  }
  const std::vector<std::string> words = Words(lead.message);
  const auto check = [&](const std::vector<std::string>& phrases,
                         const char* rule, Intent intent) {
    const std::vector<std::string> hits = MatchingPhrases(words, phrases);
    if (hits.empty()) return false;
    r.intent = intent;
    r.reasons.push_back({rule, 0, "mentions " + JoinQuoted(hits)});
    return true;
  };
  if (check(rules_.support_phrases, "support_phrase",
            Intent::kSupportRequest) ||
      check(rules_.urgent_phrases, "urgent_phrase", Intent::kUrgentBuyer) ||
      check(rules_.tire_kicker_phrases, "tire_kicker_phrase",
            Intent::kTireKicker)) {
    return r;
  }
  r.intent = Intent::kGeneralInquiry;
  r.reasons.push_back({"default", 0, "no urgent, support or spam signal"});
  return r;
}

}  // namespace leadrouter::pipeline
