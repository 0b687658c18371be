// Database: the daemon's one SQLite connection, opened with the settings
// the outbox relies on (WAL, synchronous=FULL, foreign keys, busy timeout)
// and migrated to the newest schema this build knows.
// Thread rule: owned by the storage writer thread; the SQLite::Database it
// hands out must only be used from that thread.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/cached_statement.h"
#include "storage/lead_milestone.h"

namespace leadrouter::storage {

class Database {
 public:
  // Opens (creating if needed) the file at `path`; ":memory:" gives a
  // private in-memory database. Sets journal_mode=WAL (files only),
  // synchronous=FULL, busy_timeout and foreign_keys=ON, then applies every
  // pending migration, each in its own transaction.
  // Throws SQLite::Exception when the file cannot be opened, WAL cannot be
  // enabled, a migration fails (that migration is rolled back, earlier ones
  // stay), or the file's schema is newer than this build knows.
  static std::unique_ptr<Database> Open(const std::string& path);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database() = default;  // SQLite::Database closes without throwing

  // The connection, borrowed; valid as long as this object lives.
  SQLite::Database& db() { return db_; }

  // The highest migration version applied to this file (0 for none).
  // Throws SQLite::Exception.
  int SchemaVersion();

  // SQLite's PRAGMA data_version for this connection: it changes whenever
  // another connection (the `leadrouter dlq` command, the sqlite3 shell)
  // has committed to the file since the last call, and never because of
  // this connection's own commits. Throws SQLite::Exception.
  int64_t DataVersion();

  // The newest migration version this build knows.
  static int LatestSchemaVersion();

  // Milestones the open transaction has reached. Decision code notes them
  // here instead of counting them itself; whoever commits the transaction
  // hands them on (bot/runtime/storage_writer) or drops those of a part it
  // rolled back, so a milestone is counted once and only if it holds.
  void NoteMilestone(LeadMilestone milestone) { milestones_.push_back(milestone); }
  std::vector<LeadMilestone>& milestones() { return milestones_; }

 private:
  explicit Database(const std::string& path);
  void Configure(const std::string& path);
  void Migrate();

  SQLite::Database db_;
  // Declared after db_: its statements are finalized before db_ closes.
  StatementCache statements_{db_};
  std::vector<LeadMilestone> milestones_;
};

}  // namespace leadrouter::storage
