// Segmenting: which sales treatment a lead gets. Pure.
#pragma once

#include <vector>

#include "pipeline/lead.h"
#include "pipeline/rules.h"

namespace leadrouter::pipeline {

struct SegmentResult {
  Segment segment = Segment::kWarmBuyer;
  std::vector<Reason> reasons;  // points 0; why this segment
};

// Decides, first match wins:
//   LOW_QUALITY       honeypot, IsSpam or intent SPAM, or neither a valid
//                     phone nor a valid e-mail;
//   WARM_BUYER        a support request (its route ignores the segment);
//   NURTURE_LONGTERM  intent TIRE_KICKER (a hedge or a far horizon);
//   HOT_BUYER         intent URGENT_BUYER with a deadline within about two
//                     months, or with money ready on a listing under
//                     Rules::hot_listing_max_days on the market, or with a
//                     score of at least Rules::hot_threshold;
//   NURTURE_LONGTERM  not urgent, and a Rules::nurture_phrases phrase or a
//                     price/budget above the market median (the lead's ZIP
//                     median, else area_median_price) * far_above_median_factor,
//                     the reason naming the figure ("$1,900,000 is 4.2× the
//                     02139 median of $452,000");
//   WARM_BUYER        within near_median_band of that median (said so), or
//                     otherwise.
// REQUIRES: lead.score, lead.score_reasons, lead.intent and
// lead.intent_reasons are filled in (score and intent come first).
SegmentResult SegmentLead(const ProcessedLead& lead, const Rules& rules);

}  // namespace leadrouter::pipeline
