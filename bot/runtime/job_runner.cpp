#include "bot/runtime/job_runner.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bot/daemon/log.h"
#include "bot/metrics/metrics.h"
#include "bot/runtime/stage_trace.h"
#include "bot/runtime/storage_writer.h"
#include "bot/runtime/unavailable_wait.h"
#include "storage/database.h"
#include "storage/job_priority.h"

namespace leadrouter {
namespace {
// The timer never sleeps longer than this, so a wall-clock jump (NTP, a
// suspended VM) delays due work by at most this much.
constexpr auto kMaxTimerSleep = std::chrono::seconds(30);

std::vector<std::string> Kinds(const std::map<std::string, JobExecutor>& m) {
  std::vector<std::string> kinds;
  for (const auto& [kind, _] : m) kinds.push_back(kind);
  return kinds;
}

// The kinds of the shark tank's priority: few (a post per hot lead, a
// claim's effects), seconds-sensitive, and taken even when every in-flight
// slot is busy, so a hot lead never waits behind a burst's other work.
std::vector<std::string> SharkTankKinds(const std::map<std::string, JobExecutor>& m) {
  std::vector<std::string> kinds;
  for (const auto& [kind, _] : m) {
    if (storage::JobPriorityOf(kind) == storage::JobPriority::kSharkTank) kinds.push_back(kind);
  }
  return kinds;
}

nlohmann::json JobFields(const storage::Job& job) {
  nlohmann::json f = {{"job_id", job.id}, {"kind", job.kind}, {"attempt", job.attempts}};
  if (job.lead_id) f["lead_id"] = *job.lead_id;
  return f;
}
}  // namespace

struct JobRunner::Timer {
  explicit Timer(boost::asio::io_context& loop) : timer(loop) {}
  boost::asio::steady_timer timer;
  std::optional<SystemTime> armed_for;
  SystemTime last_claim_at{};  // the `now` of the latest claim (TEST_Idle)
};

// What the writer thread needs to hand jobs over: the registered kinds and
// their steps (copied under `mu` when they change), how many jobs the
// runner would take now, and the highest job id the last look saw.
struct JobRunner::HandOver {
  struct Registered {
    std::vector<std::string> kinds;
    std::vector<std::string> shark_kinds;  // SharkTankKinds of `kinds`
    std::map<std::string, JobHandOverStep> steps;
  };
  std::mutex mu;
  // Replaced, never changed in place, so a look holds it without the lock.
  std::shared_ptr<const Registered> registered =
      std::make_shared<Registered>();  // GUARDED_BY(mu)
  // max_in_flight less the jobs at work, as last published by the loop;
  // the writer lowers it by what it hands over. Two threads write it, so
  // it can be briefly stale: the bound is soft, as it is for claims.
  std::atomic<size_t> budget{0};
  // The same for the shark tank's work, which may also take the slots
  // beyond max_in_flight (as its claims do): with every slot busy a hot
  // lead's post is still handed over at its commit, with no claim to wait for.
  std::atomic<size_t> shark_budget{0};
  int64_t last_id = -1;  // writer thread only; -1 until the first look
};

JobRunner::JobRunner(boost::asio::io_context& loop, StorageWriter& writer,
                     const Clock& clock, JobRunnerOptions options)
    : loop_(loop),
      writer_(writer),
      clock_(clock),
      options_(std::move(options)),
      timer_(std::make_unique<Timer>(loop)),
      outside_timer_(std::make_unique<Timer>(loop)),
      alive_(std::make_shared<bool>(true)),
      hand_over_(std::make_shared<HandOver>()) {
  if (!options_.random) {
    auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
    options_.random = [rng] {
      return std::uniform_real_distribution<double>(0.0, 1.0)(*rng);
    };
  }
}

JobRunner::~JobRunner() { Stop(); }

void JobRunner::Register(const std::string& kind, JobExecutor executor,
                         JobHandOverStep step) {
  executors_[kind] = std::move(executor);
  std::lock_guard<std::mutex> lock(hand_over_->mu);
  auto next = std::make_shared<HandOver::Registered>(*hand_over_->registered);
  next->kinds = Kinds(executors_);
  next->shark_kinds = SharkTankKinds(executors_);
  if (step) {
    next->steps[kind] = std::move(step);
  } else {
    next->steps.erase(kind);
  }
  hand_over_->registered = std::move(next);
}

void JobRunner::PublishHandOverBudget() {
  const size_t busy = active();
  // While due work waits on disk, a job written now must queue behind it
  // (claimed in priority and due order), not be handed over ahead of it.
  hand_over_->budget = behind_ || busy >= options_.max_in_flight
                           ? 0
                           : options_.max_in_flight - busy;
  const size_t shark_slots = 2 * options_.max_in_flight;
  hand_over_->shark_budget = shark_behind_ || busy >= shark_slots ? 0 : shark_slots - busy;
}

void JobRunner::OnDeadLetter(
    std::function<void(const storage::Job&, const std::string&)> fn) {
  on_dead_ = std::move(fn);
}

void JobRunner::OnDone(std::function<void(const storage::Job&)> fn) {
  on_done_ = std::move(fn);
}

std::chrono::milliseconds JobRunner::BackoffDelay(int attempts,
                                                  std::chrono::milliseconds base,
                                                  std::chrono::milliseconds cap,
                                                  double random01) {
  int exponent = std::clamp(attempts - 1, 0, 40);
  double full = static_cast<double>(base.count()) * std::pow(2.0, exponent);
  full = std::min(full, static_cast<double>(cap.count()));
  double jittered = full / 2 + (full / 2) * std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(jittered));
}

void JobRunner::Start() {
  if (started_) return;
  started_ = true;
  std::weak_ptr<bool> alive = alive_;
  PublishHandOverBudget();
  // Every commit looks for jobs it wrote that are due now (a range of the
  // primary key: cheap) and claims them before it commits.
  writer_.BeforeCommit(
      [this, alive, h = hand_over_, &clock = clock_,
       batch = options_.claim_batch](storage::Database& db) -> std::function<void()> {
        try {
          return LookAtWritten(db, *h, clock, batch, alive);
        } catch (const std::exception&) {
          // The writer undoes the look (a step failed): whatever the commit
          // wrote is left to a claim, which nothing else would now ask for.
          boost::asio::post(loop_, [this, alive] {
            if (!alive.expired()) Wake();
          });
          throw;
        }
      });
  SystemTime now = clock_.Now();
  writer_.Call<int>(
      [now](storage::Database& db) {
        storage::JobStore jobs(db.db());
        jobs.AssignMissingPriorities();
        return jobs.RecoverRunning(now);
      },
      [this, alive](Result<int> recovered) {
        if (alive.expired()) return;
        if (recovered.ok() && recovered.value() > 0) {
          logging::Warn("jobs.recovered", {{"count", recovered.value()}});
        }
        Wake();
      });
  // The first reading is the baseline; the writer runs it right after the
  // recovery above, before the first claim, so no outside commit slips
  // between the two unseen.
  if (options_.outside_commit_check > std::chrono::milliseconds(0)) {
    CheckOutsideCommits();
  }
}

// Writer thread, inside the commit: touches only `h` and the database; what
// the loop must do is in the closure it returns.
std::function<void()> JobRunner::LookAtWritten(storage::Database& db, HandOver& h,
                                               const Clock& clock, size_t batch,
                                               std::weak_ptr<bool> alive) {
  storage::JobStore jobs(db.db());
  const int64_t after = h.last_id;
  h.last_id = jobs.LastId();
  if (after < 0 || h.last_id == after) return nullptr;
  std::shared_ptr<const HandOver::Registered> registered;
  {
    std::lock_guard<std::mutex> lock(h.mu);
    registered = h.registered;
  }
  if (registered->kinds.empty()) return nullptr;
  const size_t budget = h.budget.load();
  const size_t shark_budget = h.shark_budget.load();
  const SystemTime now = clock.Now();
  std::vector<storage::Job> claimed;
  if (budget > 0) {
    claimed = jobs.ClaimDueWrittenAfter(after, now, registered->kinds, std::min(budget, batch));
  } else if (shark_budget > 0) {
    claimed = jobs.ClaimDueWrittenAfter(after, now, registered->shark_kinds,
                                        std::min(shark_budget, batch));
  }
  for (storage::Job& job : claimed) {
    job.handed_over = true;
    auto step = registered->steps.find(job.kind);
    if (step != registered->steps.end()) step->second(db, job, now);
  }
  for (std::atomic<size_t>* b : {&h.budget, &h.shark_budget}) {
    size_t left = b->load();
    while (!claimed.empty() &&
           !b->compare_exchange_weak(left, left > claimed.size() ? left - claimed.size() : 0)) {
    }
  }
  // What the commit wrote and did not hand over (due later, or due now
  // beyond the budget) sets the runner's timer, so no commit that wrote
  // jobs needs a claim of its own after it to find them.
  const std::optional<SystemTime> next_due = jobs.NextDueWrittenAfter(after, registered->kinds);
  if (claimed.empty() && !next_due) return nullptr;
  // A runner stopped meanwhile leaves them running: the next start
  // recovers them, as it does a claim in flight at a crash.
  return [this, alive, claimed = std::move(claimed), next_due] {
    if (alive.expired()) return;
    if (!claimed.empty()) {
      stage_trace::Mark(stage_trace::Stage::kHandedOver);
      for (const storage::Job& job : claimed) Execute(job);
    }
    if (next_due) ArmTimer(*next_due);
  };
}

void JobRunner::Stop() {
  if (!alive_) return;
  *alive_ = false;
  alive_.reset();
  writer_.BeforeCommit(nullptr);
  timer_->timer.cancel();
  outside_timer_->timer.cancel();
  started_ = false;
  claimed_since_start_ = false;
}

void JobRunner::ArmOutsideCommitCheck() {
  if (options_.outside_commit_check <= std::chrono::milliseconds(0)) return;
  outside_timer_->timer.expires_after(options_.outside_commit_check);
  std::weak_ptr<bool> alive = alive_;
  outside_timer_->timer.async_wait(
      [this, alive](const boost::system::error_code& ec) {
        if (ec || alive.expired()) return;
        CheckOutsideCommits();
      });
}

void JobRunner::CheckOutsideCommits() {
  std::weak_ptr<bool> alive = alive_;
  writer_.Call<int64_t>(
      [](storage::Database& db) { return db.DataVersion(); },
      [this, alive](Result<int64_t> version) {
        if (alive.expired()) return;
        if (version.ok()) {
          const bool changed =
              data_version_ && *data_version_ != version.value();
          data_version_ = version.value();
          if (changed) {
            logging::Debug("jobs.outside_commit", {});
            Wake();
          }
        }
        ArmOutsideCommitCheck();
      });
}

bool JobRunner::TEST_Idle() const {
  // A wake-up whose time has come is still to do, unless the last claim
  // (made at or after that time) already looked for everything it would.
  const bool wake_due = timer_->armed_for && *timer_->armed_for <= clock_.Now() &&
                        *timer_->armed_for > timer_->last_claim_at;
  return started_ && alive_ && (claimed_since_start_ || executors_.empty()) &&
         !claiming_ && !wake_again_ && in_flight_ == 0 && !wake_due;
}

void JobRunner::Wake() {
  if (!started_ || !alive_) return;
  if (claiming_) {
    wake_again_ = true;
    return;
  }
  Claim();
}

size_t JobRunner::active() const {
  const size_t parked = std::min(parked_ ? parked_() : 0, options_.max_parked);
  return in_flight_ - std::min(parked, in_flight_);
}

void JobRunner::CountParkedWith(std::function<size_t()> parked) {
  parked_ = std::move(parked);
}

void JobRunner::Claim() {
  if (executors_.empty()) return;
  const size_t busy = active();
  const bool full = busy >= options_.max_in_flight;
  if (full) {
    starved_ = true;  // the next job to finish wakes the runner
    behind_ = true;   // and due work may be waiting for it
  }
  // With every slot busy only the shark tank's work is taken (in its own
  // priority and due order, so an older hot lead still goes first), in as
  // many slots again: a flood of hot leads is bounded too.
  const size_t slots = full ? 2 * options_.max_in_flight : options_.max_in_flight;
  if (busy >= slots) shark_behind_ = true;  // so may the shark tank's
  PublishHandOverBudget();
  if (busy >= slots) return;
  std::vector<std::string> kinds = full ? SharkTankKinds(executors_) : Kinds(executors_);
  if (kinds.empty()) return;
  claiming_ = true;
  wake_again_ = false;
  const size_t limit = std::min(options_.claim_batch, slots - busy);
  SystemTime now = clock_.Now();
  timer_->last_claim_at = now;
  struct Claimed {
    std::vector<storage::Job> jobs;
    std::optional<SystemTime> next_due;
  };
  std::weak_ptr<bool> alive = alive_;
  writer_.Call<Claimed>(
      [now, kinds, limit, full](storage::Database& db) {
        storage::JobStore jobs(db.db());
        Claimed c;
        // While full, every commit that writes a job wakes the runner: its
        // claim reads only the shark tank's range of the index, never the
        // backlog of DMs waiting for a slot.
        if (full) {
          constexpr storage::JobPriority kShark = storage::JobPriority::kSharkTank;
          c.jobs = jobs.ClaimDueOfPriority(kShark, now, kinds, limit);
          c.next_due = jobs.NextDueOfPriority(kShark, kinds);
        } else {
          c.jobs = jobs.ClaimDue(now, kinds, limit);
          c.next_due = jobs.NextDueAt(kinds);
        }
        return c;
      },
      [this, alive, limit, full](Result<Claimed> claimed) {
        if (alive.expired()) return;
        claiming_ = false;
        claimed_since_start_ = true;
        if (!claimed.ok()) {
          logging::Error("jobs.claim_failed", {{"error", claimed.status().message()}});
          ArmTimer(clock_.Now() + std::chrono::seconds(1));
          return;
        }
        // A claim that took less than it could has taken every due job (of
        // the kinds it looked for: a claim made while full saw only the
        // shark tank's, and the rest waits for a slot).
        behind_ = full || claimed.value().jobs.size() == limit;
        // Either claim takes the shark tank's work first: one that took
        // fewer than it could left none of it due.
        shark_behind_ = claimed.value().jobs.size() == limit;
        PublishHandOverBudget();
        for (const storage::Job& job : claimed.value().jobs) Execute(job);
        if (claimed.value().jobs.size() == limit || wake_again_) {
          Wake();
        } else if (claimed.value().next_due) {
          ArmTimer(*claimed.value().next_due);
        }
      });
}

void JobRunner::ArmTimer(SystemTime due) {
  SystemTime now = clock_.Now();
  if (timer_->armed_for && *timer_->armed_for <= due && *timer_->armed_for > now) {
    return;  // an earlier wake-up is already set
  }
  auto delay = std::clamp<std::chrono::nanoseconds>(
      due - now, std::chrono::nanoseconds(0), kMaxTimerSleep);
  timer_->armed_for = due;
  timer_->timer.expires_after(delay);
  std::weak_ptr<bool> alive = alive_;
  timer_->timer.async_wait([this, alive](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    timer_->armed_for.reset();
    Wake();
  });
}

void JobRunner::Execute(const storage::Job& job) {
  ++in_flight_;
  PublishHandOverBudget();
  auto it = executors_.find(job.kind);
  auto called = std::make_shared<bool>(false);
  std::weak_ptr<bool> alive = alive_;
  JobDone done = [this, alive, job, called](JobOutcome outcome) {
    if (*called) return;
    *called = true;
    boost::asio::post(loop_, [this, alive, job, outcome = std::move(outcome)] {
      if (alive.expired()) return;
      Finish(job, outcome);
    });
  };
  try {
    it->second(job, done);
  } catch (const std::exception& e) {
    done(JobOutcome::Retry(std::string("executor threw: ") + e.what()));
  }
}

void JobRunner::Finish(const storage::Job& job, JobOutcome outcome) {
  SystemTime now = clock_.Now();
  nlohmann::json fields = JobFields(job);
  bool dead = false;
  std::optional<SystemTime> retry_at;
  bool postponed = false;
  bool waiting = false;
  if (outcome.kind == JobOutcome::Kind::kUnavailable) {
    UnavailableWaitRules rules;
    rules.patience = options_.unavailable_patience;
    rules.base = options_.backoff_base;
    rules.cap = std::min(options_.backoff_cap, kUnavailableBackoffCap);
    const UnavailableWaitDecision wait = DecideUnavailableWait(
        job.waiting_since, now, rules, outcome.retry_after, options_.random());
    fields["service"] = outcome.service;
    fields["error"] = outcome.error;
    if (wait.give_up) {
      dead = true;
      outcome.error += "; " + wait.reason;
      fields["why"] = wait.reason;
      logging::Error("job.dead_letter", fields);
    } else {
      waiting = true;
      retry_at = wait.retry_at;
      fields["retry_in_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  *retry_at - now).count();
      fields["waited_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                now - wait.waiting_since).count();
      logging::Warn("job.waiting", fields);
    }
  } else if (outcome.kind == JobOutcome::Kind::kDone) {
    logging::Debug("job.done", fields);
  } else if (outcome.kind == JobOutcome::Kind::kPostpone) {
    postponed = true;
    retry_at = std::max(outcome.postpone_until, now);
    fields["why"] = outcome.error;
    fields["wait_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                            *retry_at - now).count();
    logging::Info("job.postponed", fields);
  } else if (outcome.kind == JobOutcome::Kind::kPermanentFailure ||
             job.attempts >= job.max_attempts) {
    dead = true;
    fields["error"] = outcome.error;
    logging::Error("job.dead_letter", fields);
  } else {
    auto delay = outcome.retry_after
                     ? *outcome.retry_after
                     : BackoffDelay(job.attempts, options_.backoff_base,
                                    options_.backoff_cap, options_.random());
    retry_at = now + delay;
    fields["error"] = outcome.error;
    fields["retry_in_ms"] = delay.count();
    logging::Warn("job.retry", fields);
  }
  metrics::Global().JobFinished(job.kind, dead        ? "dead_letter"
                                          : postponed ? "postponed"
                                          : retry_at  ? "retry"
                                                      : "done");
  std::weak_ptr<bool> alive = alive_;
  writer_.Submit(
      [job, outcome, now, dead, retry_at, postponed, waiting](storage::Database& db) {
        storage::JobStore jobs(db.db());
        if (dead) jobs.Kill(job.id, outcome.error, now);
        else if (waiting)
          jobs.WaitForService(job.id, outcome.service, *retry_at, outcome.error, now);
        else if (postponed) jobs.Postpone(job.id, *retry_at, outcome.error);
        else if (retry_at) jobs.RetryAt(job.id, *retry_at, outcome.error);
        else jobs.Complete(job.id, now);
      },
      [this, alive, job, outcome, dead, retry_at](const std::string& error) {
        if (alive.expired()) return;
        --in_flight_;
        PublishHandOverBudget();
        if (!error.empty()) {
          // The job stays 'running' in the database; the next start recovers it.
          logging::Error("job.finish_failed", {{"job_id", job.id}, {"error", error}});
        }
        if (dead && error.empty() && on_dead_) on_dead_(job, outcome.error);
        if (!dead && !retry_at && error.empty() && on_done_) on_done_(job);
        if (retry_at) ArmTimer(*retry_at);
        if (starved_) {
          starved_ = false;
          Wake();
        }
      });
}

}  // namespace leadrouter
