// Small builders for pipeline tests: a lead with just the facts a test needs.
#pragma once

#include <string>

#include "pipeline/date.h"
#include "pipeline/intent.h"
#include "pipeline/lead.h"
#include "pipeline/phone.h"
#include "pipeline/rules.h"
#include "pipeline/score.h"
#include "pipeline/segment.h"

namespace leadrouter::pipeline::testing {

// A reachable lead: valid e-mail, no phone, the given message.
inline ProcessedLead LeadSaying(const std::string& message) {
  ProcessedLead lead;
  lead.name = {"Dana O'Connell", "Dana", "O'Connell"};
  lead.email = "dana@example.com";
  lead.email_valid = true;
  lead.message = message;
  return lead;
}

inline ProcessedLead WithPhone(ProcessedLead lead, const std::string& raw) {
  lead.phone = NormalizePhone(raw, "US");
  return lead;
}

// Scores and classifies first, as the pipeline does, then segments.
inline SegmentResult Segmented(ProcessedLead lead, const Rules& rules = Rules{}) {
  const ScoreResult s = ScoreLead(lead, rules);
  lead.score = s.total;
  lead.score_reasons = s.reasons;
  const IntentResult i = RuleIntentClassifier(rules).Classify(
      lead, *ParseTimestamp("2026-01-12T16:00:00Z"));
  lead.intent = i.intent;
  lead.intent_reasons = i.reasons;
  return SegmentLead(lead, rules);
}

}  // namespace leadrouter::pipeline::testing
