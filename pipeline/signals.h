// Spam signals: the evidence score, segment, intent and route share when they
// decide that a lead is bot traffic or a sales pitch. Pure.
#pragma once

#include <vector>

#include "pipeline/lead.h"
#include "pipeline/rules.h"

namespace leadrouter::pipeline {

// One Reason per distinct signal (points 0), in this order:
//   "honeypot"    a hidden form field was filled;
//   "links"       the message has Rules::spam_min_links or more links;
//   "spam_phrase" the message pitches SEO, backlinks, … (Rules::spam_phrases);
//   "junk_phone"  a phone was given but has fewer than 7 digits.
std::vector<Reason> SpamSignals(const ProcessedLead& lead, const Rules& rules);

// A lead is spam when its honeypot was filled or it shows at least
// Rules::spam_min_signals distinct signals.
bool IsSpam(const ProcessedLead& lead, const Rules& rules);

// Counts http://, https:// and www. occurrences.
int CountLinks(const std::string& text);

}  // namespace leadrouter::pipeline
