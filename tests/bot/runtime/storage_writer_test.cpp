#include "bot/runtime/storage_writer.h"

#include <mutex>
#include <thread>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "storage/database.h"
#include "tests/support/daemon_process.h"

using namespace std::chrono_literals;
using leadrouter::StorageWriter;
using leadrouter::storage::Database;

namespace {

bool RunUntil(boost::asio::io_context& loop, const std::function<bool()>& done) {
  auto until = std::chrono::steady_clock::now() + 5s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    loop.restart();
    loop.run_for(5ms);
  }
  return true;
}

int64_t Count(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT count(*) FROM probe").getInt64();
}

}  // namespace

TEST_CASE("one failing piece of work rolls back only itself", "[bot][storage_writer]") {
  leadrouter::testing::TempDir dir;
  std::string path = dir.File("w.db");
  boost::asio::io_context loop;
  StorageWriter writer(loop, Database::Open(path));
  std::vector<std::string> errors(4, "unset");
  writer.Submit([](Database& db) { db.db().exec("CREATE TABLE probe(x INTEGER)"); },
                [&](const std::string& e) { errors[0] = e; });
  writer.Submit([](Database& db) { db.db().exec("INSERT INTO probe VALUES (1)"); },
                [&](const std::string& e) { errors[1] = e; });
  writer.Submit(
      [](Database& db) {
        db.db().exec("INSERT INTO probe VALUES (2)");
        throw std::runtime_error("half-done work");
      },
      [&](const std::string& e) { errors[2] = e; });
  writer.Submit([](Database& db) { db.db().exec("INSERT INTO probe VALUES (3)"); },
                [&](const std::string& e) { errors[3] = e; });
  REQUIRE(RunUntil(loop, [&] { return errors[3] != "unset"; }));
  CHECK(errors[0].empty());
  CHECK(errors[1].empty());
  CHECK(errors[2] == "half-done work");
  CHECK(errors[3].empty());
  // Committed and visible to another connection: the rows of 1 and 3 only.
  CHECK(Count(path) == 2);
}

TEST_CASE("completions run on the loop thread, after the commit", "[bot][storage_writer]") {
  leadrouter::testing::TempDir dir;
  std::string path = dir.File("w.db");
  boost::asio::io_context loop;
  StorageWriter writer(loop, Database::Open(path));
  std::thread::id work_thread, done_thread;
  int64_t seen_by_other_connection = -1;
  writer.Submit(
      [&](Database& db) {
        work_thread = std::this_thread::get_id();
        db.db().exec("CREATE TABLE probe(x INTEGER); INSERT INTO probe VALUES (1)");
      },
      [&](const std::string&) {
        done_thread = std::this_thread::get_id();
        seen_by_other_connection = Count(path);
      });
  REQUIRE(RunUntil(loop, [&] { return seen_by_other_connection >= 0; }));
  CHECK(done_thread == std::this_thread::get_id());
  CHECK(work_thread != std::this_thread::get_id());
  CHECK(seen_by_other_connection == 1);
}

TEST_CASE("Call hands the work's value back, or the failure", "[bot][storage_writer]") {
  boost::asio::io_context loop;
  StorageWriter writer(loop, Database::Open(":memory:"));
  std::optional<leadrouter::Result<int>> good, bad;
  writer.Call<int>([](Database& db) { return db.db().execAndGet("SELECT 6*7").getInt(); },
                   [&](leadrouter::Result<int> r) { good = std::move(r); });
  writer.Call<int>([](Database& db) { return db.db().execAndGet("SELECT nope").getInt(); },
                   [&](leadrouter::Result<int> r) { bad = std::move(r); });
  REQUIRE(RunUntil(loop, [&] { return good && bad; }));
  REQUIRE(good->ok());
  CHECK(good->value() == 42);
  CHECK_FALSE(bad->ok());
  CHECK(bad->status().message().find("nope") != std::string::npos);
}

TEST_CASE("Stop commits work that was already queued", "[bot][storage_writer]") {
  leadrouter::testing::TempDir dir;
  std::string path = dir.File("w.db");
  boost::asio::io_context loop;
  {
    StorageWriter writer(loop, Database::Open(path));
    writer.Submit([](Database& db) { db.db().exec("CREATE TABLE probe(x INTEGER)"); },
                  [](const std::string&) {});
    for (int i = 0; i < 100; ++i) {
      writer.Submit([i](Database& db) {
                      db.db().exec("INSERT INTO probe VALUES (" + std::to_string(i) + ")");
                    },
                    [](const std::string&) {});
    }
    writer.Stop();
  }
  CHECK(Count(path) == 100);
}

TEST_CASE("milestones reach the sink after the commit, never from rolled-back work",
          "[bot][storage_writer][metrics]") {
  using leadrouter::storage::LeadMilestone;
  leadrouter::testing::TempDir dir;
  boost::asio::io_context loop;
  StorageWriter writer(loop, Database::Open(dir.File("m.db")));
  std::mutex mu;
  std::vector<LeadMilestone> counted;
  writer.OnMilestones([&](const std::vector<LeadMilestone>& reached) {
    std::lock_guard<std::mutex> lock(mu);
    counted.insert(counted.end(), reached.begin(), reached.end());
  });
  int finished = 0;
  writer.Submit(
      [](Database& db) {
        db.NoteMilestone({LeadMilestone::Kind::kFirstOwner, 12000ms});
      },
      [&](const std::string&) { ++finished; });
  writer.Submit(
      [](Database& db) {
        db.NoteMilestone({LeadMilestone::Kind::kFirstContact, 1ms});
        throw std::runtime_error("the claim lost its race");
      },
      [&](const std::string&) { ++finished; });
  writer.Submit(
      [](Database& db) {
        db.NoteMilestone({LeadMilestone::Kind::kFirstContact, 600000ms});
      },
      [&](const std::string&) { ++finished; });
  REQUIRE(RunUntil(loop, [&] { return finished == 3; }));
  std::lock_guard<std::mutex> lock(mu);
  REQUIRE(counted.size() == 2);
  CHECK(counted[0].kind == LeadMilestone::Kind::kFirstOwner);
  CHECK(counted[0].since_intake == 12000ms);
  CHECK(counted[1].kind == LeadMilestone::Kind::kFirstContact);
  CHECK(counted[1].since_intake == 600000ms);
}

TEST_CASE("the commit hook writes in the batch's transaction and its result runs "
          "after the commit, before the completions",
          "[bot][storage_writer][hand_over]") {
  leadrouter::testing::TempDir dir;
  std::string path = dir.File("h.db");
  boost::asio::io_context loop;
  StorageWriter writer(loop, Database::Open(path));
  std::vector<std::string> order;
  int64_t seen_by_after = -1;
  writer.BeforeCommit([&](Database& db) -> std::function<void()> {
    if (!db.db().tableExists("probe")) return nullptr;
    db.db().exec("INSERT INTO probe VALUES (100)");
    // Runs on the loop once the commit is on disk: another connection sees
    // the hook's row with the work's.
    return [&] {
      order.push_back("after_commit");
      seen_by_after = Count(path);
    };
  });
  bool created = false;
  writer.Submit([](Database& db) { db.db().exec("CREATE TABLE probe(x INTEGER)"); },
                [&](const std::string&) { created = true; });
  REQUIRE(RunUntil(loop, [&] { return created; }));
  order.clear();
  writer.Submit([](Database& db) { db.db().exec("INSERT INTO probe VALUES (1)"); },
                [&](const std::string& e) {
                  CHECK(e.empty());
                  order.push_back("done");
                });
  REQUIRE(RunUntil(loop, [&] { return order.size() == 2; }));
  CHECK(order == std::vector<std::string>{"after_commit", "done"});
  // The table's first batch, the insert's batch: one hook row each.
  CHECK(seen_by_after == Count(path));
  CHECK(Count(path) >= 2);
}

TEST_CASE("a commit hook that throws undoes only its own writes",
          "[bot][storage_writer][hand_over]") {
  leadrouter::testing::TempDir dir;
  std::string path = dir.File("t.db");
  boost::asio::io_context loop;
  StorageWriter writer(loop, Database::Open(path));
  bool after_ran = false;
  writer.BeforeCommit([&](Database& db) -> std::function<void()> {
    if (!db.db().tableExists("probe")) return nullptr;
    db.db().exec("INSERT INTO probe VALUES (100)");
    throw std::runtime_error("the hand-over failed");
  });
  std::string error = "unset";
  writer.Submit(
      [](Database& db) {
        db.db().exec("CREATE TABLE IF NOT EXISTS probe(x INTEGER)");
        db.db().exec("INSERT INTO probe VALUES (1)");
      },
      [&](const std::string& e) { error = e; });
  REQUIRE(RunUntil(loop, [&] { return error != "unset"; }));
  CHECK(error.empty());
  CHECK_FALSE(after_ran);
  CHECK(Count(path) == 1);  // the work's row, not the hook's
}
