#include "storage/job_stats.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

std::vector<KindStats> JobStatsByKind(SQLite::Database& db, TimePoint now) {
  // Done and cancelled jobs are history: only the live states are counted,
  // which the state index keeps cheap however long the history grows.
  CachedStatement query(db,
                        "SELECT kind,"
                        " SUM(state = 'pending' AND due_at <= ?1),"
                        " SUM(state = 'pending' AND due_at > ?1),"
                        " SUM(state = 'running'),"
                        " SUM(state = 'dead'),"
                        " MIN(CASE WHEN state = 'pending' AND due_at <= ?1 THEN due_at END)"
                        " FROM jobs WHERE state IN ('pending', 'running', 'dead')"
                        " GROUP BY kind ORDER BY kind");
  const int64_t now_ms = ToMillis(now);
  query.bind(1, now_ms);
  std::vector<KindStats> out;
  while (query.executeStep()) {
    KindStats s;
    s.kind = query.getColumn(0).getString();
    s.due = query.getColumn(1).getInt64();
    s.scheduled = query.getColumn(2).getInt64();
    s.running = query.getColumn(3).getInt64();
    s.dead = query.getColumn(4).getInt64();
    if (!query.isColumnNull(5)) {
      s.oldest_due_seconds =
          std::max<int64_t>(0, now_ms - query.getColumn(5).getInt64()) / 1000.0;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace leadrouter::storage
