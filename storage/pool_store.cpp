#include "storage/pool_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

pipeline::RotationState PoolStore::LoadState(const std::string& pool) {
  CachedStatement query(
      db_,
      "SELECT cursor, turn, last_slack_id, turns_used FROM "
      "pool_rotation_state WHERE pool = ?");
  query.bind(1, pool);
  pipeline::RotationState state;
  if (query.executeStep()) {
    state.cursor = query.getColumn(0).getInt();
    state.turn = query.getColumn(1).getInt64();
    if (!query.isColumnNull(2)) {
      state.last_agent = query.getColumn(2).getString();
    }
    state.turns_used = query.getColumn(3).getInt();
  }
  return state;
}

void PoolStore::SaveState(const std::string& pool,
                          const pipeline::RotationState& state, TimePoint now) {
  CachedStatement upsert(
      db_,
      "INSERT INTO pool_rotation_state (pool, cursor, turn, last_slack_id, "
      "turns_used, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (pool) DO UPDATE SET cursor = excluded.cursor, "
      "turn = excluded.turn, last_slack_id = excluded.last_slack_id, "
      "turns_used = excluded.turns_used, updated_at = excluded.updated_at");
  upsert.bind(1, pool);
  upsert.bind(2, state.cursor);
  upsert.bind(3, state.turn);
  if (!state.last_agent.empty()) upsert.bind(4, state.last_agent);
  upsert.bind(5, state.turns_used);
  upsert.bind(6, ToMillis(now));
  upsert.exec();
}

void PoolStore::SetRoute(int64_t lead_id, const LeadRoute& route) {
  CachedStatement upsert(
      db_,
      "INSERT INTO lead_routes (lead_id, route, pool, reason, tried_json, "
      "routed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (lead_id) DO UPDATE "
      "SET route = excluded.route, pool = excluded.pool, reason = "
      "excluded.reason, tried_json = excluded.tried_json, routed_at = "
      "excluded.routed_at");
  upsert.bind(1, lead_id);
  upsert.bind(2, route.route);
  upsert.bind(3, route.pool);
  upsert.bind(4, route.reason);
  upsert.bind(5, route.tried.dump());
  upsert.bind(6, ToMillis(route.routed_at));
  upsert.exec();
}

std::optional<LeadRoute> PoolStore::GetRoute(int64_t lead_id) {
  CachedStatement query(
      db_,
      "SELECT route, pool, reason, tried_json, routed_at FROM lead_routes "
      "WHERE lead_id = ?");
  query.bind(1, lead_id);
  if (!query.executeStep()) return std::nullopt;
  LeadRoute r;
  r.route = query.getColumn(0).getString();
  r.pool = query.getColumn(1).getString();
  r.reason = query.getColumn(2).getString();
  r.tried = nlohmann::json::parse(query.getColumn(3).getString(), nullptr,
                                  /*allow_exceptions=*/false);
  if (!r.tried.is_array()) r.tried = nlohmann::json::array();
  r.routed_at = FromMillis(query.getColumn(4).getInt64());
  return r;
}

std::map<std::string, int> PoolStore::MatchCounts(TimePoint since) {
  CachedStatement query(
      db_,
      "SELECT route, COUNT(*) FROM lead_routes WHERE routed_at >= ? GROUP BY "
      "route");
  query.bind(1, ToMillis(since));
  std::map<std::string, int> out;
  while (query.executeStep()) {
    out[query.getColumn(0).getString()] = query.getColumn(1).getInt();
  }
  return out;
}

}  // namespace leadrouter::storage
