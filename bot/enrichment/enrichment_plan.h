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
  int lookups = 0;    // lookups written (the answers a held lead waits for)
  size_t jobs = 0;    // jobs written
};

// Writes one route.enrich_lookup job per configured provider the lead can
// be looked up at (property: an address, ZIP or MLS id; person: a valid
// e-mail) and an `enrichment_requested` event. A lead that is neither hot
// nor low quality should wait (`hold`); the caller starts that wait with
// HoldRouting, together with any other answer it waits for. A hot lead
// never waits (what arrives later updates its card); low quality is never
// looked up.
EnrichmentPlan PlanEnrichment(storage::Database& db, int64_t lead_id,
                              const pipeline::ProcessedLead& lead,
                              SystemTime now, const Config& config);

// One wait for everything a new lead waits for (its lookups, the language
// model's reading): the wait for `answers` answers is recorded and one
// route.enrich_deadline job is due at `until`, so the lead routes when the
// last answer is in or at `until`, whichever comes first. Returns the jobs
// written. REQUIRES: answers > 0.
size_t HoldRouting(storage::Database& db, int64_t lead_id, int answers,
                   SystemTime until, SystemTime now, const Config& config);

}  // namespace leadrouter
