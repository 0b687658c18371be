#include "storage/job_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <array>
#include <limits>
#include <utility>

#include "storage/cached_statement.h"
#include "storage/job_priority.h"
#include "storage/stored_json.h"

namespace leadrouter::storage {
namespace {

constexpr std::array<std::pair<JobState, const char*>, 5> kStateNames = {{
    {JobState::kPending, "pending"},
    {JobState::kRunning, "running"},
    {JobState::kDone, "done"},
    {JobState::kCancelled, "cancelled"},
    {JobState::kDead, "dead"},
}};

constexpr char kJobColumns[] =
    "id, kind, lead_id, payload, due_at, created_at, attempts, max_attempts, "
    "state, last_error, finished_at, waiting_on, waiting_since";

Job ReadJob(const SQLite::Statement& row) {
  Job job;
  job.id = row.getColumn(0).getInt64();
  job.kind = row.getColumn(1).getString();
  if (!row.isColumnNull(2)) job.lead_id = row.getColumn(2).getInt64();
  job.payload = ParseStoredJson(row.getColumn(3).getString());
  job.due_at = FromMillis(row.getColumn(4).getInt64());
  job.created_at = FromMillis(row.getColumn(5).getInt64());
  job.attempts = row.getColumn(6).getInt();
  job.max_attempts = row.getColumn(7).getInt();
  // The CHECK constraint keeps unknown names out of the table.
  job.state = JobStateFromString(row.getColumn(8).getString())
                  .value_or(JobState::kDead);
  job.last_error = row.getColumn(9).getString();
  if (!row.isColumnNull(10)) {
    job.finished_at = FromMillis(row.getColumn(10).getInt64());
  }
  if (!row.isColumnNull(11)) job.waiting_on = row.getColumn(11).getString();
  if (!row.isColumnNull(12)) {
    job.waiting_since = FromMillis(row.getColumn(12).getInt64());
  }
  return job;
}

// "?, ?, ?" for an IN list of `n` values.
std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

// SQLite binds signed 64-bit; a size_t limit beyond that means "all".
int64_t ClampLimit(size_t limit) {
  constexpr auto kMax =
      static_cast<size_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(limit > kMax ? kMax : limit);
}

}  // namespace

std::string ToString(JobState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "unknown";
}

std::optional<JobState> JobStateFromString(const std::string& name) {
  for (const auto& [s, n] : kStateNames) {
    if (name == n) return s;
  }
  return std::nullopt;
}

int64_t JobStore::Enqueue(const NewJob& job, TimePoint now) {
  CachedStatement insert(
      db_,
      "INSERT INTO jobs (kind, lead_id, payload, state, due_at, created_at, "
      "attempts, max_attempts, priority) "
      "VALUES (?, ?, ?, 'pending', ?, ?, 0, ?, ?)");
  insert.bind(1, job.kind);
  if (job.lead_id) {
    insert.bind(2, *job.lead_id);
  } else {
    insert.bind(2);
  }
  insert.bind(3, DumpJson(job.payload));
  insert.bind(4, ToMillis(job.due_at));
  insert.bind(5, ToMillis(now));
  insert.bind(6, job.max_attempts);
  insert.bind(7, static_cast<int>(JobPriorityOf(job.kind)));
  insert.exec();
  return db_.getLastInsertRowid();
}

std::vector<Job> JobStore::ClaimDue(TimePoint now,
                                    const std::vector<std::string>& kinds,
                                    size_t limit) {
  return Claim(std::nullopt, std::nullopt, now, kinds, limit);
}

std::vector<Job> JobStore::ClaimDueOfPriority(JobPriority priority, TimePoint now,
                                              const std::vector<std::string>& kinds,
                                              size_t limit) {
  return Claim(std::nullopt, priority, now, kinds, limit);
}

std::vector<Job> JobStore::ClaimDueWrittenAfter(
    int64_t after_id, TimePoint now, const std::vector<std::string>& kinds,
    size_t limit) {
  return Claim(after_id, std::nullopt, now, kinds, limit);
}

int64_t JobStore::LastId() {
  CachedStatement query(db_, "SELECT COALESCE(MAX(id), 0) FROM jobs");
  query.executeStep();
  return query.getColumn(0).getInt64();
}

std::vector<Job> JobStore::Claim(std::optional<int64_t> written_after,
                                 std::optional<JobPriority> priority,
                                 TimePoint now,
                                 const std::vector<std::string>& kinds,
                                 size_t limit) {
  std::vector<Job> claimed;
  if (kinds.empty() || limit == 0) return claimed;
  // Jobs just written have the newest ids: a range of the table itself,
  // however many older jobs wait. Otherwise in priority order straight off
  // the index (migration 15), not a sort of every due row; one priority is
  // one range of that index.
  const char* from = written_after ? "jobs NOT INDEXED WHERE id > ? AND "
                                   : "jobs INDEXED BY jobs_by_priority WHERE ";
  CachedStatement due(
      db_,
      std::string("SELECT id FROM ") + from + "state = 'pending' AND " +
          (priority ? "priority = ? AND " : "") + "due_at <= ? AND kind IN (" +
          Placeholders(kinds.size()) + ") ORDER BY priority, due_at, id LIMIT ?");
  int index = 1;
  if (written_after) due.bind(index++, *written_after);
  if (priority) due.bind(index++, static_cast<int>(*priority));
  due.bind(index++, ToMillis(now));
  for (const std::string& kind : kinds) due.bind(index++, kind);
  due.bind(index, ClampLimit(limit));
  std::vector<int64_t> ids;
  while (due.executeStep()) ids.push_back(due.getColumn(0).getInt64());

  // Same writer, same transaction: nothing can claim these rows between the
  // SELECT and the UPDATE, so the state guard is only a safety net.
  CachedStatement mark(
      db_,
      "UPDATE jobs SET state = 'running', attempts = attempts + 1 "
      "WHERE id = ? AND state = 'pending'");
  for (int64_t id : ids) {
    mark.reset();
    mark.bind(1, id);
    if (mark.exec() == 1) {
      if (std::optional<Job> job = Get(id)) claimed.push_back(std::move(*job));
    }
  }
  return claimed;
}

std::optional<TimePoint> JobStore::NextDueAt(
    const std::vector<std::string>& kinds) {
  return NextDue(std::nullopt, std::nullopt, kinds);
}

std::optional<TimePoint> JobStore::NextDueOfPriority(
    JobPriority priority, const std::vector<std::string>& kinds) {
  return NextDue(std::nullopt, priority, kinds);
}

std::optional<TimePoint> JobStore::NextDueWrittenAfter(
    int64_t after_id, const std::vector<std::string>& kinds) {
  return NextDue(after_id, std::nullopt, kinds);
}

std::optional<TimePoint> JobStore::NextDue(std::optional<int64_t> written_after,
                                           std::optional<JobPriority> priority,
                                           const std::vector<std::string>& kinds) {
  if (kinds.empty()) return std::nullopt;
  // As in Claim: the newest ids are a range of the table itself, one
  // priority a range of the priority index.
  const char* from = written_after ? "NOT INDEXED WHERE id > ? AND "
                     : priority    ? "INDEXED BY jobs_by_priority WHERE "
                                   : "WHERE ";
  CachedStatement query(
      db_, std::string("SELECT MIN(due_at) FROM jobs ") + from +
               (priority ? "priority = ? AND " : "") + "state = 'pending' AND kind IN (" +
               Placeholders(kinds.size()) + ")");
  int index = 1;
  if (written_after) query.bind(index++, *written_after);
  if (priority) query.bind(index++, static_cast<int>(*priority));
  for (const std::string& kind : kinds) query.bind(index++, kind);
  if (!query.executeStep() || query.isColumnNull(0)) return std::nullopt;
  return FromMillis(query.getColumn(0).getInt64());
}

int JobStore::AssignMissingPriorities() {
  std::vector<std::string> kinds;
  CachedStatement query(
      db_, "SELECT DISTINCT kind FROM jobs WHERE priority IS NULL");
  while (query.executeStep()) kinds.push_back(query.getColumn(0).getString());
  CachedStatement update(
      db_, "UPDATE jobs SET priority = ? WHERE kind = ? AND priority IS NULL");
  int changed = 0;
  for (const std::string& kind : kinds) {
    update.reset();
    update.bind(1, static_cast<int>(JobPriorityOf(kind)));
    update.bind(2, kind);
    changed += update.exec();
  }
  return changed;
}

void JobStore::Complete(int64_t id, TimePoint now) {
  CachedStatement update(db_,
                         "UPDATE jobs SET state = 'done', finished_at = ? "
                         "WHERE id = ? AND state IN ('pending', 'running')");
  update.bind(1, ToMillis(now));
  update.bind(2, id);
  update.exec();
}

void JobStore::RetryAt(int64_t id, TimePoint due_at, const std::string& error) {
  CachedStatement update(
      db_,
      "UPDATE jobs SET state = 'pending', due_at = ?, last_error = ?, "
      "waiting_on = NULL, waiting_since = NULL "
      "WHERE id = ? AND state IN ('pending', 'running')");
  update.bind(1, ToMillis(due_at));
  update.bind(2, error);
  update.bind(3, id);
  update.exec();
}

void JobStore::WaitForService(int64_t id, const std::string& service,
                              TimePoint due_at, const std::string& error,
                              TimePoint now) {
  CachedStatement update(
      db_,
      "UPDATE jobs SET state = 'pending', due_at = ?, last_error = ?, "
      "attempts = MAX(attempts - 1, 0), waiting_on = ?, "
      "waiting_since = COALESCE(waiting_since, ?) "
      "WHERE id = ? AND state IN ('pending', 'running')");
  update.bind(1, ToMillis(due_at));
  update.bind(2, error);
  update.bind(3, service);
  update.bind(4, ToMillis(now));
  update.bind(5, id);
  update.exec();
}

JobStore::WaitedLeads JobStore::CountWaitedLeads(const std::string& service,
                                                 TimePoint since) {
  CachedStatement query(
      db_,
      "SELECT COUNT(DISTINCT lead_id), "
      "COUNT(DISTINCT CASE WHEN state IN ('pending', 'running') THEN lead_id END), "
      "COUNT(DISTINCT CASE WHEN state = 'dead' THEN lead_id END) "
      "FROM jobs WHERE waiting_on = ? AND waiting_since >= ? "
      "AND lead_id IS NOT NULL");
  query.bind(1, service);
  query.bind(2, ToMillis(since));
  WaitedLeads out;
  if (query.executeStep()) {
    out.leads = query.getColumn(0).getInt64();
    out.pending = query.getColumn(1).getInt64();
    out.dead = query.getColumn(2).getInt64();
  }
  return out;
}

int JobStore::WakeWaiting(const std::string& service, TimePoint now) {
  CachedStatement update(
      db_,
      "UPDATE jobs SET due_at = ? WHERE waiting_on = ? AND state = 'pending' "
      "AND due_at > ?");
  update.bind(1, ToMillis(now));
  update.bind(2, service);
  update.bind(3, ToMillis(now));
  return update.exec();
}

void JobStore::Postpone(int64_t id, TimePoint due_at, const std::string& note) {
  CachedStatement update(
      db_,
      "UPDATE jobs SET state = 'pending', due_at = ?, last_error = ?, "
      "attempts = MAX(attempts - 1, 0) "
      "WHERE id = ? AND state IN ('pending', 'running')");
  update.bind(1, ToMillis(due_at));
  update.bind(2, note);
  update.bind(3, id);
  update.exec();
}

void JobStore::Kill(int64_t id, const std::string& error, TimePoint now) {
  CachedStatement update(
      db_,
      "UPDATE jobs SET state = 'dead', last_error = ?, finished_at = ? "
      "WHERE id = ? AND state IN ('pending', 'running')");
  update.bind(1, error);
  update.bind(2, ToMillis(now));
  update.bind(3, id);
  update.exec();
}

int JobStore::CancelByLead(int64_t lead_id, const std::string& reason,
                           TimePoint now) {
  CachedStatement update(
      db_,
      "UPDATE jobs SET state = 'cancelled', last_error = ?, "
      "finished_at = ? WHERE lead_id = ? AND state = 'pending'");
  update.bind(1, reason);
  update.bind(2, ToMillis(now));
  update.bind(3, lead_id);
  return update.exec();
}

int JobStore::CancelByLeadAndKinds(
    int64_t lead_id, const std::vector<std::string>& kind_prefixes,
    const std::string& reason, TimePoint now) {
  if (kind_prefixes.empty()) return 0;
  // substr rather than LIKE: kinds contain '_', which LIKE reads as "any
  // character".
  std::string match;
  for (size_t i = 0; i < kind_prefixes.size(); ++i) {
    match += i == 0 ? "" : " OR ";
    match += "substr(kind, 1, ?) = ?";
  }
  CachedStatement update(
      db_,
      "UPDATE jobs SET state = 'cancelled', last_error = ?, finished_at = ? "
      "WHERE lead_id = ? AND state = 'pending' AND (" +
          match + ")");
  int index = 1;
  update.bind(index++, reason);
  update.bind(index++, ToMillis(now));
  update.bind(index++, lead_id);
  for (const std::string& prefix : kind_prefixes) {
    update.bind(index++, static_cast<int64_t>(prefix.size()));
    update.bind(index++, prefix);
  }
  return update.exec();
}

int JobStore::RecoverRunning(TimePoint now) {
  // A claimed job was already due, so MIN only matters if the clock moved
  // backwards across the restart; it must not push the job into the future.
  CachedStatement update(
      db_,
      "UPDATE jobs SET state = 'pending', due_at = MIN(due_at, ?), "
      "last_error = 'interrupted by a restart' WHERE state = 'running'");
  update.bind(1, ToMillis(now));
  return update.exec();
}

std::optional<Job> JobStore::Get(int64_t id) {
  CachedStatement query(
      db_, std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?");
  query.bind(1, id);
  if (!query.executeStep()) return std::nullopt;
  return ReadJob(query);
}

std::vector<Job> JobStore::List(JobState state, size_t limit) {
  CachedStatement query(
      db_, std::string("SELECT ") + kJobColumns +
               " FROM jobs WHERE state = ? ORDER BY due_at, id LIMIT ?");
  query.bind(1, ToString(state));
  query.bind(2, ClampLimit(limit));
  std::vector<Job> jobs;
  while (query.executeStep()) jobs.push_back(ReadJob(query));
  return jobs;
}

std::vector<Job> JobStore::ListDead(size_t limit) {
  CachedStatement query(
      db_, std::string("SELECT ") + kJobColumns +
               " FROM jobs WHERE state = 'dead' "
               "ORDER BY finished_at DESC, id DESC LIMIT ?");
  query.bind(1, ClampLimit(limit));
  std::vector<Job> jobs;
  while (query.executeStep()) jobs.push_back(ReadJob(query));
  return jobs;
}

bool JobStore::Replay(int64_t id, TimePoint now) {
  CachedStatement update(
      db_,
      "UPDATE jobs SET state = 'pending', attempts = 0, due_at = ?, "
      "finished_at = NULL, waiting_on = NULL, waiting_since = NULL "
      "WHERE id = ? AND state = 'dead'");
  update.bind(1, ToMillis(now));
  update.bind(2, id);
  return update.exec() == 1;
}

bool JobStore::Drop(int64_t id, TimePoint now) {
  CachedStatement update(
      db_,
      "UPDATE jobs SET state = 'cancelled', finished_at = ? "
      "WHERE id = ? AND state = 'dead'");
  update.bind(1, ToMillis(now));
  update.bind(2, id);
  return update.exec() == 1;
}

int64_t JobStore::CountByState(JobState state) {
  CachedStatement query(db_, "SELECT COUNT(*) FROM jobs WHERE state = ?");
  query.bind(1, ToString(state));
  query.executeStep();
  return query.getColumn(0).getInt64();
}

}  // namespace leadrouter::storage
