// RotationStore: where the round-robin stands (one row) and how many leads
// each agent got per day. The day is the team's local date, 'YYYY-MM-DD',
// computed by the caller, so caps reset at the team's midnight.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself. Every method
// throws SQLite::Exception on a database failure.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "pipeline/rotation.h"
#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

class RotationStore {
 public:
  // `db` must outlive this object.
  explicit RotationStore(SQLite::Database& db) : db_(db) {}

  // The stored state; the initial one (no turn yet) on a fresh database.
  pipeline::RotationState Load();
  void Save(const pipeline::RotationState& state, TimePoint now);

  // Adds `n` to the agent's count for `day`. The agent must exist (foreign
  // key, else throws).
  void AddToCount(const std::string& slack_id, const std::string& day,
                  int n = 1);
  // Leads counted for the agent on `day`; 0 when none.
  int CountOn(const std::string& slack_id, const std::string& day);
  // Every agent with a count on `day`.
  std::map<std::string, int> CountsOn(const std::string& day);
  // Every agent's count over all days (the running counter).
  std::map<std::string, int64_t> Totals();

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
