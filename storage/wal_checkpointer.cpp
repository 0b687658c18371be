#include "storage/wal_checkpointer.h"

#include <sqlite3.h>

#include <memory>
#include <utility>

namespace leadrouter::storage {

namespace {

bool IsInMemory(const std::string& path) {
  return path.empty() || path == ":memory:" || path.rfind("file::memory:", 0) == 0;
}

}  // namespace

WalCheckpointer::WalCheckpointer(SQLite::Database& writer, const std::string& path,
                                 int pages)
    : pages_(pages) {
  if (IsInMemory(path)) return;
  // Opened here, so a file that cannot be opened fails the caller rather
  // than the thread, which alone uses it from then on.
  auto own = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE);
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
    int log = 0;
    int copied = 0;
    if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &log, &copied) ==
            SQLITE_OK &&
        copied == log) {
      ++checkpointer->completed_;
      ++checkpointer->inline_;
    }
    return SQLITE_OK;
  }
  if (pages >= checkpointer->pages_) {
    {
      std::lock_guard<std::mutex> lock(checkpointer->mu_);
      checkpointer->wanted_ = true;
    }
    checkpointer->cv_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Run(SQLite::Database& db) {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || wanted_; });
      if (stopping_) return;
      wanted_ = false;
    }
    // PASSIVE never waits for the writer: it copies what is committed and
    // stops at what it cannot yet. What it leaves, the next commit past the
    // threshold asks for again.
    int log = 0;
    int copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db.getHandle(), nullptr,
                                             SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    if (rc == SQLITE_OK && copied == log) {
      ++completed_;
    } else if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      ++failed_;
    }
  }
}

}  // namespace leadrouter::storage
