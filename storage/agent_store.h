// AgentStore: the agents in the rotation. The config seeds them on first
// start; afterwards the rotation commands own the table.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself. Every method
// throws SQLite::Exception on a database failure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct AgentSeed {
  std::string slack_id;
  std::string name;
  int weight = 1;
  int daily_cap = 0;  // 0: no cap
  std::string timezone;
  std::string email;  // as the CRM knows the agent; "" when unknown
};

struct Agent {
  std::string slack_id;
  std::string name;
  int position = 0;  // order in the rotation
  int weight = 1;
  int daily_cap = 0;  // 0: no cap
  bool paused = false;
  std::optional<TimePoint> paused_until;
  std::string timezone;
  // Working hours in minutes after local midnight; nullopt: always.
  std::optional<int> work_start_minute;
  std::optional<int> work_end_minute;
  bool active = true;
  TimePoint created_at;
  std::string email;
};

class AgentStore {
 public:
  // `db` must outlive this object.
  explicit AgentStore(SQLite::Database& db) : db_(db) {}

  // The slack_id of the agent a CRM names as a contact's owner: by
  // `slack_id` first, then by `email` (compared case-insensitively);
  // inactive agents count, since the CRM, not the rotation, says who owns
  // the contact. nullopt when neither names an agent; empty arguments never
  // match.
  std::optional<std::string> MatchCrmOwner(const std::string& email,
                                           const std::string& slack_id);

  // Inserts `agents`, in rotation order, only if the table has no agent at
  // all; returns whether it did. A repeated slack_id or a negative weight
  // or cap throws SQLite::Exception (the caller's transaction rolls back).
  bool SeedIfEmpty(const std::vector<AgentSeed>& agents, TimePoint now);

  // Every agent, in rotation order.
  std::vector<Agent> List();

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
