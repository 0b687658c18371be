// JobStore: the durable outbox. Every side effect (a Slack post, a DM, a
// reminder, a follow-up step) is a row here, written in the same transaction
// as the state change that causes it, and run later by the job runner.
// States: pending -> running -> done | pending (retry) | dead (dead letter);
// pending -> cancelled; dead -> pending (replay) | cancelled (drop).
// Thread rule: storage writer thread only; borrows its connection. Every
// method runs inside the caller's transaction and never opens one itself.
// Every method throws SQLite::Exception on a database failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "storage/job_priority.h"
#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

enum class JobState { kPending, kRunning, kDone, kCancelled, kDead };

// "pending", "running", "done", "cancelled", "dead": the stored values.
std::string ToString(JobState state);
std::optional<JobState> JobStateFromString(const std::string& name);

struct NewJob {
  std::string kind;
  std::optional<int64_t> lead_id;
  nlohmann::json payload = nlohmann::json::object();
  TimePoint due_at;
  int max_attempts = 8;
};

struct Job {
  int64_t id = 0;
  std::string kind;
  std::optional<int64_t> lead_id;
  nlohmann::json payload;
  TimePoint due_at;
  TimePoint created_at;
  int attempts = 0;  // claims so far, including the one in progress
  int max_attempts = 0;
  JobState state = JobState::kPending;
  std::string last_error;
  // When it became done, cancelled or dead; nullopt while pending/running.
  std::optional<TimePoint> finished_at;
  // The service it waited for ("slack", "sms", "email", "webhook") and
  // since when, if its last failure was that service being unavailable.
  // Kept when the job completes or dies (what it went through).
  std::string waiting_on;
  std::optional<TimePoint> waiting_since;
  // Not stored: true when the job was claimed in the very transaction that
  // wrote it (a hand-over, see JobRunner), so this is its first run and
  // whatever its kind records before its effect is already on disk.
  bool handed_over = false;
};

class JobStore {
 public:
  // `db` must outlive this object.
  explicit JobStore(SQLite::Database& db) : db_(db) {}

  // Writes a pending job and returns its id. Times are kept to the
  // millisecond. A max_attempts below 1 is a CHECK failure (throws).
  int64_t Enqueue(const NewJob& job, TimePoint now);

  // Marks up to `limit` pending jobs with due_at <= now and a kind in
  // `kinds` as running, adding one to their attempts, and returns them by
  // priority (storage/job_priority.h), then oldest due first (ties by id):
  // a hot lead's post due now goes before a backlog of DMs due earlier.
  // Empty `kinds` or a zero limit claims nothing.
  std::vector<Job> ClaimDue(TimePoint now,
                            const std::vector<std::string>& kinds,
                            size_t limit);

  // ClaimDue limited to jobs whose id is above `after_id`: those written
  // since the caller last looked (LastId). Lets the transaction that wrote
  // a job due now also claim it, so its effect needs no second commit.
  std::vector<Job> ClaimDueWrittenAfter(int64_t after_id, TimePoint now,
                                        const std::vector<std::string>& kinds,
                                        size_t limit);

  // ClaimDue limited to jobs of one priority, taken straight off the
  // priority index in due order: what a runner with every slot busy still
  // takes, without reading past a backlog of other priorities' due work.
  std::vector<Job> ClaimDueOfPriority(JobPriority priority, TimePoint now,
                                      const std::vector<std::string>& kinds,
                                      size_t limit);

  // The highest job id written so far; 0 when there is none.
  int64_t LastId();

  // Gives every job written before jobs had a priority (a database from an
  // older version) the priority of its kind. Returns how many. For
  // start-up, with RecoverRunning.
  int AssignMissingPriorities();

  // The earliest due_at among pending jobs of `kinds` (due or not), or
  // nullopt when there is none.
  std::optional<TimePoint> NextDueAt(const std::vector<std::string>& kinds);
  // NextDueAt limited to jobs of one priority (the next wake-up of a runner
  // that takes only those).
  std::optional<TimePoint> NextDueOfPriority(JobPriority priority,
                                             const std::vector<std::string>& kinds);
  // NextDueAt limited to jobs whose id is above `after_id` (written since
  // LastId was read): what a commit wrote and did not hand over.
  std::optional<TimePoint> NextDueWrittenAfter(int64_t after_id,
                                               const std::vector<std::string>& kinds);

  // The next three apply to a pending or running job. A job already done,
  // cancelled or dead is left as it is, so a late result never revives it.
  // -> done.
  void Complete(int64_t id, TimePoint now);
  // Back to pending, due at `due_at`; attempts are kept, `error` recorded.
  void RetryAt(int64_t id, TimePoint due_at, const std::string& error);
  // Back to pending, due at `due_at`, giving back the attempt in progress
  // (a wait is not a failure); `note` recorded as last_error.
  void Postpone(int64_t id, TimePoint due_at, const std::string& note);
  // Back to pending, due at `due_at`, giving back the attempt in progress,
  // as waiting for `service` (unavailable: down, 5xx, 429). The wait's
  // start is kept from an earlier call of this (or set to `now`), so a
  // streak of waits is measured from its first one; RetryAt ends a streak.
  void WaitForService(int64_t id, const std::string& service, TimePoint due_at,
                      const std::string& error, TimePoint now);
  // Makes every pending job waiting for `service` and due after `now` due
  // at `now` (the service answers again). Returns how many.
  int WakeWaiting(const std::string& service, TimePoint now);
  // The leads whose jobs waited for `service` in a wait that began at or
  // after `since`: how many, how many still have such a job pending or
  // running, and how many have one dead.
  struct WaitedLeads {
    int64_t leads = 0;
    int64_t pending = 0;
    int64_t dead = 0;
  };
  WaitedLeads CountWaitedLeads(const std::string& service, TimePoint since);
  // Dead letter: stays until Replay or Drop.
  void Kill(int64_t id, const std::string& error, TimePoint now);

  // Cancels every pending job of the lead in one UPDATE (running jobs
  // finish normally); `reason` becomes their last_error. Returns how many.
  int CancelByLead(int64_t lead_id, const std::string& reason, TimePoint now);
  // The same, limited to jobs whose kind starts with one of `kind_prefixes`
  // ("sequence." or a whole kind such as "route.claim_timeout"); matched as
  // plain text, so '_' and '%' in a kind are not wildcards. Empty
  // `kind_prefixes` cancels nothing. Returns how many.
  int CancelByLeadAndKinds(int64_t lead_id,
                           const std::vector<std::string>& kind_prefixes,
                           const std::string& reason, TimePoint now);

  // For start-up, before any claim: returns every running job (left so by a
  // crash) to pending, due no later than `now`. The interrupted attempt
  // still counts. Returns how many.
  int RecoverRunning(TimePoint now);

  std::optional<Job> Get(int64_t id);

  // Up to `limit` jobs in `state`, oldest due first (ties by id).
  std::vector<Job> List(JobState state, size_t limit);

  // Up to `limit` dead jobs, the most recent death first (ties by id,
  // newest first): what an operator looks at after an outage.
  std::vector<Job> ListDead(size_t limit);

  // A dead job back to pending, attempts reset to 0, due at `now`.
  // Returns false (and changes nothing) unless the job is dead.
  bool Replay(int64_t id, TimePoint now);
  // A dead job to cancelled. Returns false unless the job is dead.
  bool Drop(int64_t id, TimePoint now);

  int64_t CountByState(JobState state);

 private:
  std::vector<Job> Claim(std::optional<int64_t> written_after,
                         std::optional<JobPriority> priority, TimePoint now,
                         const std::vector<std::string>& kinds, size_t limit);
  std::optional<TimePoint> NextDue(std::optional<int64_t> written_after,
                                   std::optional<JobPriority> priority,
                                   const std::vector<std::string>& kinds);

  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
