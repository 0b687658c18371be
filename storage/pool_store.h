// PoolStore: what [[pools]] routing remembers. Each round-robin pool's own
// place in its turn order (the single rotation of a config without pools
// stays in RotationStore), and the route and pool each lead was sent to.
// Daily counts are not here: they stay per agent (RotationStore), so a cap
// counts across every pool.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself. Every method
// throws SQLite::Exception on a database failure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/rotation.h"
#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

// Where a lead was routed when it arrived.
struct LeadRoute {
  std::string route;
  std::string pool;
  std::string reason;  // "route luxury-back-bay: … → pool luxury"
  nlohmann::json tried = nlohmann::json::array();  // [{route, matched, why}]
  TimePoint routed_at;
};

class PoolStore {
 public:
  // `db` must outlive this object.
  explicit PoolStore(SQLite::Database& db) : db_(db) {}

  // The pool's stored rotation state; the initial one before its first turn.
  pipeline::RotationState LoadState(const std::string& pool);
  void SaveState(const std::string& pool, const pipeline::RotationState& state,
                 TimePoint now);

  // Records (or replaces) where lead `lead_id` was routed.
  void SetRoute(int64_t lead_id, const LeadRoute& route);
  std::optional<LeadRoute> GetRoute(int64_t lead_id);

  // How many leads each route took at or after `since`.
  std::map<std::string, int> MatchCounts(TimePoint since);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
