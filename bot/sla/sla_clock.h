// The first-contact SLA clock of a lead, as job rows: starting it for a new
// owner writes the sla.remind / sla.escalate timers (due in the future) and
// cancels the previous owner's; stopping it cancels them. The executors in
// bot/sla/sla_jobs check the lead again when a timer fires.
// Thread rule: storage writer thread only, inside the caller's transaction
// (never opens one). Throws SQLite::Exception on a database failure; the
// caller rolls back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"

namespace leadrouter {
namespace storage {
class Database;
struct StoredLead;
}  // namespace storage

// The kind prefix every SLA timer shares, for JobStore::CancelByLeadAndKinds.
inline const std::vector<std::string> kSlaJobKinds = {"sla."};

// `agent` now owns `lead` (as of `now`, the lead's claimed_at): cancels the
// lead's pending SLA timers and writes new ones for `agent` per the lead's
// segment (config.sla), each with payload {agent, since_ms}. Writes no new
// timer for a lead already contacted or taken over in the CRM, or whose
// segment has no SLA. Returns how many timers it wrote.
int StartSlaClock(storage::Database& db, const storage::StoredLead& lead,
                  const std::string& agent, SystemTime now,
                  const Config& config);

// Cancels the lead's pending SLA timers (first contact was recorded);
// `reason` becomes their last_error. Returns how many.
int StopSlaClock(storage::Database& db, int64_t lead_id,
                 const std::string& reason, SystemTime now);

}  // namespace leadrouter
