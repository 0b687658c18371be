#include "storage/database.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/job_store.h"
#include "storage/migrations.h"
#include "tests/storage/storage_test_support.h"

using leadrouter::storage::Database;
using leadrouter::storage::JobStore;
using leadrouter::storage::NewJob;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::TempDbFile;

namespace {

int64_t Count(SQLite::Database& db, const std::string& table) {
  return db.execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
}

}  // namespace

TEST_CASE("opening an empty database applies every migration",
          "[storage][database]") {
  auto db = Database::Open(":memory:");
  CHECK(db->SchemaVersion() == Database::LatestSchemaVersion());
  CHECK(Count(db->db(), "schema_migrations") ==
        static_cast<int64_t>(leadrouter::storage::Migrations().size()));
  for (const char* table :
       {"leads", "lead_keys", "timeline_events", "agents", "rotation_state",
        "agent_daily_counts", "slack_messages", "jobs", "idempotency_keys",
        "crm_events"}) {
    INFO(table);
    CHECK(db->db().tableExists(table));
  }
  CHECK(Count(db->db(), "rotation_state") == 1);
}

TEST_CASE("reopening a migrated file changes nothing and keeps the data",
          "[storage][database]") {
  TempDbFile file;
  int64_t job_id = 0;
  {
    auto db = Database::Open(file.path());
    NewJob job;
    job.kind = "slack.post";
    job.due_at = kT0;
    job_id = JobStore(db->db()).Enqueue(job, kT0);
  }
  auto db = Database::Open(file.path());
  CHECK(db->SchemaVersion() == Database::LatestSchemaVersion());
  CHECK(Count(db->db(), "schema_migrations") ==
        static_cast<int64_t>(leadrouter::storage::Migrations().size()));
  CHECK(Count(db->db(), "rotation_state") == 1);
  CHECK(JobStore(db->db()).Get(job_id).has_value());
}

TEST_CASE("a file database runs in WAL mode with synchronous FULL",
          "[storage][database]") {
  TempDbFile file;
  auto db = Database::Open(file.path());
  CHECK(db->db().execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db->db().execAndGet("PRAGMA synchronous").getInt() == 2);  // FULL
  CHECK(db->db().execAndGet("PRAGMA foreign_keys").getInt() == 1);
  CHECK(db->db().execAndGet("PRAGMA busy_timeout").getInt() == 5000);
  SECTION("its page cache is bounded at 512 KiB, its temporary data in memory") {
    CHECK(db->db().execAndGet("PRAGMA cache_size").getInt() == -512);
    CHECK(db->db().execAndGet("PRAGMA temp_store").getInt() == 2);  // MEMORY
  }
}

TEST_CASE("WAL stays on for a second connection to the same file",
          "[storage][database]") {
  TempDbFile file;
  { auto db = Database::Open(file.path()); }
  // journal_mode=WAL is persistent: a plain connection sees it too.
  SQLite::Database plain(file.path(), SQLite::OPEN_READONLY);
  CHECK(plain.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("DataVersion changes on another connection's commit, not on ours",
          "[storage][database]") {
  TempDbFile file;
  auto db = Database::Open(file.path());
  auto other = Database::Open(file.path());
  const int64_t start = db->DataVersion();
  db->db().exec("UPDATE schema_migrations SET version = version");
  CHECK(db->DataVersion() == start);
  other->db().exec("UPDATE schema_migrations SET version = version");
  const int64_t after = db->DataVersion();
  CHECK(after != start);
  CHECK(db->DataVersion() == after);
}

TEST_CASE("an in-memory database skips WAL but keeps the other settings",
          "[storage][database]") {
  auto db = Database::Open(":memory:");
  CHECK(db->db().execAndGet("PRAGMA journal_mode").getString() == "memory");
  CHECK(db->db().execAndGet("PRAGMA synchronous").getInt() == 2);
  CHECK(db->db().execAndGet("PRAGMA foreign_keys").getInt() == 1);
}

TEST_CASE("a database written by a newer build is refused",
          "[storage][database]") {
  TempDbFile file;
  {
    auto db = Database::Open(file.path());
    db->db().exec(
        "INSERT INTO schema_migrations (version, applied_at) VALUES (" +
        std::to_string(Database::LatestSchemaVersion() + 1) + ", 0)");
  }
  try {
    Database::Open(file.path());
    FAIL("Open accepted a schema newer than it knows");
  } catch (const SQLite::Exception& e) {
    CHECK_THAT(e.what(), Catch::Contains("newer than this build supports"));
  }
}

TEST_CASE("a file that cannot be created is reported as SQLite::Exception",
          "[storage][database]") {
  CHECK_THROWS_AS(Database::Open("/nonexistent-dir/leadrouter.db"),
                  SQLite::Exception);
}

TEST_CASE("migration versions start at 1 and increase by one",
          "[storage][database]") {
  int expected = 1;
  for (const auto& m : leadrouter::storage::Migrations()) {
    CHECK(m.version == expected++);
  }
}
