#include "bot/runtime/job_runner.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "tests/support/daemon_process.h"
#include "tests/support/fake_clock.h"

using namespace std::chrono_literals;
using leadrouter::JobOutcome;
using leadrouter::JobRunner;
using leadrouter::JobRunnerOptions;
using leadrouter::StorageWriter;
using leadrouter::storage::Job;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::NewJob;
using leadrouter::testing::FakeClock;

namespace {

// Runs the loop until `done` holds; the deadline only guards a broken test.
bool RunUntil(boost::asio::io_context& loop, const std::function<bool()>& done,
              std::chrono::milliseconds deadline = 5s) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    loop.restart();
    loop.run_for(5ms);
  }
  return true;
}

struct Harness {
  explicit Harness(const std::string& path = ":memory:", int max_attempts_default = 4,
                   size_t max_in_flight = 256, size_t max_parked = 256,
                   size_t claim_batch = 64)
      : writer(loop, leadrouter::storage::Database::Open(path)),
        max_attempts(max_attempts_default) {
    JobRunnerOptions options;
    options.max_in_flight = max_in_flight;
    options.max_parked = max_parked;
    options.claim_batch = claim_batch;
    options.backoff_base = 2s;
    options.backoff_cap = 60s;
    options.random = [] { return 1.0; };  // no jitter: the full delay
    runner = std::make_unique<JobRunner>(loop, writer, clock, options);
  }
  ~Harness() {
    runner->Stop();
    writer.Stop();
  }

  int64_t Enqueue(const std::string& kind, leadrouter::SystemTime due) {
    int64_t id = 0;
    bool done = false;
    NewJob job;
    job.kind = kind;
    job.lead_id = 7;
    job.due_at = due;
    job.max_attempts = max_attempts;
    auto now = clock.Now();
    writer.Submit([&, job, now](leadrouter::storage::Database& db) {
                    id = JobStore(db.db()).Enqueue(job, now);
                  },
                  [&](const std::string&) { done = true; });
    RunUntil(loop, [&] { return done; });
    runner->Wake();
    return id;
  }

  Job Get(int64_t id) {
    std::optional<Job> job;
    bool done = false;
    writer.Submit([&](leadrouter::storage::Database& db) { job = JobStore(db.db()).Get(id); },
                  [&](const std::string&) { done = true; });
    RunUntil(loop, [&] { return done; });
    REQUIRE(job.has_value());
    return *job;
  }

  boost::asio::io_context loop;
  FakeClock clock;
  StorageWriter writer;
  int max_attempts;
  std::unique_ptr<JobRunner> runner;
};

// Runs the loop until the runner is idle with nothing due: every job that
// could run has run and been recorded, so "it did not run" means something.
void Settle(Harness& h) {
  REQUIRE(RunUntil(h.loop, [&] { return h.runner->TEST_Idle(); }));
}

}  // namespace

TEST_CASE("a job due now runs as soon as the commit that wrote it wakes the runner",
          "[bot][job_runner]") {
  Harness h;
  int runs = 0;
  h.runner->Register("slack.post", [&](const Job& job, leadrouter::JobDone done) {
    ++runs;
    CHECK(job.lead_id == 7);
    done(JobOutcome::Done());
  });
  h.runner->Start();
  int64_t id = h.Enqueue("slack.post", h.clock.Now());
  REQUIRE(RunUntil(h.loop, [&] { return runs == 1; }));
  Settle(h);
  CHECK(h.Get(id).state == JobState::kDone);
  CHECK(runs == 1);
}

TEST_CASE("a job due later waits for the clock to reach it", "[bot][job_runner]") {
  Harness h;
  int runs = 0;
  h.runner->Register("reminder", [&](const Job&, leadrouter::JobDone done) {
    ++runs;
    done(JobOutcome::Done());
  });
  h.runner->Start();
  h.Enqueue("reminder", h.clock.Now() + 10min);
  Settle(h);
  CHECK(runs == 0);
  h.clock.Advance(10min - 1ms);
  h.runner->Wake();
  Settle(h);
  CHECK(runs == 0);
  h.clock.Advance(1ms);
  h.runner->Wake();
  REQUIRE(RunUntil(h.loop, [&] { return runs == 1; }));
}

TEST_CASE("failures back off exponentially and end in the dead letters",
          "[bot][job_runner]") {
  Harness h(":memory:", 4);
  int runs = 0;
  std::vector<std::string> dead;
  h.runner->Register("webhook", [&](const Job&, leadrouter::JobDone done) {
    ++runs;
    done(JobOutcome::Retry("connection refused"));
  });
  h.runner->OnDeadLetter([&](const Job& job, const std::string& error) {
    dead.push_back(job.kind + ": " + error);
  });
  h.runner->Start();
  auto t0 = h.clock.Now();
  int64_t id = h.Enqueue("webhook", t0);
  REQUIRE(RunUntil(h.loop, [&] { return runs == 1; }));
  Settle(h);

  // Attempt n waits base * 2^(n-1): 2 s, 4 s, 8 s.
  auto expected_due = t0;
  for (auto delay : {2s, 4s, 8s}) {
    expected_due += delay;
    Job job = h.Get(id);
    CHECK(job.state == JobState::kPending);
    CHECK(job.due_at == expected_due);
    CHECK(job.last_error == "connection refused");
    int before = runs;
    h.clock.Set(expected_due - 1ms);
    h.runner->Wake();
    Settle(h);
    CHECK(runs == before);  // not a millisecond early
    h.clock.Set(expected_due);
    h.runner->Wake();
    REQUIRE(RunUntil(h.loop, [&] { return runs == before + 1; }));
    Settle(h);
  }
  Job job = h.Get(id);
  CHECK(job.state == JobState::kDead);
  CHECK(job.attempts == 4);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0] == "webhook: connection refused");
}

TEST_CASE("a retry time named by the executor is honoured exactly", "[bot][job_runner]") {
  Harness h;
  h.runner->Register("slack.post", [&](const Job&, leadrouter::JobDone done) {
    done(JobOutcome::Retry("ratelimited", 30s));
  });
  h.runner->Start();
  auto t0 = h.clock.Now();
  int64_t id = h.Enqueue("slack.post", t0);
  REQUIRE(RunUntil(h.loop, [&] { return h.Get(id).state == JobState::kPending &&
                                        h.Get(id).attempts == 1; }));
  CHECK(h.Get(id).due_at == t0 + 30s);
}

TEST_CASE("a permanent failure goes to the dead letters without retrying",
          "[bot][job_runner]") {
  Harness h;
  int runs = 0;
  h.runner->Register("slack.post", [&](const Job&, leadrouter::JobDone done) {
    ++runs;
    done(JobOutcome::Fail("channel_not_found"));
  });
  h.runner->Start();
  int64_t id = h.Enqueue("slack.post", h.clock.Now());
  REQUIRE(RunUntil(h.loop, [&] { return h.Get(id).state == JobState::kDead; }));
  CHECK(runs == 1);
  CHECK(h.Get(id).last_error == "channel_not_found");
}

TEST_CASE("an executor that throws is retried and the runner keeps going",
          "[bot][job_runner]") {
  Harness h;
  int runs = 0;
  h.runner->Register("flaky", [&](const Job&, leadrouter::JobDone done) {
    if (++runs == 1) throw std::runtime_error("boom");
    done(JobOutcome::Done());
  });
  h.runner->Start();
  int64_t id = h.Enqueue("flaky", h.clock.Now());
  REQUIRE(RunUntil(h.loop, [&] { return h.Get(id).attempts == 1 &&
                                        h.Get(id).state == JobState::kPending; }));
  CHECK(h.Get(id).last_error.find("boom") != std::string::npos);
  h.clock.Advance(2s);
  h.runner->Wake();
  REQUIRE(RunUntil(h.loop, [&] { return h.Get(id).state == JobState::kDone; }));
}

TEST_CASE("kinds nobody executes stay queued", "[bot][job_runner]") {
  Harness h;
  h.runner->Register("other", [](const Job&, leadrouter::JobDone done) {
    done(JobOutcome::Done());
  });
  h.runner->Start();
  int64_t id = h.Enqueue("slack.post", h.clock.Now());
  Settle(h);
  CHECK(h.Get(id).state == JobState::kPending);
  CHECK(h.Get(id).attempts == 0);
}

TEST_CASE("jobs a crash left running are run again after a restart", "[bot][job_runner]") {
  leadrouter::testing::TempDir dir;
  std::string path = dir.File("jobs.db");
  int64_t id = 0;
  {
    Harness first(path);
    bool started = false;
    // Never calls done: the process "dies" mid-job.
    first.runner->Register("slack.post", [&](const Job&, leadrouter::JobDone) { started = true; });
    first.runner->Start();
    id = first.Enqueue("slack.post", first.clock.Now());
    REQUIRE(RunUntil(first.loop, [&] { return started; }));
    CHECK(first.Get(id).state == JobState::kRunning);
  }
  Harness second(path);
  int runs = 0;
  second.runner->Register("slack.post", [&](const Job& job, leadrouter::JobDone done) {
    ++runs;
    CHECK(job.attempts == 2);
    done(JobOutcome::Done());
  });
  second.runner->Start();
  REQUIRE(RunUntil(second.loop, [&] { return runs == 1; }));
  Settle(second);
  CHECK(second.Get(id).state == JobState::kDone);
}

TEST_CASE("backoff doubles, is capped, and jitter stays within half of it",
          "[bot][job_runner]") {
  using std::chrono::milliseconds;
  CHECK(JobRunner::BackoffDelay(1, 2s, 60s, 1.0) == 2s);
  CHECK(JobRunner::BackoffDelay(2, 2s, 60s, 1.0) == 4s);
  CHECK(JobRunner::BackoffDelay(5, 2s, 60s, 1.0) == 32s);
  CHECK(JobRunner::BackoffDelay(6, 2s, 60s, 1.0) == 60s);
  CHECK(JobRunner::BackoffDelay(60, 2s, 60s, 1.0) == 60s);
  CHECK(JobRunner::BackoffDelay(3, 2s, 60s, 0.0) == 4s);
  CHECK(JobRunner::BackoffDelay(3, 2s, 60s, 0.5) == 6s);
}

namespace {

// What `leadrouter dlq replay` does from a shell: its own connection to the
// file, a dead job back to pending, and no way to wake the runner.
void ReplayFromOutside(const std::string& path, int64_t id,
                       leadrouter::SystemTime now) {
  auto other = leadrouter::storage::Database::Open(path);
  REQUIRE(JobStore(other->db()).Replay(id, now));
}

}  // namespace

TEST_CASE("a job another process replays runs without anyone waking the runner",
          "[bot][job_runner]") {
  leadrouter::testing::TempDir dir;
  const std::string path = dir.File("jobs.db");
  Harness h(path, /*max_attempts_default=*/1);
  int runs = 0;
  bool fail = true;
  h.runner->Register("slack.post", [&](const Job&, leadrouter::JobDone done) {
    ++runs;
    done(fail ? JobOutcome::Fail("channel_not_found") : JobOutcome::Done());
  });
  h.runner->Start();
  const int64_t id = h.Enqueue("slack.post", h.clock.Now());
  REQUIRE(RunUntil(h.loop, [&] { return h.Get(id).state == JobState::kDead; }));
  fail = false;

  ReplayFromOutside(path, id, h.clock.Now());
  // The harness checks every 2 s (the default); no Wake() is called here.
  REQUIRE(RunUntil(h.loop, [&] { return runs == 2; }, 6s));
  Settle(h);
  CHECK(h.Get(id).state == JobState::kDone);
}

TEST_CASE("without the outside-commit check a shell replay would wait",
          "[bot][job_runner]") {
  leadrouter::testing::TempDir dir;
  const std::string path = dir.File("jobs.db");
  Harness h(path, /*max_attempts_default=*/1);
  h.runner.reset();
  JobRunnerOptions options;
  options.outside_commit_check = 0ms;
  h.runner = std::make_unique<JobRunner>(h.loop, h.writer, h.clock, options);
  int runs = 0;
  h.runner->Register("slack.post", [&](const Job&, leadrouter::JobDone done) {
    ++runs;
    done(runs == 1 ? JobOutcome::Fail("channel_not_found") : JobOutcome::Done());
  });
  h.runner->Start();
  const int64_t id = h.Enqueue("slack.post", h.clock.Now());
  REQUIRE(RunUntil(h.loop, [&] { return h.Get(id).state == JobState::kDead; }));

  ReplayFromOutside(path, id, h.clock.Now());
  Settle(h);
  // Nothing is left on the loop (no timer, no storage round trip), so
  // nothing will ever notice the replay by itself.
  h.loop.restart();
  h.loop.run();
  CHECK(runs == 1);
  CHECK(h.Get(id).state == JobState::kPending);
  h.runner->Wake();
  CHECK(RunUntil(h.loop, [&] { return runs == 2; }));
}

TEST_CASE("a postponed job waits for its time and never dead-letters from waiting",
          "[bot][job_runner]") {
  Harness h(":memory:", /*max_attempts_default=*/2);
  int runs = 0;
  h.runner->Register("sequence.sms", [&](const Job&, leadrouter::JobDone done) {
    ++runs;
    if (runs <= 5) {
      done(JobOutcome::Postpone(h.clock.Now() + 8h, "outside the send window"));
    } else {
      done(JobOutcome::Done());
    }
  });
  h.runner->Start();
  auto t0 = h.clock.Now();
  int64_t id = h.Enqueue("sequence.sms", t0);
  REQUIRE(RunUntil(h.loop, [&] { return runs == 1 && h.Get(id).state == JobState::kPending; }));
  CHECK(h.Get(id).due_at == t0 + 8h);
  CHECK(h.Get(id).attempts == 0);
  CHECK(h.Get(id).last_error == "outside the send window");
  // Five waits with max_attempts = 2: a failure count would have killed it.
  for (int i = 1; i <= 5; ++i) {
    h.clock.Advance(8h);
    h.runner->Wake();
    REQUIRE(RunUntil(h.loop, [&] { return runs == i + 1; }));
  }
  REQUIRE(RunUntil(h.loop, [&] { return h.Get(id).state == JobState::kDone; }));
}

TEST_CASE("due work is taken by priority: the shark tank before older DMs",
          "[bot][job_runner][priority]") {
  Harness h(":memory:", 4, /*max_in_flight=*/1);
  std::vector<std::string> order;
  auto record = [&](const Job& job, leadrouter::JobDone done) {
    order.push_back(job.kind);
    done(JobOutcome::Done());
  };
  h.runner->Register("slack.dm_lead_card", record);
  h.runner->Register("slack.post_shark_tank", record);
  h.runner->Register("sequence.sms", record);
  h.Enqueue("sequence.sms", h.clock.Now() - 10s);
  h.Enqueue("slack.dm_lead_card", h.clock.Now() - 5s);
  h.Enqueue("slack.dm_lead_card", h.clock.Now() - 4s);
  h.Enqueue("slack.post_shark_tank", h.clock.Now());
  h.runner->Start();
  REQUIRE(RunUntil(h.loop, [&] { return order.size() == 4; }));
  CHECK(order == std::vector<std::string>{"slack.post_shark_tank", "slack.dm_lead_card",
                                          "slack.dm_lead_card", "sequence.sms"});
}

TEST_CASE("with every slot busy, the shark tank's work still runs and the rest waits for a slot",
          "[bot][job_runner][priority]") {
  Harness h(":memory:", 4, /*max_in_flight=*/1);
  std::vector<leadrouter::JobDone> holding;  // DMs at work, not finished
  std::vector<std::string> posted;
  h.runner->Register("slack.dm_lead_card", [&](const Job&, leadrouter::JobDone done) {
    holding.push_back(std::move(done));
  });
  h.runner->Register("slack.post_shark_tank", [&](const Job& job, leadrouter::JobDone done) {
    posted.push_back(std::to_string(job.id));
    done(JobOutcome::Done());
  });
  h.runner->Start();
  h.Enqueue("slack.dm_lead_card", h.clock.Now());
  REQUIRE(RunUntil(h.loop, [&] { return holding.size() == 1; }));
  const int64_t waiting_dm = h.Enqueue("slack.dm_lead_card", h.clock.Now());
  const int64_t first_hot = h.Enqueue("slack.post_shark_tank", h.clock.Now());
  const int64_t second_hot = h.Enqueue("slack.post_shark_tank", h.clock.Now());
  REQUIRE(RunUntil(h.loop, [&] { return posted.size() == 2; }));
  CHECK(posted == std::vector<std::string>{std::to_string(first_hot), std::to_string(second_hot)});
  // The one slot is still the first DM's: the second waits on disk.
  CHECK(holding.size() == 1);
  CHECK(h.Get(waiting_dm).state == JobState::kPending);
  holding[0](JobOutcome::Done());
  REQUIRE(RunUntil(h.loop, [&] { return holding.size() == 2; }));
  CHECK(h.Get(waiting_dm).state == JobState::kRunning);
  holding[1](JobOutcome::Done());
  Settle(h);
  CHECK(h.Get(waiting_dm).state == JobState::kDone);
}

TEST_CASE("with every slot busy, the shark tank's work takes at most as many slots again",
          "[bot][job_runner][priority]") {
  Harness h(":memory:", 4, /*max_in_flight=*/1);
  std::vector<leadrouter::JobDone> dms, hot;  // at work, not finished
  h.runner->Register("slack.dm_lead_card", [&](const Job&, leadrouter::JobDone done) {
    dms.push_back(std::move(done));
  });
  h.runner->Register("slack.post_shark_tank", [&](const Job&, leadrouter::JobDone done) {
    hot.push_back(std::move(done));
  });
  h.runner->Start();
  h.Enqueue("slack.dm_lead_card", h.clock.Now());
  REQUIRE(RunUntil(h.loop, [&] { return dms.size() == 1; }));
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(h.Enqueue("slack.post_shark_tank", h.clock.Now()));
  REQUIRE(RunUntil(h.loop, [&] { return hot.size() == 1; }));
  // Each read goes through the writer after the claims the wake-ups asked
  // for, so they have all answered: one slot again, one hot post at work.
  CHECK(h.Get(ids[1]).state == JobState::kPending);
  CHECK(h.Get(ids[2]).state == JobState::kPending);
  CHECK(hot.size() == 1);
  hot[0](JobOutcome::Done());
  REQUIRE(RunUntil(h.loop, [&] { return hot.size() == 2; }));
  CHECK(h.Get(ids[2]).state == JobState::kPending);
  CHECK(hot.size() == 2);
  hot[1](JobOutcome::Done());
  REQUIRE(RunUntil(h.loop, [&] { return hot.size() == 3; }));
  hot[2](JobOutcome::Done());
  dms[0](JobOutcome::Done());
  Settle(h);
  for (int64_t id : ids) CHECK(h.Get(id).state == JobState::kDone);
}

// DMs wait in their lane (as conversations.open's pace makes them), the way
// the Web API client parks calls: counted, and the runner woken. A shark-tank
// post goes at once.
struct ParkingLane {
  explicit ParkingLane(Harness& h) {
    h.runner->Register("slack.dm_lead_card", [this, &h](const Job&, leadrouter::JobDone done) {
      lane.push_back(std::move(done));
      ++parked;
      h.runner->Wake();
    });
    h.runner->Register("slack.post_shark_tank", [this](const Job&, leadrouter::JobDone done) {
      ++posted;
      done(JobOutcome::Done());
    });
  }
  std::vector<leadrouter::JobDone> lane;
  size_t parked = 0;
  int posted = 0;
};

TEST_CASE("jobs waiting for a rate-limit lane hold no in-flight slot",
          "[bot][job_runner][priority]") {
  Harness h(":memory:", 4, /*max_in_flight=*/2);
  ParkingLane dms(h);
  std::vector<leadrouter::JobDone>& lane = dms.lane;
  size_t& parked = dms.parked;
  int& posted = dms.posted;

  SECTION("with the lane's waits counted, a hot lead behind 10 DMs goes at once") {
    h.runner->CountParkedWith([&] { return parked; });
    h.runner->Start();
    for (int i = 0; i < 10; ++i) h.Enqueue("slack.dm_lead_card", h.clock.Now());
    REQUIRE(RunUntil(h.loop, [&] { return lane.size() == 10; }));
    CHECK(h.runner->in_flight() == 10);
    CHECK(h.runner->active() == 0);
    h.Enqueue("slack.post_shark_tank", h.clock.Now());
    REQUIRE(RunUntil(h.loop, [&] { return posted == 1; }));
    // The lane drains at its own pace; every DM still completes.
    for (auto& done : lane) {
      --parked;
      done(JobOutcome::Done());
    }
    REQUIRE(RunUntil(h.loop, [&] { return h.runner->in_flight() == 0; }));
  }
  SECTION("without it, two waiting DMs fill the runner until one finishes; the shark "
          "tank still goes") {
    h.runner->Start();
    for (int i = 0; i < 3; ++i) h.Enqueue("slack.dm_lead_card", h.clock.Now());
    // Both slots are taken by the DMs the runner handed out.
    REQUIRE(RunUntil(h.loop, [&] { return lane.size() == 2; }));
    CHECK(h.runner->active() == 2);
    // With no slot free it claims only the shark tank's work: the hot lead
    // goes at once, the third DM waits.
    h.Enqueue("slack.post_shark_tank", h.clock.Now());
    REQUIRE(RunUntil(h.loop, [&] { return posted == 1; }));
    CHECK(lane.size() == 2);
    // A finished DM frees its slot, and the runner (starved until then)
    // looks again.
    lane[0](JobOutcome::Done());
    REQUIRE(RunUntil(h.loop, [&] { return lane.size() == 3; }));
  }
}

TEST_CASE("beyond max_parked, jobs waiting for a lane hold slots and the rest of a "
          "burst waits on disk",
          "[bot][job_runner][priority]") {
  Harness h(":memory:", 4, /*max_in_flight=*/2, /*max_parked=*/3);
  ParkingLane dms(h);
  std::vector<leadrouter::JobDone>& lane = dms.lane;
  size_t& parked = dms.parked;
  int& posted = dms.posted;
  h.runner->CountParkedWith([&] { return parked; });
  h.runner->Start();
  for (int i = 0; i < 10; ++i) h.Enqueue("slack.dm_lead_card", h.clock.Now());
  h.Enqueue("slack.post_shark_tank", h.clock.Now() + 1s);
  // Three waiting DMs ride free, two more fill the slots: five in memory.
  REQUIRE(RunUntil(h.loop, [&] { return lane.size() == 5; }));
  CHECK(h.runner->in_flight() == 5);
  CHECK(h.runner->active() == 2);
  int64_t pending = -1;
  bool counted = false;
  h.writer.Submit(
      [&](leadrouter::storage::Database& db) {
        pending = db.db().execAndGet("SELECT COUNT(*) FROM jobs WHERE state = 'pending'")
                      .getInt64();
      },
      [&](const std::string&) { counted = true; });
  REQUIRE(RunUntil(h.loop, [&] { return counted; }));
  CHECK(pending == 6);  // five DMs and the hot lead's post, not yet due
  CHECK(lane.size() == 5);

  // The hot lead comes due with every slot busy: the shark tank's work is
  // taken in as many slots again, at once, while the five DMs still on
  // disk wait for a slot.
  h.clock.Advance(1s);
  h.runner->Wake();
  REQUIRE(RunUntil(h.loop, [&] { return posted == 1; }));
  CHECK(lane.size() == 5);
  // Every DM still gets its turn as the lane drains.
  size_t drained = 0;
  while (drained < 10) {
    REQUIRE(RunUntil(h.loop, [&] { return lane.size() > drained; }));
    --parked;
    lane[drained++](JobOutcome::Done());
  }
  REQUIRE(RunUntil(h.loop, [&] { return h.runner->in_flight() == 0; }));
}

TEST_CASE("a job written while due jobs wait on disk runs after them, not handed "
          "over ahead",
          "[bot][job_runner][priority]") {
  // One job per claim: the three written before the start take three
  // claims, and the fourth is written while the first is under way.
  Harness h(":memory:", 4, /*max_in_flight=*/8, /*max_parked=*/0, /*claim_batch=*/1);
  std::vector<int64_t> order;
  h.runner->Register("slack.dm_lead_card", [&](const Job& job, leadrouter::JobDone done) {
    order.push_back(job.id);
    done(JobOutcome::Done());
  });
  const int64_t first = h.Enqueue("slack.dm_lead_card", h.clock.Now() - 3s);
  const int64_t second = h.Enqueue("slack.dm_lead_card", h.clock.Now() - 2s);
  const int64_t third = h.Enqueue("slack.dm_lead_card", h.clock.Now() - 1s);
  h.runner->Start();
  const int64_t fourth = h.Enqueue("slack.dm_lead_card", h.clock.Now());
  REQUIRE(RunUntil(h.loop, [&] { return order.size() == 4; }));
  CHECK(order == std::vector<int64_t>{first, second, third, fourth});
}

TEST_CASE("a job waiting for an unavailable service keeps its attempts and waits "
          "as long as its patience",
          "[bot][job_runner][unavailable]") {
  boost::asio::io_context loop;
  FakeClock clock;
  StorageWriter writer(loop, leadrouter::storage::Database::Open(":memory:"));
  JobRunnerOptions options;
  options.backoff_base = 2s;
  options.backoff_cap = 15min;
  options.unavailable_patience = 1h;
  options.random = [] { return 0.999; };
  JobRunner runner(loop, writer, clock, options);
  int runs = 0;
  bool slack_up = false;
  runner.Register("slack.dm_lead_card", [&](const Job&, leadrouter::JobDone done) {
    ++runs;
    done(slack_up ? JobOutcome::Done() : JobOutcome::Unavailable("slack", "http_503"));
  });
  runner.Start();
  int64_t id = 0;
  bool written = false;
  const auto t0 = clock.Now();
  writer.Submit([&](leadrouter::storage::Database& db) {
                  NewJob job;
                  job.kind = "slack.dm_lead_card";
                  job.due_at = t0;
                  job.max_attempts = 3;
                  id = JobStore(db.db()).Enqueue(job, t0);
                },
                [&](const std::string&) { written = true; });
  REQUIRE(RunUntil(loop, [&] { return written; }));
  runner.Wake();
  auto get = [&] {
    std::optional<Job> job;
    bool done = false;
    writer.Submit([&](leadrouter::storage::Database& db) { job = JobStore(db.db()).Get(id); },
                  [&](const std::string&) { done = true; });
    RunUntil(loop, [&] { return done; });
    return *job;
  };
  // Thirty minutes of Slack down: far more tries than max_attempts = 3.
  // Each round's try (the first, then the one the clock's move made due)
  // has run and been recorded as a wait before the clock moves again.
  int tries = 0;
  while (clock.Now() < t0 + 30min) {
    ++tries;
    REQUIRE(RunUntil(loop, [&] {
      return runs == tries && get().state == JobState::kPending;
    }));
    const Job waiting = get();
    CHECK(waiting.attempts == 0);
    CHECK(waiting.waiting_on == "slack");
    CHECK(waiting.waiting_since == t0);
    CHECK(waiting.due_at - clock.Now() <= 60s);  // capped near a minute
    clock.Advance(waiting.due_at - clock.Now());
    runner.Wake();
  }
  CHECK(runs > 10);
  slack_up = true;
  const int before = runs;
  REQUIRE(RunUntil(loop, [&] { return runs > before; }));
  REQUIRE(RunUntil(loop, [&] { return get().state == JobState::kDone; }));
  runner.Stop();
  writer.Stop();
}

TEST_CASE("a job that waited out its patience becomes a dead letter saying so",
          "[bot][job_runner][unavailable]") {
  Harness h;
  std::string dead_error;
  h.runner->OnDeadLetter([&](const Job&, const std::string& error) { dead_error = error; });
  h.runner->Register("sequence.sms", [&](const Job&, leadrouter::JobDone done) {
    done(JobOutcome::Unavailable("sms", "Twilio unreachable: connection refused"));
  });
  h.runner->Start();
  const int64_t id = h.Enqueue("sequence.sms", h.clock.Now());
  REQUIRE(RunUntil(h.loop, [&] { return h.Get(id).waiting_since.has_value(); }));
  // The default patience is a day; jump past it.
  h.clock.Advance(25h);
  h.runner->Wake();
  REQUIRE(RunUntil(h.loop, [&] { return h.Get(id).state == JobState::kDead; }));
  CHECK(dead_error.find("Twilio unreachable") != std::string::npos);
  CHECK(dead_error.find("jobs.unavailable_patience") != std::string::npos);
}

TEST_CASE("a permanent failure still dead-letters at once after a wait",
          "[bot][job_runner][unavailable]") {
  Harness h;
  int runs = 0;
  h.runner->Register("slack.post_shark_tank", [&](const Job&, leadrouter::JobDone done) {
    ++runs;
    done(runs == 1 ? JobOutcome::Unavailable("slack", "http_503")
                   : JobOutcome::Fail("channel_not_found"));
  });
  h.runner->Start();
  const int64_t id = h.Enqueue("slack.post_shark_tank", h.clock.Now());
  REQUIRE(RunUntil(h.loop, [&] { return runs == 1 && h.Get(id).state == JobState::kPending; }));
  h.clock.Advance(2s);
  h.runner->Wake();
  REQUIRE(RunUntil(h.loop, [&] { return h.Get(id).state == JobState::kDead; }));
  CHECK(h.Get(id).last_error == "channel_not_found");
}

namespace {

// Writes a job due now without waking the runner: only the hand-over can
// run it before the commit's own completion.
int64_t EnqueueQuietly(Harness& h, const std::string& kind, std::function<void()> on_done,
                       std::chrono::milliseconds due_in = 0ms) {
  auto id = std::make_shared<int64_t>(0);
  NewJob job;
  job.kind = kind;
  job.lead_id = 7;
  job.due_at = h.clock.Now() + due_in;
  job.max_attempts = 4;
  const auto now = h.clock.Now();
  bool done = false;
  h.writer.Submit([id, job, now](leadrouter::storage::Database& db) {
                    *id = JobStore(db.db()).Enqueue(job, now);
                  },
                  [&done, on_done](const std::string& e) {
                    CHECK(e.empty());
                    on_done();
                    done = true;
                  });
  REQUIRE(RunUntil(h.loop, [&] { return done; }));
  return *id;
}

}  // namespace

TEST_CASE("a job due now is handed over by the commit that wrote it, before that "
          "commit's completion and with no claim of its own",
          "[bot][job_runner][hand_over]") {
  Harness h;
  std::vector<Job> ran;
  std::vector<leadrouter::storage::JobState> state_in_step;
  h.runner->Register(
      "slack.post",
      [&](const Job& job, leadrouter::JobDone done) {
        ran.push_back(job);
        done(JobOutcome::Done());
      },
      [&](leadrouter::storage::Database& db, const Job& job, leadrouter::SystemTime) {
        // Inside the writing transaction, after the claim.
        state_in_step.push_back(JobStore(db.db()).Get(job.id)->state);
      });
  h.runner->Start();
  Settle(h);
  size_t ran_before_completion = 99;
  int64_t id = EnqueueQuietly(h, "slack.post", [&] { ran_before_completion = ran.size(); });
  CHECK(ran_before_completion == 1);
  REQUIRE(ran.size() == 1);
  CHECK(ran[0].id == id);
  CHECK(ran[0].handed_over);
  CHECK(ran[0].attempts == 1);
  CHECK(ran[0].state == JobState::kRunning);
  CHECK(state_in_step == std::vector<JobState>{JobState::kRunning});
  Settle(h);
  CHECK(h.Get(id).state == JobState::kDone);
  CHECK(ran.size() == 1);
}

TEST_CASE("with every slot busy a hot lead's post is still handed over by its commit, "
          "within the shark tank's extra slots",
          "[bot][job_runner][hand_over][priority]") {
  Harness h(":memory:", 4, /*max_in_flight=*/1);
  std::vector<leadrouter::JobDone> dms;
  std::vector<Job> hot;
  std::vector<leadrouter::JobDone> hot_done;
  h.runner->Register("slack.dm_lead_card", [&](const Job&, leadrouter::JobDone done) {
    dms.push_back(std::move(done));
  });
  h.runner->Register("slack.post_shark_tank", [&](const Job& job, leadrouter::JobDone done) {
    hot.push_back(job);
    hot_done.push_back(std::move(done));
  });
  h.runner->Start();
  Settle(h);
  EnqueueQuietly(h, "slack.dm_lead_card", [] {});
  REQUIRE(dms.size() == 1);  // the one slot is taken

  size_t hot_at_completion = 99;
  const int64_t first = EnqueueQuietly(h, "slack.post_shark_tank",
                                       [&] { hot_at_completion = hot.size(); });
  CHECK(hot_at_completion == 1);
  REQUIRE(hot.size() == 1);
  CHECK(hot[0].id == first);
  CHECK(hot[0].handed_over);

  SECTION("beyond the extra slots it waits on disk, and a slot freed claims it") {
    hot_at_completion = 99;
    const int64_t second = EnqueueQuietly(h, "slack.post_shark_tank",
                                          [&] { hot_at_completion = hot.size(); });
    CHECK(hot_at_completion == 1);
    CHECK(h.Get(second).state == JobState::kPending);
    CHECK(hot.size() == 1);
    hot_done[0](JobOutcome::Done());
    REQUIRE(RunUntil(h.loop, [&] { return hot.size() == 2; }));
    CHECK(hot[1].id == second);
    CHECK_FALSE(hot[1].handed_over);
    hot_done[1](JobOutcome::Done());
    dms[0](JobOutcome::Done());
  }
  SECTION("a DM written while the shark tank has a slot is not handed over") {
    hot_done[0](JobOutcome::Done());
    REQUIRE(RunUntil(h.loop, [&] { return h.Get(first).state == JobState::kDone; }));
    const int64_t dm = EnqueueQuietly(h, "slack.dm_lead_card", [] {});
    CHECK(h.Get(dm).state == JobState::kPending);
    CHECK(dms.size() == 1);
    dms[0](JobOutcome::Done());
    REQUIRE(RunUntil(h.loop, [&] { return dms.size() == 2; }));
    dms[1](JobOutcome::Done());
  }
  Settle(h);
}

TEST_CASE("jobs due later, of kinds nobody runs, or from a failed hand-over step are "
          "left to the usual claim",
          "[bot][job_runner][hand_over]") {
  Harness h;
  std::vector<Job> ran;
  bool step_throws = true;
  h.runner->Register(
      "slack.post",
      [&](const Job& job, leadrouter::JobDone done) {
        ran.push_back(job);
        done(JobOutcome::Done());
      },
      [&](leadrouter::storage::Database&, const Job&, leadrouter::SystemTime) {
        if (step_throws) throw std::runtime_error("cannot record the intent");
      });
  h.runner->Start();
  Settle(h);

  SECTION("a throwing step: the job is not handed over, and a claim runs it once "
          "without anyone waking the runner") {
    bool handed_over_at_completion = true;
    int64_t id = EnqueueQuietly(h, "slack.post",
                                [&] { handed_over_at_completion = !ran.empty(); });
    CHECK_FALSE(handed_over_at_completion);
    REQUIRE(RunUntil(h.loop, [&] { return ran.size() == 1; }));
    CHECK(ran[0].id == id);
    CHECK_FALSE(ran[0].handed_over);
    CHECK(ran[0].attempts == 1);
    Settle(h);
    CHECK(ran.size() == 1);
  }
  SECTION("a kind with no executor stays pending") {
    int64_t id = EnqueueQuietly(h, "nobody.runs", [] {});
    Settle(h);
    CHECK(h.Get(id).state == JobState::kPending);
  }
  SECTION("a job due later waits for its time") {
    step_throws = false;
    int64_t id = h.Enqueue("slack.post", h.clock.Now() + 1min);
    Settle(h);
    CHECK(ran.empty());
    CHECK(h.Get(id).state == JobState::kPending);
  }
}

TEST_CASE("a commit that writes a job due later sets the runner's wake-up itself",
          "[bot][job_runner][hand_over]") {
  Harness h;
  int runs = 0;
  h.runner->Register("reminder", [&](const Job&, leadrouter::JobDone done) {
    ++runs;
    done(JobOutcome::Done());
  });
  h.runner->Start();
  Settle(h);
  // Written without a Wake(): only the commit's own look can know of it.
  const int64_t id = EnqueueQuietly(h, "reminder", [] {}, 10min);
  Settle(h);
  CHECK(runs == 0);
  h.clock.Advance(10min - 1ms);
  CHECK(h.runner->TEST_Idle());
  h.clock.Advance(1ms);
  // The runner's wake-up for it is now due.
  CHECK_FALSE(h.runner->TEST_Idle());
  h.runner->Wake();  // what the timer does when it fires
  REQUIRE(RunUntil(h.loop, [&] { return runs == 1; }));
  Settle(h);
  CHECK(h.Get(id).state == JobState::kDone);
}

TEST_CASE("a handed-over job whose process dies is run again after a restart",
          "[bot][job_runner][hand_over]") {
  leadrouter::testing::TempDir dir;
  std::string path = dir.File("handed.db");
  int64_t id = 0;
  {
    Harness first(path);
    bool started = false;
    // Never calls done: the process "dies" with the job handed over.
    first.runner->Register("slack.post", [&](const Job& job, leadrouter::JobDone) {
      CHECK(job.handed_over);
      started = true;
    });
    first.runner->Start();
    Settle(first);
    id = EnqueueQuietly(first, "slack.post", [] {});
    REQUIRE(started);
    CHECK(first.Get(id).state == JobState::kRunning);
  }
  Harness second(path);
  int runs = 0;
  second.runner->Register("slack.post", [&](const Job& job, leadrouter::JobDone done) {
    ++runs;
    CHECK(job.attempts == 2);
    CHECK_FALSE(job.handed_over);
    done(JobOutcome::Done());
  });
  second.runner->Start();
  REQUIRE(RunUntil(second.loop, [&] { return runs == 1; }));
  Settle(second);
  CHECK(second.Get(id).state == JobState::kDone);
  CHECK(runs == 1);
}
