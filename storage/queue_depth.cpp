#include "storage/queue_depth.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

QueueDepth CountQueue(SQLite::Database& db, TimePoint now) {
  // Each count walks the (state, due_at) index, never the done rows.
  CachedStatement query(
      db,
      "SELECT (SELECT COUNT(*) FROM jobs WHERE state = 'pending' AND due_at <= ?1),"
      "       (SELECT COUNT(*) FROM jobs WHERE state = 'pending' AND due_at > ?1),"
      "       (SELECT COUNT(*) FROM jobs WHERE state = 'running'),"
      "       (SELECT COUNT(*) FROM jobs WHERE state = 'dead')");
  query.bind(1, ToMillis(now));
  query.executeStep();
  QueueDepth out;
  out.due = query.getColumn(0).getInt64();
  out.scheduled = query.getColumn(1).getInt64();
  out.running = query.getColumn(2).getInt64();
  out.dead = query.getColumn(3).getInt64();
  return out;
}

}  // namespace leadrouter::storage
