#include "storage/wal_checkpointer.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"
#include "tests/storage/failing_vfs.h"
#include "tests/storage/storage_test_support.h"

using leadrouter::storage::Database;
using leadrouter::storage::WalCheckpointer;
using leadrouter::storage::testing::FailingVfs;
using leadrouter::storage::testing::TempDbFile;

namespace {

// One row a transaction, as the daemon's commits come: each adds a few pages
// to the WAL.
void WriteRows(SQLite::Database& db, int from, int count) {
  for (int i = from; i < from + count; ++i) {
    SQLite::Transaction tx(db);
    db.exec("INSERT INTO notes(body) VALUES ('" + std::string(2000, 'x') + std::to_string(i) +
            "')");
    tx.commit();
  }
}

// Polls `done` for up to five seconds.
template <typename Done>
bool WaitFor(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return done();
}

}  // namespace

// A database with one table and an empty WAL, so page counts start at 0.
std::unique_ptr<Database> EmptyWal(const TempDbFile& file) {
  auto db = Database::Open(file.path());
  db->db().exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)");
  db->db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return db;
}

TEST_CASE("past the threshold the WAL is checkpointed off the committing thread",
          "[storage][wal_checkpointer]") {
  TempDbFile file;
  auto db = EmptyWal(file);
  WalCheckpointer checkpointer(db->db(), /*pages=*/50);
  WriteRows(db->db(), 0, 60);  // past 50 pages, short of the bound
  CHECK(checkpointer.requested() >= 1);
  REQUIRE(WaitFor([&] { return checkpointer.completed() >= 1; }));
  CHECK(checkpointer.inline_completed() == 0);
  CHECK(checkpointer.failed() == 0);
  SECTION("every row is in the file, as another connection sees it") {
    SQLite::Database reader(file.path(), SQLite::OPEN_READONLY);
    CHECK(reader.execAndGet("SELECT COUNT(*) FROM notes").getInt() == 60);
  }
}

TEST_CASE("under commits that never stop the WAL stays bounded and starts over",
          "[storage][wal_checkpointer]") {
  TempDbFile file;
  auto db = EmptyWal(file);
  WalCheckpointer checkpointer(db->db(), /*pages=*/10);
  int largest = 0;
  for (int i = 0; i < 400; ++i) {
    WriteRows(db->db(), i, 1);
    largest = std::max(largest, checkpointer.wal_pages());
  }
  // Four thresholds, and some commits more while the thread's checkpoint
  // holds the lock as the commit reaches the bound (more on a busy machine).
  // A checkpoint beside the writer alone never lets this WAL start over: it
  // grows with every row, to about 800 pages.
  CHECK(largest < 200);
  CHECK(checkpointer.completed() >= 1);
  CHECK(checkpointer.failed() == 0);
}

TEST_CASE("a checkpoint that cannot write the database file is reported, and so is its end",
          "[storage][wal_checkpointer]") {
  TempDbFile file;
  FailingVfs vfs;  // before any connection, so every one goes through it
  auto db = EmptyWal(file);
  std::mutex mu;
  std::vector<WalCheckpointer::Report> reports;
  auto seen = [&](auto match) {
    std::lock_guard<std::mutex> lock(mu);
    for (const WalCheckpointer::Report& r : reports) {
      if (match(r)) return std::optional<WalCheckpointer::Report>(r);
    }
    return std::optional<WalCheckpointer::Report>();
  };
  WalCheckpointer checkpointer(db->db(), /*pages=*/20, [&](const WalCheckpointer::Report& r) {
    std::lock_guard<std::mutex> lock(mu);
    reports.push_back(r);
  });
  vfs.RefuseWrites(true);
  WriteRows(db->db(), 0, 25);  // past the threshold, short of the bound
  REQUIRE(WaitFor([&] { return checkpointer.failed() >= 1; }));
  // Commits go on: the WAL holds them.
  CHECK(db->db().execAndGet("SELECT COUNT(*) FROM notes").getInt() == 25);
  auto first = seen([](const WalCheckpointer::Report& r) { return !r.ok; });
  REQUIRE(first);
  CHECK(first->error.find("disk I/O error") != std::string::npos);
  CHECK(first->failures_in_a_row == 1);
  CHECK_FALSE(first->complete);
  CHECK(first->wal_pages >= 20);
  CHECK(checkpointer.completed() == 0);

  vfs.RefuseWrites(false);
  WriteRows(db->db(), 25, 1);  // past the threshold still: asks again
  REQUIRE(WaitFor([&] { return checkpointer.completed() >= 1; }));
  auto recovered = seen([](const WalCheckpointer::Report& r) { return r.ok; });
  REQUIRE(recovered);
  CHECK(recovered->complete);
  CHECK(recovered->failures_in_a_row == 0);
  // Every failure came before it, in one run.
  CHECK(recovered->failures_before == checkpointer.failed());
  SQLite::Database reader(file.path(), SQLite::OPEN_READONLY);
  CHECK(reader.execAndGet("SELECT COUNT(*) FROM notes").getInt() == 26);
}

TEST_CASE("a commit below the threshold asks for no checkpoint",
          "[storage][wal_checkpointer]") {
  TempDbFile file;
  auto db = EmptyWal(file);
  WalCheckpointer checkpointer(db->db(), /*pages=*/1000);
  WriteRows(db->db(), 0, 20);
  // The hook has seen every commit: it records the size, and would have
  // counted a request, as each commit ends.
  REQUIRE(checkpointer.wal_pages() >= 20);
  CHECK(checkpointer.requested() == 0);
}

TEST_CASE("an in-memory database has no WAL and nothing to checkpoint",
          "[storage][wal_checkpointer]") {
  auto db = Database::Open(":memory:");
  WalCheckpointer checkpointer(db->db());
  db->db().exec("CREATE TABLE notes(id INTEGER PRIMARY KEY)");
  CHECK(checkpointer.completed() == 0);
  CHECK(checkpointer.wal_pages() == 0);
}
