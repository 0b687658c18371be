// Enrolment of a lead in its segment's follow-up sequence: one job per step
// (sequence.sms / .email / .webhook, bot/follow_up/sequence_jobs runs them), due its
// delay after enrolment, written in the caller's transaction together with
// the routing that starts it: the intake of a nurture lead, the claim or
// assignment of a hot or standard lead (whose messages speak for an owner).
// Once per lead: a reassignment, a returning lead or a redelivered click
// enrols nothing new.
// Thread rule: storage writer thread only, inside the caller's transaction
// (never opens one). Throws SQLite::Exception on a database failure.
#pragma once

#include <cstddef>
#include <string>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"

namespace leadrouter {
namespace storage {
class Database;
struct StoredLead;
}  // namespace storage

struct Enrollment {
  bool enrolled = false;
  size_t steps = 0;     // jobs written
  std::string why_not;  // when !enrolled: "already enrolled", "spam", …
};

// Enrols `lead` as of `now` unless it is spam, a honeypot hit, taken over
// in the CRM, already enrolled, or in a segment without a sequence. Records
// a `sequence_enrolled` timeline event {segment, steps}.
Enrollment EnrollInSequence(storage::Database& db, const storage::StoredLead& lead,
                            SystemTime now, const Config& config);

}  // namespace leadrouter
