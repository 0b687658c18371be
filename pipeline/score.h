// Scoring: weighted rules from Rules, each firing rule a Reason. Pure.
#pragma once

#include <vector>

#include "pipeline/lead.h"
#include "pipeline/rules.h"

namespace leadrouter::pipeline {

struct ScoreResult {
  int total = 0;
  std::vector<Reason> reasons;  // one per rule that fired, in rule order
};

// Rules (ids as in Reason::rule), each firing at most once:
//   "valid_phone"       the phone is a valid number;
//   "verified_address"  HasVerifiedAddress(property);
//   "budget_over_threshold"  budget or listing price above the threshold;
//   each KeywordRule by its name, on the message (FindPhrases: variants and
//                       typos count, negated or planned mentions do not);
//   "invalid_contact"   a phone or e-mail was given but is unusable;
//   "spam_signal"       any SpamSignals(), listed in the detail.
ScoreResult ScoreLead(const ProcessedLead& lead, const Rules& rules);

// An address counts as verified when the listing names an MLS id (the portal
// looked it up), or when the address has a street number followed by a
// street name and a 5-digit US ZIP appears in the address or the zip field.
bool HasVerifiedAddress(const Property& property);

}  // namespace leadrouter::pipeline
