#include "storage/wal_checkpointer.h"

#include <pthread.h>

#include <sqlite3.h>

#include <memory>
#include <utility>

namespace leadrouter::storage {

WalCheckpointer::WalCheckpointer(SQLite::Database& writer, int pages, Reporter report)
    : pages_(pages), report_(std::move(report)) {
  // The connection's own file: SQLite names none for an in-memory database.
  const char* file = sqlite3_db_filename(writer.getHandle(), "main");
  if (file == nullptr || *file == '\0') return;
  // Opened here, so a file that cannot be opened fails the caller rather
  // than the thread, which alone uses it from then on.
  auto own = std::make_unique<SQLite::Database>(file, SQLite::OPEN_READWRITE);
  // A checkpoint syncs the WAL before it copies and the database file before
  // the WAL may start over, as the writer's own checkpoints did.
  own->exec("PRAGMA synchronous=FULL");
  // Replaces the connection's automatic checkpoint (itself a WAL hook).
  sqlite3_wal_hook(writer.getHandle(), &WalCheckpointer::OnCommit, this);
  thread_ = std::thread([this, own = std::move(own)] { Run(*own); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

int WalCheckpointer::OnCommit(void* self, sqlite3* db, const char* name, int pages) {
  auto* checkpointer = static_cast<WalCheckpointer*>(self);
  checkpointer->wal_pages_ = pages;
  if (pages >= kBoundFactor * checkpointer->pages_) {
    // Beside a writer that keeps committing, a checkpoint never copies the
    // WAL's very end, and the WAL starts over only once all of it is copied.
    // Here nothing else writes: this one copies it all (unless the thread's
    // is running, which then does), and the next transaction starts over.
    checkpointer->Checkpoint(db, name, /*on_commit=*/true);
  } else if (pages >= checkpointer->pages_) {
    ++checkpointer->requested_;
    {
      std::lock_guard<std::mutex> lock(checkpointer->mu_);
      checkpointer->wanted_ = true;
    }
    checkpointer->cv_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Run(SQLite::Database& db) {
  pthread_setname_np(pthread_self(), "lr-checkpoint");  // as top -H and ps -L show it
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || wanted_; });
      if (stopping_) return;
      wanted_ = false;
    }
    // What it leaves, the next commit past the threshold asks for again.
    Checkpoint(db.getHandle(), nullptr, /*on_commit=*/false);
  }
}

void WalCheckpointer::Checkpoint(sqlite3* db, const char* name, bool on_commit) {
  int log = 0;
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  if (rc == SQLITE_BUSY) return;  // another checkpoint is at work
  Report report;
  report.on_commit = on_commit;
  report.ok = rc == SQLITE_OK;
  report.complete = report.ok && copied == log;
  report.wal_pages = wal_pages_.load();
  if (report.complete) {
    ++completed_;
    if (on_commit) ++inline_;
  }
  if (!report.ok) {
    ++failed_;
    report.error = sqlite3_errmsg(db);
  }
  {
    std::lock_guard<std::mutex> lock(report_mu_);
    if (report.ok) {
      report.failures_before = failures_in_a_row_;
      failures_in_a_row_ = 0;
    } else {
      report.failures_in_a_row = ++failures_in_a_row_;
    }
  }
  if (report_) report_(report);
}

}  // namespace leadrouter::storage
