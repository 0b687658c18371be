// The storage side of keeping not-a-lead mail only as long as
// inbound_email.keep_not_leads says (bot/email/email_retention.h).
// Thread rule: storage writer thread only, inside the caller's
// transaction. No clock reads: `now` is passed in.
#pragma once

#include "bot/daemon/config.h"
#include "bot/runtime/system_time.h"

namespace leadrouter {
namespace storage {
class Database;
}

// Empties the raw body of every not-a-lead message received at or before
// now - keep_not_leads, then writes the next kJobEmailRetention for when
// the oldest body left runs out (none when none is left, or when one is
// pending). Returns how many bodies were emptied. Throws SQLite::Exception.
int RunEmailRetention(storage::Database& db, SystemTime now, const Config& config);

// At start, when not-a-lead bodies are kept: a run due now, so that a
// keep_not_leads shortened since the last start applies at once.
void ScheduleEmailRetentionNow(storage::Database& db, SystemTime now, const Config& config);

// A message was just found not to be a lead: writes a kJobEmailRetention
// due when its body runs out, unless one is pending or keep_not_leads is
// zero. Throws SQLite::Exception.
void NoteNotALeadKept(storage::Database& db, SystemTime now, const Config& config);

}  // namespace leadrouter
