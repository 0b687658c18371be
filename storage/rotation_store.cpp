#include "storage/rotation_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

pipeline::RotationState RotationStore::Load() {
  CachedStatement query(
      db_,
      "SELECT cursor, turn, last_slack_id, turns_used FROM rotation_state "
      "WHERE id = 1");
  pipeline::RotationState state;
  // The row is written by the first migration; a missing row reads as the
  // initial state rather than an error.
  if (query.executeStep()) {
    state.cursor = query.getColumn(0).getInt();
    state.turn = query.getColumn(1).getInt64();
    if (!query.isColumnNull(2))
      state.last_agent = query.getColumn(2).getString();
    state.turns_used = query.getColumn(3).getInt();
  }
  return state;
}

void RotationStore::Save(const pipeline::RotationState& state, TimePoint now) {
  CachedStatement upsert(
      db_,
      "INSERT INTO rotation_state (id, cursor, turn, last_slack_id, "
      "turns_used, updated_at) VALUES (1, ?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor, "
      "turn = excluded.turn, last_slack_id = excluded.last_slack_id, "
      "turns_used = excluded.turns_used, updated_at = excluded.updated_at");
  upsert.bind(1, state.cursor);
  upsert.bind(2, state.turn);
  if (!state.last_agent.empty()) upsert.bind(3, state.last_agent);
  upsert.bind(4, state.turns_used);
  upsert.bind(5, ToMillis(now));
  upsert.exec();
}

void RotationStore::AddToCount(const std::string& slack_id,
                               const std::string& day, int n) {
  CachedStatement upsert(
      db_,
      "INSERT INTO agent_daily_counts (slack_id, day, count) VALUES (?, ?, ?) "
      "ON CONFLICT (slack_id, day) DO UPDATE SET count = count + "
      "excluded.count");
  upsert.bind(1, slack_id);
  upsert.bind(2, day);
  upsert.bind(3, n);
  upsert.exec();
}

int RotationStore::CountOn(const std::string& slack_id,
                           const std::string& day) {
  CachedStatement query(
      db_,
      "SELECT count FROM agent_daily_counts WHERE slack_id = ? AND day = ?");
  query.bind(1, slack_id);
  query.bind(2, day);
  return query.executeStep() ? query.getColumn(0).getInt() : 0;
}

std::map<std::string, int> RotationStore::CountsOn(const std::string& day) {
  CachedStatement query(
      db_, "SELECT slack_id, count FROM agent_daily_counts WHERE day = ?");
  query.bind(1, day);
  std::map<std::string, int> counts;
  while (query.executeStep()) {
    counts[query.getColumn(0).getString()] = query.getColumn(1).getInt();
  }
  return counts;
}

std::map<std::string, int64_t> RotationStore::Totals() {
  CachedStatement query(
      db_,
      "SELECT slack_id, SUM(count) FROM agent_daily_counts GROUP BY slack_id");
  std::map<std::string, int64_t> totals;
  while (query.executeStep()) {
    totals[query.getColumn(0).getString()] = query.getColumn(1).getInt64();
  }
  return totals;
}

}  // namespace leadrouter::storage
