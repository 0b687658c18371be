#include "storage/job_stats.h"

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "storage/job_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Database;
using leadrouter::storage::JobStatsByKind;
using leadrouter::storage::JobStore;
using leadrouter::storage::NewJob;
using leadrouter::storage::TimePoint;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::TempDbFile;

namespace {

int64_t Add(JobStore& jobs, const std::string& kind, TimePoint due) {
  NewJob job;
  job.kind = kind;
  job.due_at = due;
  return jobs.Enqueue(job, kT0 - 1h);
}

}  // namespace

TEST_CASE("the queue by kind tells due jobs from scheduled ones", "[storage][jobs]") {
  TempDbFile file;
  auto db = Database::Open(file.path());
  JobStore jobs(db->db());
  Add(jobs, "slack.post_shark_tank", kT0 - 90s);
  Add(jobs, "slack.post_shark_tank", kT0 - 10s);
  Add(jobs, "sla.remind", kT0 + 1h);  // a timer: not waiting, scheduled
  const int64_t dead = Add(jobs, "slack.dm_lead_card", kT0 - 1h);
  jobs.Kill(dead, "channel_not_found", kT0);
  const int64_t done = Add(jobs, "slack.dm_lead_card", kT0 - 1h);
  jobs.Complete(done, kT0);
  REQUIRE(jobs.ClaimDue(kT0, {"slack.post_shark_tank"}, 1).size() == 1);

  auto stats = JobStatsByKind(db->db(), kT0);
  REQUIRE(stats.size() == 3);
  CHECK(stats[0].kind == "sla.remind");
  CHECK(stats[0].due == 0);
  CHECK(stats[0].scheduled == 1);
  CHECK(stats[0].oldest_due_seconds == 0);
  CHECK(stats[1].kind == "slack.dm_lead_card");
  CHECK(stats[1].dead == 1);
  CHECK(stats[1].due == 0);  // the done one is history, not counted
  CHECK(stats[2].kind == "slack.post_shark_tank");
  CHECK(stats[2].running == 1);  // the oldest was claimed
  CHECK(stats[2].due == 1);
  CHECK(stats[2].oldest_due_seconds == Approx(10.0));
}
