#include "bot/runtime/storage_writer.h"

#include <utility>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "storage/database.h"

namespace leadrouter {
namespace {
// Large enough to absorb a burst in one commit, small enough that the first
// request in a batch is not kept waiting for the last.
constexpr size_t kMaxBatch = 256;
}  // namespace

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
  SQLite::Database& db = db_->db();
  for (;;) {
    std::vector<Task> batch;
    MilestoneSink sink;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      sink = milestone_sink_;
    }
    std::vector<storage::LeadMilestone>& milestones = db_->milestones();
    milestones.clear();
    std::vector<std::string> errors(batch.size());
    bool committed = false;
    try {
      SQLite::Transaction tx(db);
      for (size_t i = 0; i < batch.size(); ++i) {
        db.exec("SAVEPOINT task");
        const size_t noted = milestones.size();
        try {
          batch[i].work(*db_);
          db.exec("RELEASE task");
        } catch (const std::exception& e) {
          errors[i] = e.what();
          if (errors[i].empty()) errors[i] = "storage error";
          milestones.resize(noted);
          db.exec("ROLLBACK TO task");
          db.exec("RELEASE task");
        }
      }
      tx.commit();
      committed = true;
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
    for (size_t i = 0; i < batch.size(); ++i) {
      boost::asio::post(loop_, [done = std::move(batch[i].done),
                                err = std::move(errors[i])] { done(err); });
    }
  }
}

}  // namespace leadrouter
