// WalCheckpointer: moves the WAL's pages into the database file on a thread
// and connection of its own, so no commit pays for it. SQLite's automatic
// checkpoint runs inside the commit that takes the WAL past 1,000 pages:
// about one lead in a hundred waited for a few megabytes written and an
// fsync of the database file (bench_flow: the commit stage's p99 2.2 ms
// against 1.1 ms without). Attached to the writer's connection, it takes
// that connection's checkpoints over. The WAL starts over only once a
// checkpoint has copied all of it, which one running beside a writer that
// keeps committing may never do: past four times the threshold, the commit
// runs one itself, as SQLite's own would have, which bounds the WAL.
// Thread rule: construct and destroy on one thread, while the writer's
// connection is not in use or after it is closed; the hook it sets runs on
// whatever thread commits on that connection.
#pragma once

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace leadrouter::storage {

class WalCheckpointer {
 public:
  // What one checkpoint came to, for the daemon's log and metrics. One that
  // found another checkpoint at work (SQLITE_BUSY) did nothing: no report.
  struct Report {
    bool on_commit = false;  // run by the committing thread, at the bound
    bool ok = false;         // SQLite answered without an error
    bool complete = false;   // it copied every page the WAL held
    std::string error;       // SQLite's message, when not ok
    // Failures in a row, this one included; 0 when ok.
    int64_t failures_in_a_row = 0;
    // When ok: the failures in a row it ends (0 after a success).
    int64_t failures_before = 0;
    int wal_pages = 0;  // the WAL's size after the writer's last commit
  };
  // Called on the thread that ran the checkpoint (its own, or the writer's
  // at the bound); it must not use the writer's connection.
  using Reporter = std::function<void(const Report&)>;

  // Watches `writer` and checkpoints its file once a commit leaves at least
  // `pages` pages in its WAL. An in-memory database has no file and no WAL:
  // nothing is started. Throws SQLite::Exception when the file cannot be
  // opened for the checkpointer's connection.
  explicit WalCheckpointer(SQLite::Database& writer, int pages = 1000, Reporter report = {});
  // Stops the thread. Destroy after the writer's connection is closed (or
  // never used again): its commits call into this object.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Commits that asked the thread for a checkpoint (counted as they commit).
  int64_t requested() const { return requested_.load(); }
  // Checkpoints that copied every page the WAL held when they began.
  int64_t completed() const { return completed_.load(); }
  // Of those, the ones the committing thread ran itself, because the WAL
  // had reached kBoundFactor times the threshold.
  int64_t inline_completed() const { return inline_.load(); }
  // Checkpoints SQLite refused with an error (I/O, a full disk); the next
  // commit past the threshold asks again.
  int64_t failed() const { return failed_.load(); }
  // The WAL's size in pages after the writer's last commit.
  int wal_pages() const { return wal_pages_.load(); }

 private:
  static int OnCommit(void* self, sqlite3* db, const char* name, int pages);
  void Run(SQLite::Database& db);
  // One PASSIVE checkpoint of `name` on `db`, counted: it never waits for
  // the writer, copies what is committed and stops at what it cannot yet.
  void Checkpoint(sqlite3* db, const char* name, bool on_commit);

  // The WAL's bound, in thresholds: past it the commit checkpoints itself.
  static constexpr int kBoundFactor = 4;

  const int pages_;
  const Reporter report_;
  std::mutex report_mu_;
  int64_t failures_in_a_row_ = 0;  // GUARDED_BY(report_mu_)
  std::atomic<int64_t> requested_{0};
  std::atomic<int64_t> completed_{0};
  std::atomic<int64_t> inline_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int> wal_pages_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;    // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace leadrouter::storage
