#include "storage/database.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "storage/cached_statement.h"
#include "storage/migrations.h"

namespace leadrouter::storage {
namespace {

// A second connection (the sqlite3 shell, a backup) may briefly hold the
// write lock; waiting is better than failing an intake.
constexpr int kBusyTimeoutMs = 5000;

bool IsInMemory(const std::string& path) {
  // "" is SQLite's private temporary database: no WAL for it either.
  return path.empty() || path == ":memory:";
}

}  // namespace

std::unique_ptr<Database> Database::Open(const std::string& path) {
  // The constructor is private so that every instance is migrated.
  std::unique_ptr<Database> database(new Database(path));
  database->Configure(path);
  database->Migrate();
  return database;
}

Database::Database(const std::string& path)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs) {}

void Database::Configure(const std::string& path) {
  if (!IsInMemory(path)) {
    // journal_mode answers with the mode now in force; anything but "wal"
    // (a read-only directory, a network filesystem) loses crash safety and
    // the concurrent readers we count on, so refuse to run.
    std::string mode = db_.execAndGet("PRAGMA journal_mode=WAL").getString();
    if (mode != "wal") {
      throw SQLite::Exception("could not enable WAL on " + path +
                              " (journal_mode is " + mode + ")");
    }
  }
  // FULL: a commit is on disk before the sender gets its 2xx, even across a
  // power cut. NORMAL would only survive a process crash in WAL mode.
  db_.exec("PRAGMA synchronous=FULL");
  db_.exec("PRAGMA foreign_keys=ON");
  // The pages a commit touches are the tables' and indexes' newest: 512 KiB
  // holds them (SQLite's default, 2 MiB, fills with older pages over a run
  // of leads: a fifth of the daemon's growth), and the OS page cache serves
  // an older page in microseconds.
  db_.exec("PRAGMA cache_size=-512");
  // A group commit's savepoints journal the pages earlier tasks touched; in
  // memory, a large batch's journal is never a temporary file created and
  // unlinked on the commit's path.
  db_.exec("PRAGMA temp_store=MEMORY");
}

int64_t Database::DataVersion() {
  return db_.execAndGet("PRAGMA data_version").getInt64();
}

int Database::LatestSchemaVersion() { return Migrations().back().version; }

int Database::SchemaVersion() {
  if (!db_.tableExists("schema_migrations")) return 0;
  return db_
      .execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
      .getInt();
}

void Database::Migrate() {
  db_.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY,"
      " applied_at INTEGER NOT NULL)");
  int current = SchemaVersion();
  if (current > LatestSchemaVersion()) {
    throw SQLite::Exception(
        "database schema version " + std::to_string(current) +
        " is newer than this build supports (" +
        std::to_string(LatestSchemaVersion()) + "); refusing to open it");
  }
  for (const Migration& m : Migrations()) {
    if (m.version <= current) continue;
    SQLite::Transaction tx(db_);
    db_.exec(m.sql);
    // applied_at is audit only, so SQLite's own clock is good enough here:
    // Open() takes no time and nothing decides on this value.
    CachedStatement record(
        db_,
        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, "
        "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))");
    record.bind(1, m.version);
    record.exec();
    tx.commit();
  }
}

}  // namespace leadrouter::storage
