// The transaction that brings the language model's reading (or the reason
// there is none) into a lead. A decision: runs on the storage writer inside
// one transaction, never touches a socket or reads the clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bot/daemon/config.h"
#include "bot/enrichment/apply_enrichment.h"  // EnrichmentRouting
#include "bot/runtime/system_time.h"
#include "pipeline/llm_exchange.h"

namespace leadrouter {
namespace storage {
class Database;
}

// What asking the model came to.
struct ModelOutcome {
  std::optional<pipeline::ModelReading> reading;  // checked; else `failure`
  std::string failure;
  int64_t latency_ms = 0;
  bool cached = false;
};

// A lead still waiting: a reading is written into it
// (pipeline::WithModelReading: the route, post and DM say "the model
// read: …") and `llm_classified` recorded; a failure records `llm_failed`
// and leaves the rules' decision. Either way it is one answer in: the lead
// routes once nothing else is pending (a reading that makes it hot waits
// for nothing more). A model's SPAM routes to triage, never nowhere.
// Routed already (the answer came late): the reading is recorded, and
// only a promotion to hot of a lead nobody owns or took over changes it,
// sending it to the shark tank.
EnrichmentRouting ApplyModelOutcome(storage::Database& db, int64_t lead_id,
                                    const ModelOutcome& outcome,
                                    SystemTime now, const Config& config);

}  // namespace leadrouter
