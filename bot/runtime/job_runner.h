// JobRunner: executes the durable jobs (the outbox) on the event loop.
// It is woken by the commit that wrote a job due now, or by a timer set to
// the next due job; never by a polling interval over the jobs. A commit by
// another process (`leadrouter dlq replay` from a shell) cannot wake it
// directly, so it also asks SQLite every few seconds whether anyone else
// wrote to the file (PRAGMA data_version, one cheap read) and looks for due
// work only when someone did. Due jobs are claimed by priority
// (storage/job_priority.h: the shark tank first), then due time; jobs that
// only wait for a rate-limit lane do not count against max_in_flight
// (CountParkedWith). Failures retry with
// exponential backoff and jitter (or at the time the executor names, e.g.
// Slack's Retry-After); after the last attempt a job becomes a dead letter.
// A job due now is handed over: the transaction that writes it also claims
// it (StorageWriter::BeforeCommit), and the commit hands it straight to its
// executor, with no claim commit of its own. After a crash it is a running
// job like any other: recovered at start and run again. The same look sets
// the timer for what the commit wrote and did not hand over, so a commit
// that wrote jobs need not Wake() the runner.
// Thread rule: every method runs on the loop thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bot/runtime/clock.h"
#include "storage/job_store.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

class StorageWriter;
namespace storage {
class Database;
}

struct JobOutcome {
  enum class Kind { kDone, kRetry, kPermanentFailure, kPostpone, kUnavailable };
  Kind kind = Kind::kDone;
  std::string error;  // for kPostpone: why it waits ("outside the send window")
  std::optional<std::chrono::milliseconds> retry_after;
  SystemTime postpone_until{};  // kPostpone only
  std::string service{};        // kUnavailable only: "slack", "sms", …

  static JobOutcome Done() { return {}; }
  // Try again later: after `retry_after` if given, else after the backoff.
  static JobOutcome Retry(std::string error,
                          std::optional<std::chrono::milliseconds> retry_after = std::nullopt) {
    return {Kind::kRetry, std::move(error), retry_after};
  }
  // No point trying again (bad request, unknown channel): dead letter now.
  static JobOutcome Fail(std::string error) {
    return {Kind::kPermanentFailure, std::move(error), std::nullopt};
  }
  // Not now but at `until` (a text due at night waits for the morning). Not
  // a failure: the attempt is given back, so waiting never dead-letters.
  static JobOutcome Postpone(SystemTime until, std::string why) {
    JobOutcome out{Kind::kPostpone, std::move(why), std::nullopt};
    out.postpone_until = until;
    return out;
  }
  // `service` ("slack", "sms", "email", "webhook") cannot be reached or
  // answers 5xx/429: waiting will fix it. The attempt is given back and the
  // job tries again (after `retry_after` if given, else a backoff capped
  // near a minute) until it has waited jobs.unavailable_patience; only then
  // is it a dead letter. The service answering again wakes it at once.
  static JobOutcome Unavailable(
      std::string service, std::string error,
      std::optional<std::chrono::milliseconds> retry_after = std::nullopt) {
    JobOutcome out{Kind::kUnavailable, std::move(error), retry_after};
    out.service = std::move(service);
    return out;
  }
};

// Executes one job and calls `done` exactly once, on the loop thread, maybe
// later. May throw; a throw counts as a retryable failure.
using JobDone = std::function<void(JobOutcome)>;
using JobExecutor = std::function<void(const storage::Job& job, JobDone done)>;
// Runs on the storage writer inside the transaction that hands a job of its
// kind over (see JobRunner), after the claim: records what the executor
// needs on disk before its first effect (a post's intent), so the executor
// need not commit it separately. Time is passed in; may throw (the hand-over
// is then undone and the job claimed as usual).
using JobHandOverStep =
    std::function<void(storage::Database& db, const storage::Job& job, SystemTime now)>;

struct JobRunnerOptions {
  std::chrono::milliseconds backoff_base = std::chrono::seconds(2);
  std::chrono::milliseconds backoff_cap = std::chrono::minutes(15);
  // How long a job waits for an unavailable service before it dead-letters
  // (see JobOutcome::Unavailable).
  std::chrono::milliseconds unavailable_patience = std::chrono::hours(24);
  size_t claim_batch = 64;
  // Jobs at work at once. Each job handed over at a commit is work for the
  // writer soon after; with 256, a burst's first commits handed over some
  // hundreds of round-robin assignments that the writer ran while intake was
  // at its busiest (bench_burst: intake p99 25–26 ms, all of it in the first
  // tenth of the burst); with 64 the same burst answers in 15–19 ms. Still
  // more than the posts Slack's per-channel pace takes at once. With every
  // slot busy the shark tank's work may take as many again, so a hot lead
  // never waits for a burst's other work to finish.
  size_t max_in_flight = 64;
  // Jobs waiting in a rate-limit lane hold no in-flight slot, up to this
  // many; beyond it they do, so the rest of a burst paced by Slack waits on
  // disk rather than in memory (each waiting call holds its message).
  size_t max_parked = 256;
  // Uniform in [0, 1); injected so tests get a fixed backoff schedule.
  std::function<double()> random;
  // How often to check for another process's commit to the database file
  // (a job replayed from the shell runs within this); zero never checks.
  std::chrono::milliseconds outside_commit_check = std::chrono::seconds(2);
};

class JobRunner {
 public:
  // `loop`, `writer` and `clock` must outlive the runner.
  JobRunner(boost::asio::io_context& loop, StorageWriter& writer,
            const Clock& clock, JobRunnerOptions options);
  ~JobRunner();

  // Only registered kinds are claimed; others stay pending (e.g. Slack work
  // while no token is configured).
  // `step`, if given, runs when a job of `kind` is handed over.
  void Register(const std::string& kind, JobExecutor executor,
                JobHandOverStep step = nullptr);

  // Called after a job goes dead, once it is recorded as such.
  void OnDeadLetter(std::function<void(const storage::Job&, const std::string& error)> fn);
  // Called after a job succeeds, once it is recorded as done.
  void OnDone(std::function<void(const storage::Job&)> fn);

  // Returns jobs a crash left running to pending, then looks for due work.
  void Start();
  // Look for due jobs now. A commit that writes jobs needs no call (its own
  // look hands them over or sets the timer); call it when jobs become due
  // in a way no new job shows: a due time moved, the clock moved, a kind
  // was registered.
  void Wake();
  void Stop();

  // Jobs handed to an executor and not yet finished.
  size_t in_flight() const { return in_flight_; }
  // True when the runner will do nothing more until new work is written or
  // the clock moves on and Wake() is called: started, the first claim made,
  // no claim under way or asked for, no job in flight, no wake-up already
  // due. Tests wait for this before asserting that something did not run.
  bool TEST_Idle() const;
  // Of those, the ones not waiting for a rate-limit lane: what
  // max_in_flight bounds.
  size_t active() const;

  // `parked` says how many in-flight jobs wait for a rate-limit lane (a
  // Slack method's pace). Up to max_parked of them hold no in-flight slot,
  // so a burst of DMs paced at one a second cannot keep a hot lead's post
  // from being claimed. Whoever parks a job should Wake() the runner.
  void CountParkedWith(std::function<size_t()> parked);

  // The delay before attempt `attempts`+1: base * 2^(attempts-1), capped,
  // scaled into [cap/2, cap] of that value by `random01` ("equal jitter").
  static std::chrono::milliseconds BackoffDelay(int attempts,
                                                std::chrono::milliseconds base,
                                                std::chrono::milliseconds cap,
                                                double random01);

 private:
  struct Timer;
  struct HandOver;
  void Claim();
  std::function<void()> LookAtWritten(storage::Database& db, HandOver& h,
                                      const Clock& clock, size_t batch,
                                      std::weak_ptr<bool> alive);
  void PublishHandOverBudget();
  void Execute(const storage::Job& job);
  void Finish(const storage::Job& job, JobOutcome outcome);
  void ArmTimer(SystemTime due);
  void ArmOutsideCommitCheck();
  void CheckOutsideCommits();

  boost::asio::io_context& loop_;
  StorageWriter& writer_;
  const Clock& clock_;
  JobRunnerOptions options_;
  std::map<std::string, JobExecutor> executors_;
  std::function<void(const storage::Job&, const std::string&)> on_dead_;
  std::function<void(const storage::Job&)> on_done_;
  std::unique_ptr<Timer> timer_;
  std::unique_ptr<Timer> outside_timer_;
  std::optional<int64_t> data_version_;  // as last seen; nullopt at first
  std::shared_ptr<bool> alive_;
  bool started_ = false;
  bool claiming_ = false;
  bool claimed_since_start_ = false;
  bool wake_again_ = false;
  bool starved_ = false;  // a claim was skipped: every slot was taken
  // Due jobs may be waiting on disk: from the start until a claim takes
  // fewer than it could, and whenever a claim is skipped for want of a slot.
  // No job is handed over meanwhile but the shark tank's (shark_behind_).
  bool behind_ = true;
  // The same for the shark tank's work alone: until a claim takes fewer
  // than it could, and whenever its extra slots are all taken too.
  bool shark_behind_ = true;
  size_t in_flight_ = 0;
  std::function<size_t()> parked_;
  std::shared_ptr<HandOver> hand_over_;  // shared with the writer thread
};

}  // namespace leadrouter
