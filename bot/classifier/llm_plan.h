// PlanClassification: what taking a new lead in asks of the language
// model. A decision run inside the intake transaction (bot/intake/
// accept_lead): it never touches a socket or reads the clock.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bot/daemon/config.h"
#include "bot/runtime/system_time.h"
#include "pipeline/lead.h"

namespace leadrouter {
namespace storage {
class Database;
}

struct LlmPlan {
  bool ask = false;   // a route.llm_classify job was written
  bool hold = false;  // routing should wait for its answer (llm.deadline)
  size_t jobs = 0;
};

// With [llm] set, a lead the rules are unsure of (pipeline::WhyUnsure under
// llm.unsure_intents) is read by the model: a route.llm_classify job
// carries its cleaned text (pipeline::CleanTextForModel, cut at
// intake.max_text_length) and an `llm_requested` event says why. Where the
// rules are sure (spam, support, a clear buying signal), a hot or low
// quality lead, a honeypot or an empty message: nothing; the rules decide
// at intake as without [llm]. The caller starts the wait (HoldRouting).
LlmPlan PlanClassification(storage::Database& db, int64_t lead_id,
                           const pipeline::ProcessedLead& lead,
                           SystemTime now, const Config& config);

}  // namespace leadrouter
