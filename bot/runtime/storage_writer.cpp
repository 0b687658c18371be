#include "bot/runtime/storage_writer.h"

#include <pthread.h>

#include <utility>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "bot/runtime/stage_trace.h"
#include "storage/cached_statement.h"
#include "storage/database.h"

namespace leadrouter {
namespace {

// Savepoints are taken for every piece of work; their statements are kept
// prepared like any other.
void Exec(SQLite::Database& db, const char* sql) {
  storage::CachedStatement(db, sql).exec();
}

// Large enough to absorb a burst in one commit, small enough that the first
// request in a batch is not kept waiting for the last.
constexpr size_t kMaxBatch = 256;
}  // namespace

std::function<void()> StorageWriter::RunHook(const CommitHook& hook,
                                             SQLite::Database& db) {
  Exec(db, "SAVEPOINT commit_hook");
  try {
    std::function<void()> after = hook(*db_);
    Exec(db, "RELEASE commit_hook");
    return after;
  } catch (const std::exception& e) {
    spdlog::error("storage commit hook failed: {}", e.what());
    Exec(db, "ROLLBACK TO commit_hook");
    Exec(db, "RELEASE commit_hook");
    return nullptr;
  }
}

StorageWriter::StorageWriter(boost::asio::io_context& loop,
                             std::unique_ptr<storage::Database> db)
    : loop_(loop), db_(std::move(db)), thread_([this] { Run(); }) {}

StorageWriter::~StorageWriter() { Stop(); }

void StorageWriter::Submit(Work work, Done done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      boost::asio::post(loop_, [done = std::move(done)] { done("storage is shutting down"); });
      return;
    }
    queue_.push_back({std::move(work), std::move(done)});
  }
  cv_.notify_one();
}

void StorageWriter::OnMilestones(MilestoneSink sink) {
  std::lock_guard<std::mutex> lock(mu_);
  milestone_sink_ = std::move(sink);
}

void StorageWriter::BeforeCommit(CommitHook hook) {
  std::lock_guard<std::mutex> lock(mu_);
  commit_hook_ = std::move(hook);
}

void StorageWriter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

size_t StorageWriter::queue_depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void StorageWriter::Run() {
  // Named so top -H, ps -L and perf tell the writer's time from the loop's.
  pthread_setname_np(pthread_self(), "lr-writer");
  SQLite::Database& db = db_->db();
  for (;;) {
    std::vector<Task> batch;
    MilestoneSink sink;
    CommitHook hook;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      sink = milestone_sink_;
      hook = commit_hook_;
    }
    std::vector<storage::LeadMilestone>& milestones = db_->milestones();
    milestones.clear();
    std::vector<std::string> errors(batch.size());
    bool committed = false;
    std::function<void()> after_commit;
    try {
      SQLite::Transaction tx(db);
      for (size_t i = 0; i < batch.size(); ++i) {
        Exec(db, "SAVEPOINT task");
        const size_t noted = milestones.size();
        try {
          batch[i].work(*db_);
          Exec(db, "RELEASE task");
        } catch (const std::exception& e) {
          errors[i] = e.what();
          if (errors[i].empty()) errors[i] = "storage error";
          milestones.resize(noted);
          Exec(db, "ROLLBACK TO task");
          Exec(db, "RELEASE task");
        }
      }
      if (hook) after_commit = RunHook(hook, db);
      tx.commit();
      committed = true;
      if (after_commit) stage_trace::Mark(stage_trace::Stage::kCommitted);
    } catch (const std::exception& e) {
      spdlog::error("storage commit failed: {}", e.what());
      for (std::string& err : errors) {
        if (err.empty()) err = std::string("commit failed: ") + e.what();
      }
    }
    if (committed && sink && !milestones.empty()) {
      try {
        sink(milestones);
      } catch (const std::exception& e) {
        spdlog::error("counting committed milestones failed: {}", e.what());
      }
    }
    if (committed && after_commit) boost::asio::post(loop_, std::move(after_commit));
    for (size_t i = 0; i < batch.size(); ++i) {
      boost::asio::post(loop_, [done = std::move(batch[i].done),
                                err = std::move(errors[i])] { done(err); });
    }
  }
}

}  // namespace leadrouter
