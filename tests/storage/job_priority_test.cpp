#include "storage/job_priority.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "storage/job_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Database;
using leadrouter::storage::Job;
using leadrouter::storage::JobPriority;
using leadrouter::storage::JobPriorityOf;
using leadrouter::storage::JobStore;
using leadrouter::storage::NewJob;
using leadrouter::storage::TimePoint;
using leadrouter::storage::testing::kT0;

namespace {

const std::vector<std::string> kKinds = {
    "slack.post_shark_tank", "slack.update_lead_post", "slack.dm_lead_card",
    "slack.thread_note",     "sequence.sms",           "slack.ops_alert"};

int64_t Add(JobStore& jobs, const std::string& kind, TimePoint due) {
  NewJob job;
  job.kind = kind;
  job.due_at = due;
  return jobs.Enqueue(job, kT0);
}

std::vector<std::string> KindsOf(const std::vector<Job>& claimed) {
  std::vector<std::string> kinds;
  for (const Job& j : claimed) kinds.push_back(j.kind);
  return kinds;
}

}  // namespace

TEST_CASE("the shark tank goes first, then what reaches one agent, then the rest",
          "[storage][job_priority]") {
  CHECK(JobPriorityOf("slack.post_shark_tank") == JobPriority::kSharkTank);
  CHECK(JobPriorityOf("slack.update_lead_post") == JobPriority::kSharkTank);
  CHECK(JobPriorityOf("slack.ephemeral") == JobPriority::kSharkTank);
  CHECK(JobPriorityOf("route.claim_timeout") == JobPriority::kSharkTank);
  CHECK(JobPriorityOf("slack.dm_lead_card") == JobPriority::kAgent);
  CHECK(JobPriorityOf("slack.dm_note") == JobPriority::kAgent);
  CHECK(JobPriorityOf("slack.thread_note") == JobPriority::kAgent);
  CHECK(JobPriorityOf("route.assign_round_robin") == JobPriority::kAgent);
  CHECK(JobPriorityOf("sla.remind") == JobPriority::kAgent);
  CHECK(JobPriorityOf("sequence.sms") == JobPriority::kBackground);
  CHECK(JobPriorityOf("slack.ops_alert") == JobPriority::kBackground);
  CHECK(JobPriorityOf("ops.volume_watch") == JobPriority::kBackground);
  SECTION("a kind nobody listed waits with the background work") {
    CHECK(JobPriorityOf("email.digest") == JobPriority::kBackground);
    CHECK(JobPriorityOf("slack.post_shark_tankX") == JobPriority::kBackground);
  }
}

TEST_CASE("a hot lead's post due now is claimed before a backlog of DMs due earlier",
          "[storage][job_priority]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  for (int i = 0; i < 5; ++i) Add(jobs, "slack.dm_lead_card", kT0 + std::chrono::seconds(i));
  Add(jobs, "sequence.sms", kT0);
  int64_t hot = Add(jobs, "slack.post_shark_tank", kT0 + 10s);
  Add(jobs, "slack.post_shark_tank", kT0 + 1h);  // not due yet

  std::vector<Job> first = jobs.ClaimDue(kT0 + 10s, kKinds, 1);
  REQUIRE(first.size() == 1);
  CHECK(first[0].id == hot);

  SECTION("within one priority the oldest due goes first, background last") {
    std::vector<Job> rest = jobs.ClaimDue(kT0 + 10s, kKinds, 10);
    REQUIRE(rest.size() == 6);
    CHECK(KindsOf(rest) == std::vector<std::string>{
                               "slack.dm_lead_card", "slack.dm_lead_card",
                               "slack.dm_lead_card", "slack.dm_lead_card",
                               "slack.dm_lead_card", "sequence.sms"});
    for (size_t i = 1; i < 5; ++i) CHECK(rest[i - 1].due_at < rest[i].due_at);
  }
}

TEST_CASE("a claim of one priority takes only its due work, in due order",
          "[storage][job_priority]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  for (int i = 0; i < 5; ++i) Add(jobs, "slack.dm_lead_card", kT0 + std::chrono::seconds(i));
  int64_t later = Add(jobs, "slack.update_lead_post", kT0 + 8s);
  int64_t earlier = Add(jobs, "slack.post_shark_tank", kT0 + 6s);
  Add(jobs, "slack.post_shark_tank", kT0 + 1h);  // not due yet

  std::vector<Job> claimed =
      jobs.ClaimDueOfPriority(JobPriority::kSharkTank, kT0 + 10s, kKinds, 10);
  REQUIRE(claimed.size() == 2);
  CHECK(claimed[0].id == earlier);
  CHECK(claimed[1].id == later);

  SECTION("its next due time is its own, not the other priorities' earlier one") {
    CHECK(jobs.NextDueOfPriority(JobPriority::kSharkTank, kKinds) == kT0 + 1h);
    CHECK(jobs.NextDueAt(kKinds) == kT0);
  }
  SECTION("the other priorities' work is still there for a full claim") {
    CHECK(jobs.ClaimDueOfPriority(JobPriority::kSharkTank, kT0 + 10s, kKinds, 10).empty());
    CHECK(KindsOf(jobs.ClaimDue(kT0 + 10s, kKinds, 10)) ==
          std::vector<std::string>(5, "slack.dm_lead_card"));
  }
  SECTION("a priority with nothing pending has no next due time") {
    CHECK_FALSE(jobs.NextDueOfPriority(JobPriority::kBackground, kKinds));
  }
}

TEST_CASE("jobs written before priorities existed get theirs at start",
          "[storage][job_priority]") {
  auto db = Database::Open(":memory:");
  JobStore jobs(db->db());
  Add(jobs, "slack.dm_lead_card", kT0);
  int64_t hot = Add(jobs, "slack.post_shark_tank", kT0 + 5s);
  // What an older version's rows look like after the migration.
  db->db().exec("UPDATE jobs SET priority = NULL");

  CHECK(jobs.AssignMissingPriorities() == 2);
  CHECK(jobs.AssignMissingPriorities() == 0);
  std::vector<Job> claimed = jobs.ClaimDue(kT0 + 5s, kKinds, 1);
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].id == hot);
}
