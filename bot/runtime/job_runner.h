// JobRunner: executes the durable jobs (the outbox) on the event loop.
// It is woken by the commit that wrote a job due now, or by a timer set to
// the next due job; never by a polling interval over the jobs. A commit by
// another process (`leadrouter dlq replay` from a shell) cannot wake it
// directly, so it also asks SQLite every few seconds whether anyone else
// wrote to the file (PRAGMA data_version, one cheap read) and looks for due
// work only when someone did. Failures retry with
// exponential backoff and jitter (or at the time the executor names, e.g.
// Slack's Retry-After); after the last attempt a job becomes a dead letter.
// Thread rule: every method runs on the loop thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "bot/runtime/clock.h"
#include "storage/job_store.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

class StorageWriter;

struct JobOutcome {
  enum class Kind { kDone, kRetry, kPermanentFailure, kPostpone };
  Kind kind = Kind::kDone;
  std::string error;  // for kPostpone: why it waits ("outside the send window")
  std::optional<std::chrono::milliseconds> retry_after;
  SystemTime postpone_until{};  // kPostpone only

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
};

// Executes one job and calls `done` exactly once, on the loop thread, maybe
// later. May throw; a throw counts as a retryable failure.
using JobDone = std::function<void(JobOutcome)>;
using JobExecutor = std::function<void(const storage::Job& job, JobDone done)>;

struct JobRunnerOptions {
  std::chrono::milliseconds backoff_base = std::chrono::seconds(2);
  std::chrono::milliseconds backoff_cap = std::chrono::minutes(15);
  size_t claim_batch = 64;
  size_t max_in_flight = 256;
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
  void Register(const std::string& kind, JobExecutor executor);

  // Called after a job goes dead, once it is recorded as such.
  void OnDeadLetter(std::function<void(const storage::Job&, const std::string& error)> fn);
  // Called after a job succeeds, once it is recorded as done.
  void OnDone(std::function<void(const storage::Job&)> fn);

  // Returns jobs a crash left running to pending, then looks for due work.
  void Start();
  // Look for due jobs now. Cheap; call after any commit that wrote jobs.
  void Wake();
  void Stop();

  size_t in_flight() const { return in_flight_; }
  // True when the runner will do nothing more until new work is written or
  // the clock moves on and Wake() is called: started, the first claim made,
  // no claim under way or asked for, no job in flight, no wake-up already
  // due. Tests wait for this before asserting that something did not run.
  bool TEST_Idle() const;

  // The delay before attempt `attempts`+1: base * 2^(attempts-1), capped,
  // scaled into [cap/2, cap] of that value by `random01` ("equal jitter").
  static std::chrono::milliseconds BackoffDelay(int attempts,
                                                std::chrono::milliseconds base,
                                                std::chrono::milliseconds cap,
                                                double random01);

 private:
  struct Timer;
  void Claim();
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
  size_t in_flight_ = 0;
};

}  // namespace leadrouter
