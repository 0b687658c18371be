#include "storage/agent_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <utility>

namespace leadrouter::storage {

std::optional<std::string> AgentStore::MatchCrmOwner(
    const std::string& email, const std::string& slack_id) {
  if (!slack_id.empty()) {
    SQLite::Statement query(db_,
                            "SELECT slack_id FROM agents WHERE slack_id = ?");
    query.bind(1, slack_id);
    if (query.executeStep()) return query.getColumn(0).getString();
  }
  if (!email.empty()) {
    // Agents' e-mails come from the config as typed; the CRM's from the
    // pipeline, lower-cased. The table is small, so no index is needed.
    SQLite::Statement query(
        db_,
        "SELECT slack_id FROM agents WHERE email <> '' AND lower(email) = "
        "lower(?) ORDER BY active DESC, position LIMIT 1");
    query.bind(1, email);
    if (query.executeStep()) return query.getColumn(0).getString();
  }
  return std::nullopt;
}

bool AgentStore::SeedIfEmpty(const std::vector<AgentSeed>& agents,
                             TimePoint now) {
  // Once seeded, /rotation owns the table; agents are deactivated rather
  // than deleted, so a config edit never overrides a manager's changes.
  if (db_.execAndGet("SELECT COUNT(*) FROM agents").getInt64() > 0) {
    return false;
  }
  SQLite::Statement insert(
      db_,
      "INSERT INTO agents (slack_id, name, position, weight, daily_cap, "
      "timezone, created_at, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  int position = 0;
  for (const AgentSeed& a : agents) {
    insert.reset();
    insert.bind(1, a.slack_id);
    insert.bind(2, a.name);
    insert.bind(3, position++);
    insert.bind(4, a.weight);
    insert.bind(5, a.daily_cap);
    insert.bind(6, a.timezone);
    insert.bind(7, ToMillis(now));
    insert.bind(8, a.email);
    insert.exec();
  }
  return !agents.empty();
}

std::vector<Agent> AgentStore::List() {
  SQLite::Statement query(
      db_,
      "SELECT slack_id, name, position, weight, daily_cap, paused, "
      "paused_until, timezone, work_start, work_end, active, created_at, "
      "email "
      "FROM agents ORDER BY position, slack_id");
  std::vector<Agent> agents;
  while (query.executeStep()) {
    Agent a;
    a.slack_id = query.getColumn(0).getString();
    a.name = query.getColumn(1).getString();
    a.position = query.getColumn(2).getInt();
    a.weight = query.getColumn(3).getInt();
    a.daily_cap = query.getColumn(4).getInt();
    a.paused = query.getColumn(5).getInt() != 0;
    if (!query.isColumnNull(6)) {
      a.paused_until = FromMillis(query.getColumn(6).getInt64());
    }
    a.timezone = query.getColumn(7).getString();
    if (!query.isColumnNull(8))
      a.work_start_minute = query.getColumn(8).getInt();
    if (!query.isColumnNull(9)) a.work_end_minute = query.getColumn(9).getInt();
    a.active = query.getColumn(10).getInt() != 0;
    a.created_at = FromMillis(query.getColumn(11).getInt64());
    a.email = query.getColumn(12).getString();
    agents.push_back(std::move(a));
  }
  return agents;
}

}  // namespace leadrouter::storage
