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
//   LOW_QUALITY       honeypot or IsSpam, or neither a valid phone nor a
//                     valid e-mail;
//   HOT_BUYER         the "buying_signal" keyword rule fired (pre-approved,
//                     cash, investor) on a listing under
//                     Rules::hot_listing_max_days on the market, or the score
//                     is at least Rules::hot_threshold;
//   NURTURE_LONGTERM  a Rules::nurture_phrases phrase, or a price/budget above
//                     area_median_price * far_above_median_factor;
//   WARM_BUYER        otherwise.
// REQUIRES: lead.score and lead.score_reasons are filled in.
SegmentResult SegmentLead(const ProcessedLead& lead, const Rules& rules);

}  // namespace leadrouter::pipeline
