// Timer jobs that belong to a key (an alert group's quiet check carries
// {"key": …} in its payload): cancelling the ones a later decision made
// pointless, so they neither pile up across restarts nor inflate the queue.
// Thread rule: storage writer thread only, inside the caller's transaction.
// Throws SQLite::Exception on a database failure.
#pragma once

#include <string>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

// Cancels every pending job of `kind` whose payload "key" is `key`;
// `reason` becomes their last_error. Running jobs are left to finish.
// Returns how many were cancelled.
int CancelPendingKeyedJobs(SQLite::Database& db, const std::string& kind,
                           const std::string& key, const std::string& reason,
                           TimePoint now);

}  // namespace leadrouter::storage
