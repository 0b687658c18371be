// The claim timeout of a shark-tank lead: nobody claimed it in time, so it
// falls back to the rotation (or to triage when nobody there can take it),
// and its post and thread say so.
// Thread rule: storage writer thread only, inside the caller's transaction
// (never opens one); `now` is passed in. Throws SQLite::Exception on a
// database failure; the caller rolls back.
#pragma once

#include <cstdint>
#include <string>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"

namespace leadrouter {
namespace storage {
class Database;
}

// Runs the timeout of lead `lead_id` at `now`. A lead that was claimed in
// time, was taken over in the CRM, or is gone is left alone (false).
// Otherwise (true) the rotation assigns it (bot/routing/round_robin, why "claim
// timeout: nobody claimed it within 5m"); a `claim_timeout` timeline event
// {waited, agent|null, reason}, a kJobUpdateLeadPost {status_line} and a
// kJobThreadNote {text} follow.
// With [[pools]], `pool` is the first-to-claim pool whose post went
// unclaimed (its claim_timeout): the lead goes down that pool's fallback
// chain instead (bot/routing/pool_assign), ending in triage.
bool RunClaimTimeout(storage::Database& db, int64_t lead_id, SystemTime now,
                     const Config& config, const std::string& pool = "");

}  // namespace leadrouter
