#include "storage/agent_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cstddef>
#include <utility>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

std::optional<std::string> AgentStore::MatchCrmOwner(
    const std::string& email, const std::string& slack_id) {
  if (!slack_id.empty()) {
    CachedStatement query(db_,
                          "SELECT slack_id FROM agents WHERE slack_id = ?");
    query.bind(1, slack_id);
    if (query.executeStep()) return query.getColumn(0).getString();
  }
  if (!email.empty()) {
    // Agents' e-mails come from the config as typed; the CRM's from the
    // pipeline, lower-cased. The table is small, so no index is needed.
    CachedStatement query(
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
  CachedStatement insert(
      db_,
      "INSERT INTO agents (slack_id, name, position, weight, daily_cap, "
      "timezone, created_at, email, work_start, work_end, work_days) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  int position = 0;
  for (const AgentSeed& a : agents) {
    insert.reset();
    insert.clearBindings();  // an agent without working hours binds NULL
    insert.bind(1, a.slack_id);
    insert.bind(2, a.name);
    insert.bind(3, position++);
    insert.bind(4, a.weight);
    insert.bind(5, a.daily_cap);
    insert.bind(6, a.timezone);
    insert.bind(7, ToMillis(now));
    insert.bind(8, a.email);
    if (a.work_start_minute && a.work_end_minute) {
      insert.bind(9, *a.work_start_minute);
      insert.bind(10, *a.work_end_minute);
    }
    insert.bind(11, a.work_days);
    insert.exec();
  }
  return !agents.empty();
}

namespace {

constexpr char kSelectAgent[] =
    "SELECT slack_id, name, position, weight, daily_cap, paused, "
    "paused_until, timezone, work_start, work_end, active, created_at, "
    "email, work_days FROM agents ";

}  // namespace

std::vector<Agent> AgentStore::List() {
  CachedStatement query(
      db_, std::string(kSelectAgent) + "ORDER BY position, slack_id");
  return Read(query);
}

std::optional<Agent> AgentStore::Get(const std::string& slack_id) {
  CachedStatement query(db_,
                        std::string(kSelectAgent) + "WHERE slack_id = ?");
  query.bind(1, slack_id);
  std::vector<Agent> found = Read(query);
  if (found.empty()) return std::nullopt;
  return found.front();
}

std::vector<Agent> AgentStore::Read(SQLite::Statement& query) {
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
    a.work_days = query.getColumn(13).getInt();
    agents.push_back(std::move(a));
  }
  return agents;
}

AgentAdd AgentStore::Add(const std::string& slack_id, const std::string& name,
                         TimePoint now) {
  std::optional<Agent> existing = Get(slack_id);
  if (existing && existing->active) return AgentAdd::kAlreadyActive;
  int end = db_.execAndGet("SELECT COALESCE(MAX(position) + 1, 0) FROM agents")
                .getInt();
  if (existing) {
    CachedStatement update(
        db_,
        "UPDATE agents SET active = 1, position = ?, "
        "name = CASE WHEN ? = '' THEN name ELSE ? END WHERE slack_id = ?");
    update.bind(1, end);
    update.bind(2, name);
    update.bind(3, name);
    update.bind(4, slack_id);
    update.exec();
    return AgentAdd::kReactivated;
  }
  CachedStatement insert(
      db_,
      "INSERT INTO agents (slack_id, name, position, created_at) "
      "VALUES (?, ?, ?, ?)");
  insert.bind(1, slack_id);
  insert.bind(2, name.empty() ? slack_id : name);
  insert.bind(3, end);
  insert.bind(4, ToMillis(now));
  insert.exec();
  return AgentAdd::kAdded;
}

bool AgentStore::Deactivate(const std::string& slack_id) {
  CachedStatement update(db_,
                         "UPDATE agents SET active = 0 WHERE slack_id = ?");
  update.bind(1, slack_id);
  return update.exec() > 0;
}

bool AgentStore::Pause(const std::string& slack_id,
                       std::optional<TimePoint> until) {
  CachedStatement update(
      db_, "UPDATE agents SET paused = 1, paused_until = ? WHERE slack_id = ?");
  if (until) update.bind(1, ToMillis(*until));
  update.bind(2, slack_id);
  return update.exec() > 0;
}

std::vector<std::string> AgentStore::PausesEndedBy(TimePoint now) {
  CachedStatement query(db_,
                        "SELECT slack_id FROM agents WHERE paused = 1 AND "
                        "paused_until IS NOT NULL AND paused_until <= ? ORDER BY position, slack_id");
  query.bind(1, ToMillis(now));
  std::vector<std::string> ended;
  while (query.executeStep()) ended.push_back(query.getColumn(0).getString());
  return ended;
}

bool AgentStore::Unpause(const std::string& slack_id) {
  CachedStatement update(
      db_,
      "UPDATE agents SET paused = 0, paused_until = NULL WHERE slack_id = ?");
  update.bind(1, slack_id);
  return update.exec() > 0;
}

bool AgentStore::SetWeight(const std::string& slack_id, int weight) {
  CachedStatement update(db_,
                         "UPDATE agents SET weight = ? WHERE slack_id = ?");
  update.bind(1, weight);
  update.bind(2, slack_id);
  return update.exec() > 0;
}

bool AgentStore::SetDailyCap(const std::string& slack_id, int daily_cap) {
  CachedStatement update(
      db_, "UPDATE agents SET daily_cap = ? WHERE slack_id = ?");
  update.bind(1, daily_cap);
  update.bind(2, slack_id);
  return update.exec() > 0;
}

bool AgentStore::MoveTo(const std::string& slack_id, size_t index) {
  std::vector<Agent> all = List();
  std::vector<std::string> order;
  bool found = false;
  size_t insert_at = std::string::npos;
  size_t active_seen = 0;
  for (const Agent& a : all) {
    if (a.slack_id == slack_id) {
      found = true;
      continue;
    }
    if (a.active && active_seen++ == index) insert_at = order.size();
    order.push_back(a.slack_id);
  }
  if (!found) return false;
  if (insert_at == std::string::npos) insert_at = order.size();
  order.insert(order.begin() + static_cast<std::ptrdiff_t>(insert_at),
               slack_id);
  Renumber(order);
  return true;
}

bool AgentStore::MoveBefore(const std::string& slack_id,
                            const std::string& before) {
  if (slack_id == before) return false;
  std::vector<std::string> order;
  bool found = false;
  for (const Agent& a : List()) {
    if (a.slack_id == slack_id)
      found = true;
    else
      order.push_back(a.slack_id);
  }
  auto at = std::find(order.begin(), order.end(), before);
  if (!found || at == order.end()) return false;
  order.insert(at, slack_id);
  Renumber(order);
  return true;
}

void AgentStore::Renumber(const std::vector<std::string>& order) {
  CachedStatement update(db_,
                         "UPDATE agents SET position = ? WHERE slack_id = ?");
  int position = 0;
  for (const std::string& id : order) {
    update.reset();
    update.bind(1, position++);
    update.bind(2, id);
    update.exec();
  }
}

}  // namespace leadrouter::storage
