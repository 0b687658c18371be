#include "storage/job_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Database;
using leadrouter::storage::Job;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::NewJob;
using leadrouter::storage::TimePoint;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::TempDbFile;

namespace {

NewJob MakeJob(const std::string& kind, TimePoint due,
               std::optional<int64_t> lead_id = std::nullopt) {
  NewJob job;
  job.kind = kind;
  job.due_at = due;
  job.lead_id = lead_id;
  return job;
}

std::vector<int64_t> Ids(const std::vector<Job>& jobs) {
  std::vector<int64_t> ids;
  for (const Job& j : jobs) ids.push_back(j.id);
  return ids;
}

const std::vector<std::string> kSlack = {"slack.post"};

}  // namespace

TEST_CASE("an enqueued job reads back as pending with its fields",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  NewJob job = MakeJob("slack.post", kT0 + 5min, 42);
  job.payload = {{"channel", "C0123SHARK"}, {"n", 3}};
  job.max_attempts = 5;
  int64_t id = jobs.Enqueue(job, kT0);

  std::optional<Job> stored = jobs.Get(id);
  REQUIRE(stored.has_value());
  CHECK(stored->kind == "slack.post");
  CHECK(stored->lead_id == 42);
  CHECK(stored->payload == job.payload);
  CHECK(stored->due_at == kT0 + 5min);
  CHECK(stored->created_at == kT0);
  CHECK(stored->attempts == 0);
  CHECK(stored->max_attempts == 5);
  CHECK(stored->state == JobState::kPending);
  CHECK(stored->last_error.empty());

  int64_t no_lead = jobs.Enqueue(MakeJob("slack.ops_alert", kT0), kT0);
  CHECK_FALSE(jobs.Get(no_lead)->lead_id.has_value());
  CHECK_FALSE(jobs.Get(no_lead + 1).has_value());
}

TEST_CASE(
    "ClaimDue takes only due jobs of the asked kinds, oldest due first, up to "
    "the limit",
    "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  int64_t later = jobs.Enqueue(MakeJob("slack.post", kT0 + 10s), kT0);
  int64_t second = jobs.Enqueue(MakeJob("slack.post", kT0 - 1s), kT0);
  int64_t first = jobs.Enqueue(MakeJob("slack.post", kT0 - 2s), kT0);
  int64_t other_kind = jobs.Enqueue(MakeJob("webhook.crm", kT0 - 5s), kT0);
  int64_t third = jobs.Enqueue(MakeJob("slack.post", kT0), kT0);

  SECTION("due_at in the future is not claimed") {
    std::vector<Job> claimed = jobs.ClaimDue(kT0, kSlack, 10);
    CHECK(Ids(claimed) == std::vector<int64_t>{first, second, third});
    CHECK(jobs.Get(later)->state == JobState::kPending);
    CHECK(jobs.ClaimDue(kT0 + 10s, kSlack, 10).size() == 1);
  }
  SECTION("other kinds stay pending") {
    jobs.ClaimDue(kT0, kSlack, 10);
    CHECK(jobs.Get(other_kind)->state == JobState::kPending);
    CHECK(Ids(jobs.ClaimDue(kT0, {"slack.post", "webhook.crm"}, 10)) ==
          std::vector<int64_t>{other_kind});
  }
  SECTION("the limit takes the oldest due first") {
    CHECK(Ids(jobs.ClaimDue(kT0, kSlack, 2)) ==
          std::vector<int64_t>{first, second});
    CHECK(Ids(jobs.ClaimDue(kT0, kSlack, 2)) == std::vector<int64_t>{third});
  }
  SECTION(
      "claimed jobs are running with one more attempt and are not claimed "
      "twice") {
    std::vector<Job> claimed = jobs.ClaimDue(kT0, kSlack, 1);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].state == JobState::kRunning);
    CHECK(claimed[0].attempts == 1);
    CHECK(jobs.Get(first)->state == JobState::kRunning);
    CHECK(Ids(jobs.ClaimDue(kT0, kSlack, 10)) ==
          std::vector<int64_t>{second, third});
  }
  SECTION("no kinds or a zero limit claims nothing") {
    CHECK(jobs.ClaimDue(kT0, {}, 10).empty());
    CHECK(jobs.ClaimDue(kT0, kSlack, 0).empty());
    CHECK(jobs.CountByState(JobState::kPending) == 5);
  }
}

TEST_CASE("NextDueAt is the earliest pending due time among the kinds",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  CHECK_FALSE(jobs.NextDueAt(kSlack).has_value());
  jobs.Enqueue(MakeJob("slack.post", kT0 + 30s), kT0);
  jobs.Enqueue(MakeJob("slack.post", kT0 + 10s), kT0);
  jobs.Enqueue(MakeJob("webhook.crm", kT0 + 1s), kT0);
  CHECK(jobs.NextDueAt(kSlack) == kT0 + 10s);
  CHECK(jobs.NextDueAt({"slack.post", "webhook.crm"}) == kT0 + 1s);
  CHECK_FALSE(jobs.NextDueAt({}).has_value());
  jobs.ClaimDue(kT0 + 10s, kSlack, 10);  // running jobs are not "next"
  CHECK(jobs.NextDueAt(kSlack) == kT0 + 30s);
}

TEST_CASE("a running job completes, retries or dies", "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  int64_t id = jobs.Enqueue(MakeJob("slack.post", kT0), kT0);
  REQUIRE(jobs.ClaimDue(kT0, kSlack, 1).size() == 1);

  SECTION("Complete makes it done") {
    jobs.Complete(id, kT0 + 1s);
    CHECK(jobs.Get(id)->state == JobState::kDone);
    CHECK(jobs.ClaimDue(kT0 + 1h, kSlack, 10).empty());
  }
  SECTION("RetryAt makes it pending again at the new time, attempts kept") {
    jobs.RetryAt(id, kT0 + 30s, "HTTP 503");
    std::optional<Job> job = jobs.Get(id);
    CHECK(job->state == JobState::kPending);
    CHECK(job->due_at == kT0 + 30s);
    CHECK(job->attempts == 1);
    CHECK(job->last_error == "HTTP 503");
    CHECK(jobs.ClaimDue(kT0 + 29s, kSlack, 10).empty());
    std::vector<Job> again = jobs.ClaimDue(kT0 + 30s, kSlack, 10);
    REQUIRE(again.size() == 1);
    CHECK(again[0].attempts == 2);
  }
  SECTION("Kill makes it a dead letter that is never claimed") {
    jobs.Kill(id, "channel_not_found", kT0 + 1s);
    std::optional<Job> job = jobs.Get(id);
    CHECK(job->state == JobState::kDead);
    CHECK(job->last_error == "channel_not_found");
    CHECK(jobs.ClaimDue(kT0 + 1h, kSlack, 10).empty());
    CHECK(jobs.CountByState(JobState::kDead) == 1);
    CHECK(Ids(jobs.List(JobState::kDead, 10)) == std::vector<int64_t>{id});
  }
}

TEST_CASE("a late result never revives a finished job",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  int64_t id = jobs.Enqueue(MakeJob("slack.post", kT0, 7), kT0);
  REQUIRE(jobs.CancelByLead(7, "crm takeover", kT0) == 1);

  jobs.RetryAt(id, kT0 + 1s, "late");
  jobs.Complete(id, kT0 + 1s);
  jobs.Kill(id, "late", kT0 + 1s);
  CHECK(jobs.Get(id)->state == JobState::kCancelled);
  CHECK(jobs.Get(id)->last_error == "crm takeover");
}

TEST_CASE("CancelByLead cancels only that lead's pending jobs",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  int64_t running = jobs.Enqueue(MakeJob("slack.post", kT0 - 1s, 7), kT0);
  REQUIRE(jobs.ClaimDue(kT0, kSlack, 1).size() == 1);
  int64_t pending_now = jobs.Enqueue(MakeJob("slack.post", kT0, 7), kT0);
  int64_t pending_later =
      jobs.Enqueue(MakeJob("sequence.step", kT0 + 24h, 7), kT0);
  int64_t done = jobs.Enqueue(MakeJob("slack.post", kT0, 7), kT0);
  jobs.Complete(done, kT0);
  int64_t other_lead = jobs.Enqueue(MakeJob("slack.post", kT0, 8), kT0);
  int64_t no_lead = jobs.Enqueue(MakeJob("slack.post", kT0), kT0);

  CHECK(jobs.CancelByLead(7, "CRM owner took over", kT0 + 1s) == 2);
  CHECK(jobs.Get(pending_now)->state == JobState::kCancelled);
  CHECK(jobs.Get(pending_later)->state == JobState::kCancelled);
  CHECK(jobs.Get(pending_later)->last_error == "CRM owner took over");
  CHECK(jobs.Get(running)->state == JobState::kRunning);
  CHECK(jobs.Get(done)->state == JobState::kDone);
  CHECK(jobs.Get(other_lead)->state == JobState::kPending);
  CHECK(jobs.Get(no_lead)->state == JobState::kPending);
  CHECK(jobs.CancelByLead(7, "again", kT0 + 2s) == 0);
}

TEST_CASE("jobs a crash left running return to pending on restart",
          "[storage][job_store]") {
  TempDbFile file;
  int64_t a = 0, b = 0, untouched = 0;
  {
    auto db = Database::Open(file.path());
    JobStore jobs(db->db());
    SQLite::Transaction tx(db->db());
    a = jobs.Enqueue(MakeJob("slack.post", kT0 - 2s), kT0);
    b = jobs.Enqueue(MakeJob("slack.post", kT0 - 1s), kT0);
    untouched = jobs.Enqueue(MakeJob("slack.post", kT0 + 1h), kT0);
    tx.commit();
    SQLite::Transaction claim(db->db());
    REQUIRE(jobs.ClaimDue(kT0, kSlack, 10).size() == 2);
    claim.commit();
    // The process "dies" here: the Database goes away with nothing completed.
  }
  auto db = Database::Open(file.path());
  JobStore jobs(db->db());
  REQUIRE(jobs.Get(a)->state == JobState::kRunning);
  CHECK(jobs.RecoverRunning(kT0 + 1min) == 2);
  for (int64_t id : {a, b}) {
    std::optional<Job> job = jobs.Get(id);
    CHECK(job->state == JobState::kPending);
    CHECK(job->attempts == 1);  // the interrupted attempt counts
    CHECK_FALSE(job->last_error.empty());
  }
  CHECK(jobs.Get(a)->due_at == kT0 - 2s);  // order among them is kept
  CHECK(jobs.Get(untouched)->due_at == kT0 + 1h);
  CHECK(Ids(jobs.ClaimDue(kT0 + 1min, kSlack, 10)) ==
        std::vector<int64_t>{a, b});
  CHECK(jobs.RecoverRunning(kT0 + 2min) == 2);
  CHECK(jobs.RecoverRunning(kT0 + 3min) == 0);
}

TEST_CASE("a dead job can be replayed or dropped, nothing else can",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  int64_t id = jobs.Enqueue(MakeJob("slack.post", kT0), kT0);
  REQUIRE(jobs.ClaimDue(kT0, kSlack, 1).size() == 1);
  jobs.RetryAt(id, kT0, "e1");
  REQUIRE(jobs.ClaimDue(kT0, kSlack, 1).size() == 1);
  jobs.Kill(id, "gave up", kT0 + 1s);

  SECTION("Replay: pending, attempts reset, due now") {
    CHECK(jobs.Replay(id, kT0 + 1h));
    std::optional<Job> job = jobs.Get(id);
    CHECK(job->state == JobState::kPending);
    CHECK(job->attempts == 0);
    CHECK(job->due_at == kT0 + 1h);
    CHECK(Ids(jobs.ClaimDue(kT0 + 1h, kSlack, 10)) == std::vector<int64_t>{id});
    CHECK_FALSE(jobs.Replay(id, kT0 + 2h));  // running now, not dead
  }
  SECTION("Drop: cancelled, and not replayable afterwards") {
    CHECK(jobs.Drop(id, kT0 + 1h));
    CHECK(jobs.Get(id)->state == JobState::kCancelled);
    CHECK_FALSE(jobs.Replay(id, kT0 + 2h));
    CHECK_FALSE(jobs.Drop(id, kT0 + 2h));
  }
  SECTION("a pending job is neither replayed nor dropped") {
    int64_t pending = jobs.Enqueue(MakeJob("slack.post", kT0 + 1h), kT0);
    CHECK_FALSE(jobs.Replay(pending, kT0));
    CHECK_FALSE(jobs.Drop(pending, kT0));
    CHECK(jobs.Get(pending)->state == JobState::kPending);
    CHECK(jobs.Get(pending)->due_at == kT0 + 1h);
  }
  SECTION("an unknown id is neither") {
    CHECK_FALSE(jobs.Replay(id + 100, kT0));
    CHECK_FALSE(jobs.Drop(id + 100, kT0));
  }
}

TEST_CASE("ListDead shows the most recent deaths first, with when they died",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  int64_t early = jobs.Enqueue(MakeJob("slack.post", kT0), kT0);
  int64_t late = jobs.Enqueue(MakeJob("slack.post", kT0), kT0);
  int64_t alive = jobs.Enqueue(MakeJob("slack.post", kT0 + 1h), kT0);
  jobs.Kill(late, "channel_not_found", kT0 + 5min);
  jobs.Kill(early, "gave up", kT0 + 9min);

  std::vector<Job> dead = jobs.ListDead(10);
  CHECK(Ids(dead) == std::vector<int64_t>{early, late});
  CHECK(dead[0].finished_at == kT0 + 9min);
  CHECK(dead[1].last_error == "channel_not_found");
  CHECK(Ids(jobs.ListDead(1)) == std::vector<int64_t>{early});
  CHECK_FALSE(jobs.Get(alive)->finished_at);
  SECTION("a replayed job leaves the list and loses its finish time") {
    REQUIRE(jobs.Replay(early, kT0 + 10min));
    CHECK(Ids(jobs.ListDead(10)) == std::vector<int64_t>{late});
    CHECK_FALSE(jobs.Get(early)->finished_at);
  }
}

TEST_CASE("List and CountByState see each state separately",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  int64_t late = jobs.Enqueue(MakeJob("slack.post", kT0 + 2s), kT0);
  int64_t early = jobs.Enqueue(MakeJob("slack.post", kT0 + 1s), kT0);
  int64_t third = jobs.Enqueue(MakeJob("slack.post", kT0 + 3s), kT0);
  CHECK(jobs.CountByState(JobState::kPending) == 3);
  CHECK(jobs.CountByState(JobState::kRunning) == 0);
  CHECK(Ids(jobs.List(JobState::kPending, 10)) ==
        std::vector<int64_t>{early, late, third});
  CHECK(Ids(jobs.List(JobState::kPending, 2)) ==
        std::vector<int64_t>{early, late});
  CHECK(jobs.List(JobState::kDead, 10).empty());
}

TEST_CASE("job states convert to and from their stored names",
          "[storage][job_store]") {
  for (JobState s : {JobState::kPending, JobState::kRunning, JobState::kDone,
                     JobState::kCancelled, JobState::kDead}) {
    CHECK(leadrouter::storage::JobStateFromString(ToString(s)) == s);
  }
  CHECK(ToString(JobState::kCancelled) == "cancelled");
  CHECK_FALSE(leadrouter::storage::JobStateFromString("paused").has_value());
}

TEST_CASE("a job with max_attempts below one is refused",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  NewJob job = MakeJob("slack.post", kT0);
  job.max_attempts = 0;
  CHECK_THROWS_AS(JobStore(db->db()).Enqueue(job, kT0), SQLite::Exception);
}

TEST_CASE(
    "a payload with invalid UTF-8 is stored with replacement characters, not "
    "thrown",
    "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  NewJob job = MakeJob("slack.ops_alert", kT0);
  job.payload = {{"error", std::string("bad \xff byte")}};
  int64_t id = 0;
  REQUIRE_NOTHROW(id = jobs.Enqueue(job, kT0));
  CHECK(jobs.Get(id)->payload["error"] == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("CancelByLeadAndKinds cancels only the lead's pending jobs of those kinds",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  const std::vector<std::string> kFollowUps = {"sequence.", "sla.",
                                               "route.claim_timeout"};
  int64_t step = jobs.Enqueue(MakeJob("sequence.step", kT0 + 24h, 7), kT0);
  int64_t reminder = jobs.Enqueue(MakeJob("sla.remind", kT0 + 1h, 7), kT0);
  int64_t timeout = jobs.Enqueue(MakeJob("route.claim_timeout", kT0 + 5min, 7), kT0);
  int64_t note = jobs.Enqueue(MakeJob("slack.thread_note", kT0, 7), kT0);
  // '_' must not act as a LIKE wildcard: "route.claimXtimeout" is not ours.
  int64_t lookalike = jobs.Enqueue(MakeJob("route.claimXtimeout", kT0, 7), kT0);
  int64_t other_lead = jobs.Enqueue(MakeJob("sequence.step", kT0, 8), kT0);
  int64_t done = jobs.Enqueue(MakeJob("sla.remind", kT0, 7), kT0);
  jobs.Complete(done, kT0);

  CHECK(jobs.CancelByLeadAndKinds(7, kFollowUps, "CRM took over", kT0 + 1s) == 3);
  for (int64_t id : {step, reminder, timeout}) {
    CHECK(jobs.Get(id)->state == JobState::kCancelled);
    CHECK(jobs.Get(id)->last_error == "CRM took over");
  }
  CHECK(jobs.Get(note)->state == JobState::kPending);
  CHECK(jobs.Get(lookalike)->state == JobState::kPending);
  CHECK(jobs.Get(other_lead)->state == JobState::kPending);
  CHECK(jobs.Get(done)->state == JobState::kDone);

  CHECK(jobs.CancelByLeadAndKinds(7, kFollowUps, "again", kT0 + 2s) == 0);
  CHECK(jobs.CancelByLeadAndKinds(7, {}, "nothing", kT0 + 2s) == 0);
  CHECK(jobs.Get(note)->state == JobState::kPending);
}

TEST_CASE("a wait for a service keeps its start and gives the attempt back",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  const int64_t id = jobs.Enqueue(MakeJob("slack.post", kT0), kT0);
  REQUIRE(jobs.ClaimDue(kT0, kSlack, 10).size() == 1);
  jobs.WaitForService(id, "slack", kT0 + 2s, "http_503", kT0);
  REQUIRE(jobs.ClaimDue(kT0 + 2s, kSlack, 10).size() == 1);
  jobs.WaitForService(id, "slack", kT0 + 6s, "http_503", kT0 + 2s);
  Job job = *jobs.Get(id);
  CHECK(job.state == JobState::kPending);
  CHECK(job.attempts == 0);
  CHECK(job.waiting_on == "slack");
  CHECK(job.waiting_since == kT0);  // the first wait's start
  CHECK(job.last_error == "http_503");
  // Done keeps the record of the wait; a plain retry ends the streak.
  REQUIRE(jobs.ClaimDue(kT0 + 6s, kSlack, 10).size() == 1);
  jobs.RetryAt(id, kT0 + 10s, "invalid_response");
  CHECK_FALSE(jobs.Get(id)->waiting_since.has_value());
  REQUIRE(jobs.ClaimDue(kT0 + 10s, kSlack, 10).size() == 1);
  jobs.WaitForService(id, "slack", kT0 + 12s, "http_503", kT0 + 10s);
  REQUIRE(jobs.ClaimDue(kT0 + 12s, kSlack, 10).size() == 1);
  jobs.Complete(id, kT0 + 12s);
  CHECK(jobs.Get(id)->waiting_since == kT0 + 10s);
}

TEST_CASE("waking a service's waiting jobs makes only those due now",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  const std::vector<std::string> kinds = {"slack.post", "sequence.sms"};
  const int64_t slack = jobs.Enqueue(MakeJob("slack.post", kT0), kT0);
  const int64_t sms = jobs.Enqueue(MakeJob("sequence.sms", kT0), kT0);
  const int64_t timer = jobs.Enqueue(MakeJob("slack.post", kT0 + 5min), kT0);
  REQUIRE(jobs.ClaimDue(kT0, kinds, 10).size() == 2);
  jobs.WaitForService(slack, "slack", kT0 + 60s, "http_503", kT0);
  jobs.WaitForService(sms, "sms", kT0 + 60s, "http_503", kT0);

  CHECK(jobs.WakeWaiting("slack", kT0 + 3s) == 1);
  CHECK(jobs.Get(slack)->due_at == kT0 + 3s);
  CHECK(jobs.Get(sms)->due_at == kT0 + 60s);
  CHECK(jobs.Get(timer)->due_at == kT0 + 5min);  // a timer is not a wait
  CHECK(jobs.WakeWaiting("slack", kT0 + 3s) == 0);
}

TEST_CASE("a replayed dead letter starts with no wait behind it",
          "[storage][job_store]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  const int64_t id = jobs.Enqueue(MakeJob("slack.post", kT0), kT0);
  REQUIRE(jobs.ClaimDue(kT0, kSlack, 10).size() == 1);
  jobs.WaitForService(id, "slack", kT0 + 2s, "http_503", kT0);
  REQUIRE(jobs.ClaimDue(kT0 + 2s, kSlack, 10).size() == 1);
  jobs.Kill(id, "still unavailable", kT0 + 2s);
  CHECK(jobs.Get(id)->waiting_on == "slack");
  REQUIRE(jobs.Replay(id, kT0 + 1h));
  CHECK(jobs.Get(id)->waiting_on.empty());
  CHECK_FALSE(jobs.Get(id)->waiting_since.has_value());
}
