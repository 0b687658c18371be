// The transactional outbox, end to end: the lead, its timeline and its jobs
// commit together or not at all, inside a transaction the caller owns.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <stdexcept>

#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Database;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::LeadStore;
using leadrouter::storage::NewJob;
using leadrouter::storage::Timeline;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;
using leadrouter::storage::testing::TempDbFile;

namespace {

int64_t Count(Database& db, const std::string& table) {
  return db.db().execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
}

// What the intake does: lead + events + jobs in the caller's transaction.
int64_t IntakeWithJob(Database& db, const std::string& email) {
  int64_t id =
      LeadStore(db.db()).Intake(LeadWithEmail(email, "hi"), kT0, 24h).lead_id;
  Timeline(db.db()).AppendRaw(id, kT0, "routed", {{"route", "shark_tank"}});
  NewJob job;
  job.kind = "slack.post_shark_tank";
  job.lead_id = id;
  job.due_at = kT0;
  JobStore(db.db()).Enqueue(job, kT0);
  return id;
}

}  // namespace

TEST_CASE("a throw after Intake and Enqueue leaves neither lead nor job",
          "[storage][outbox]") {
  TempDbFile file;
  {
    auto db = Database::Open(file.path());
    try {
      SQLite::Transaction tx(db->db());
      IntakeWithJob(*db, "dana@example.com");
      REQUIRE(Count(*db, "leads") == 1);
      throw std::runtime_error("routing failed");
    } catch (const std::runtime_error&) {
    }
    CHECK(Count(*db, "leads") == 0);
    CHECK(Count(*db, "lead_keys") == 0);
    CHECK(Count(*db, "timeline_events") == 0);
    CHECK(Count(*db, "jobs") == 0);
  }
  // And nothing reached the file either.
  auto reopened = Database::Open(file.path());
  CHECK(Count(*reopened, "leads") == 0);
  CHECK(Count(*reopened, "jobs") == 0);
}

TEST_CASE("a committed intake keeps lead, events and job together",
          "[storage][outbox]") {
  TempDbFile file;
  int64_t id = 0;
  {
    auto db = Database::Open(file.path());
    SQLite::Transaction tx(db->db());
    id = IntakeWithJob(*db, "dana@example.com");
    tx.commit();
  }
  auto db = Database::Open(file.path());
  CHECK(LeadStore(db->db()).Get(id).has_value());
  CHECK(Timeline(db->db()).List(id).size() == 2);
  CHECK(JobStore(db->db()).CountByState(JobState::kPending) == 1);
}

TEST_CASE("a savepoint rolled back inside a batch drops only its own intake",
          "[storage][outbox]") {
  auto db = Database::Open(":memory:");
  SQLite::Transaction tx(db->db());
  db->db().exec("SAVEPOINT task");
  IntakeWithJob(*db, "dana@example.com");
  db->db().exec("RELEASE task");
  db->db().exec("SAVEPOINT task");
  IntakeWithJob(*db, "sam@example.com");
  db->db().exec("ROLLBACK TO task");
  db->db().exec("RELEASE task");
  tx.commit();
  CHECK(Count(*db, "leads") == 1);
  CHECK(Count(*db, "jobs") == 1);
  CHECK(LeadStore(db->db()).FindByKey("email:dana@example.com").has_value());
  CHECK_FALSE(
      LeadStore(db->db()).FindByKey("email:sam@example.com").has_value());
}
