#include "storage/cached_statement.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/database.h"

using leadrouter::storage::CachedStatement;
using leadrouter::storage::Database;
using leadrouter::storage::StatementCache;

namespace {

constexpr char kInsert[] = "INSERT INTO notes (id, body) VALUES (?, ?)";
constexpr char kBody[] = "SELECT body FROM notes WHERE id = ?";

std::unique_ptr<Database> NotesDb() {
  auto db = Database::Open(":memory:");
  db->db().exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  return db;
}

void Insert(SQLite::Database& db, int id, const std::string& body) {
  CachedStatement insert(db, kInsert);
  insert.bind(1, id);
  insert.bind(2, body);
  insert.exec();
}

std::string Body(SQLite::Database& db, int id) {
  CachedStatement query(db, kBody);
  query.bind(1, id);
  return query.executeStep() ? query.getColumn(0).getString() : "";
}

}  // namespace

TEST_CASE("a statement run again is prepared once and gives each run's answer",
          "[storage][cached_statement]") {
  auto db = NotesDb();
  StatementCache* cache = StatementCache::For(db->db());
  REQUIRE(cache != nullptr);
  const size_t before = cache->size();
  for (int i = 1; i <= 50; ++i) Insert(db->db(), i, "note " + std::to_string(i));
  CHECK(Body(db->db(), 7) == "note 7");
  CHECK(Body(db->db(), 42) == "note 42");
  CHECK(Body(db->db(), 99).empty());
  CHECK(cache->size() == before + 2);
}

TEST_CASE("a run that failed leaves no bindings or error behind for the next",
          "[storage][cached_statement]") {
  auto db = NotesDb();
  Insert(db->db(), 1, "first");
  CHECK_THROWS_AS(Insert(db->db(), 1, "duplicate id"), SQLite::Exception);
  {
    CachedStatement insert(db->db(), kInsert);
    insert.bind(1, 2);
    // Nothing bound to the body: the earlier run's "duplicate id" must not
    // linger, so the NOT NULL check refuses this.
    CHECK_THROWS_AS(insert.exec(), SQLite::Exception);
  }
  Insert(db->db(), 2, "second");
  CHECK(Body(db->db(), 1) == "first");
  CHECK(Body(db->db(), 2) == "second");
}

TEST_CASE("the same statement runs inside its own loop without disturbing it",
          "[storage][cached_statement]") {
  auto db = NotesDb();
  for (int i = 1; i <= 3; ++i) Insert(db->db(), i, "n" + std::to_string(i));
  CachedStatement all(db->db(), "SELECT id FROM notes WHERE id >= ? ORDER BY id");
  all.bind(1, 1);
  std::vector<std::string> seen;
  while (all.executeStep()) {
    const int id = all.getColumn(0).getInt();
    // The same text again while the outer run is still stepping.
    CachedStatement inner(db->db(), "SELECT id FROM notes WHERE id >= ? ORDER BY id");
    inner.bind(1, id);
    int after = 0;
    while (inner.executeStep()) ++after;
    seen.push_back(std::to_string(id) + ":" + std::to_string(after));
  }
  CHECK(seen == std::vector<std::string>{"1:3", "2:2", "3:1"});
}

TEST_CASE("a connection without a cache prepares each statement as before",
          "[storage][cached_statement]") {
  SQLite::Database raw(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  raw.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  CHECK(StatementCache::For(raw) == nullptr);
  Insert(raw, 1, "plain");
  CHECK(Body(raw, 1) == "plain");
}
