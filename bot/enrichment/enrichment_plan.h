// PlanEnrichment: what taking a new lead in asks of enrichment. A decision
// run inside the intake transaction (bot/intake/accept_lead): it never
// touches a socket or reads the clock.
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

struct EnrichmentPlan {
  bool hold = false;  // routing waits for the lookups or the deadline
  size_t jobs = 0;    // jobs written
};

// Writes one route.enrich_lookup job per configured provider the lead can
// be looked up at (property: an address, ZIP or MLS id; person: a valid
// e-mail) and an `enrichment_requested` event. A lead that is neither hot
// nor low quality waits: its wait is recorded and a route.enrich_deadline
// job is due enrichment.deadline from `now`. A hot lead never waits (what
// arrives later updates its card); low quality is never looked up.
EnrichmentPlan PlanEnrichment(storage::Database& db, int64_t lead_id,
                              const pipeline::ProcessedLead& lead,
                              SystemTime now, const Config& config);

}  // namespace leadrouter
