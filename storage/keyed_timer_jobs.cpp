#include "storage/keyed_timer_jobs.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

int CancelPendingKeyedJobs(SQLite::Database& db, const std::string& kind,
                           const std::string& key, const std::string& reason,
                           TimePoint now) {
  CachedStatement update(
      db,
      "UPDATE jobs SET state = 'cancelled', last_error = ?, finished_at = ? "
      "WHERE state = 'pending' AND kind = ? "
      "AND json_extract(payload, '$.key') = ?");
  update.bind(1, reason);
  update.bind(2, ToMillis(now));
  update.bind(3, kind);
  update.bind(4, key);
  return update.exec();
}

}  // namespace leadrouter::storage
