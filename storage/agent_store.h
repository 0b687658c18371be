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
class Statement;
}

namespace leadrouter::storage {

struct AgentSeed {
  std::string slack_id;
  std::string name;
  int weight = 1;
  int daily_cap = 0;  // 0: no cap
  std::string timezone;
  std::string email;  // as the CRM knows the agent; "" when unknown
  // Working hours in minutes after local midnight; nullopt: always.
  std::optional<int> work_start_minute;
  std::optional<int> work_end_minute;
  int work_days = 0x7F;  // bit d: weekday d (0 = Sunday) is a working day
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
  int work_days = 0x7F;  // bit d: weekday d (0 = Sunday) is a working day
};

// What Add did.
enum class AgentAdd { kAdded, kReactivated, kAlreadyActive };

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

  // Every agent, in rotation order (inactive ones included).
  std::vector<Agent> List();

  std::optional<Agent> Get(const std::string& slack_id);

  // The agents paused until a time that is not after `now`, in rotation
  // order: asked before every assignment, so it reads only those rows.
  std::vector<std::string> PausesEndedBy(TimePoint now);

  // The manager operations. None of them touches the daily counts.
  // Add puts the agent at the end of the order: a new row named `name` (the
  // id when empty), or a removed agent made active again (their name kept
  // when `name` is empty); an active agent is left alone.
  AgentAdd Add(const std::string& slack_id, const std::string& name,
               TimePoint now);
  // The setters return false when no agent has that id.
  // Deactivates: the row and its history stay.
  bool Deactivate(const std::string& slack_id);
  // Paused until `until`, or until resumed when nullopt.
  bool Pause(const std::string& slack_id, std::optional<TimePoint> until);
  // Clears the pause; the place in the order is the caller's business.
  bool Unpause(const std::string& slack_id);
  // REQUIRES: weight >= 0, daily_cap >= 0 (else SQLite::Exception).
  bool SetWeight(const std::string& slack_id, int weight);
  bool SetDailyCap(const std::string& slack_id, int daily_cap);
  // Moves the agent in front of the `index`-th (0-based) of the other
  // active agents; an index past them all means the very end. Everyone
  // else keeps their relative order. Positions are renumbered 0..n-1.
  bool MoveTo(const std::string& slack_id, size_t index);
  // Moves the agent to just before `before`; false (nothing moved) when
  // either is unknown or they are the same agent.
  bool MoveBefore(const std::string& slack_id, const std::string& before);

 private:
  std::vector<Agent> Read(SQLite::Statement& query);
  void Renumber(const std::vector<std::string>& order);

  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
