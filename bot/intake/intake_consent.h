// The consent a lead's form stated, recorded at intake: one auditable
// consent row per flag it answered (marketing, sms, email), with the
// submission's source and time, and a `consent_recorded` timeline event.
// A repeat inquiry records its own answers on the lead it merged into; an
// opt-out stays in force whatever a later form says.
// Thread rule: storage writer thread only, inside the intake transaction.
#pragma once

#include <cstdint>

#include "bot/runtime/system_time.h"
#include "pipeline/lead.h"

namespace SQLite {
class Database;
}

namespace leadrouter {

// Records `lead.consent` for `lead_id` (the new lead, or the one a
// duplicate merged into) with `lead.source`. Returns false, writing
// nothing, when the form stated no flag. Throws SQLite::Exception.
bool RecordIntakeConsent(SQLite::Database& db, int64_t lead_id,
                         const pipeline::ProcessedLead& lead, SystemTime now);

}  // namespace leadrouter
