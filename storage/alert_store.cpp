#include "storage/alert_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

std::optional<AlertGroup> AlertStore::Get(const std::string& key) {
  CachedStatement query(
      db_,
      "SELECT open, opened_at, last_event_at, count, alerted, first, "
      "alert_job_id, closed_at FROM alert_groups WHERE key = ?");
  query.bind(1, key);
  if (!query.executeStep()) return std::nullopt;
  AlertGroup g;
  g.key = key;
  g.state.open = query.getColumn(0).getInt() != 0;
  g.state.opened_at = FromMillis(query.getColumn(1).getInt64());
  g.state.last_event_at = FromMillis(query.getColumn(2).getInt64());
  g.state.count = query.getColumn(3).getInt64();
  g.state.alerted = query.getColumn(4).getInt() != 0;
  g.state.first = query.getColumn(5).getString();
  if (!query.isColumnNull(6)) g.alert_job_id = query.getColumn(6).getInt64();
  if (!query.isColumnNull(7)) g.closed_at = FromMillis(query.getColumn(7).getInt64());
  return g;
}

void AlertStore::Put(const AlertGroup& group, TimePoint now) {
  CachedStatement upsert(
      db_,
      "INSERT INTO alert_groups (key, open, opened_at, last_event_at, count, "
      "alerted, first, alert_job_id, closed_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (key) DO UPDATE SET open = excluded.open, "
      "opened_at = excluded.opened_at, last_event_at = excluded.last_event_at, "
      "count = excluded.count, alerted = excluded.alerted, "
      "first = excluded.first, alert_job_id = excluded.alert_job_id, "
      "closed_at = excluded.closed_at, updated_at = excluded.updated_at");
  const pipeline::AlertGroupState& s = group.state;
  upsert.bind(1, group.key);
  upsert.bind(2, s.open ? 1 : 0);
  upsert.bind(3, ToMillis(s.opened_at));
  upsert.bind(4, ToMillis(s.last_event_at));
  upsert.bind(5, s.count);
  upsert.bind(6, s.alerted ? 1 : 0);
  upsert.bind(7, s.first);
  if (group.alert_job_id) {
    upsert.bind(8, *group.alert_job_id);
  } else {
    upsert.bind(8);
  }
  if (!s.open && group.closed_at) {
    upsert.bind(9, ToMillis(*group.closed_at));
  } else {
    upsert.bind(9);
  }
  upsert.bind(10, ToMillis(now));
  upsert.exec();
}

std::vector<std::string> AlertStore::OpenKeys() {
  CachedStatement query(
      db_, "SELECT key FROM alert_groups WHERE open = 1 ORDER BY key");
  std::vector<std::string> keys;
  while (query.executeStep()) keys.push_back(query.getColumn(0).getString());
  return keys;
}

bool AlertStore::HasPendingJob(const std::string& kind) {
  CachedStatement query(
      db_, "SELECT 1 FROM jobs WHERE state = 'pending' AND kind = ? LIMIT 1");
  query.bind(1, kind);
  return query.executeStep();
}

}  // namespace leadrouter::storage
