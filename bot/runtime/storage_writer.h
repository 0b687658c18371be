// StorageWriter: the one thread that owns the SQLite connection. Work is
// queued from the event loop, run in order on the writer thread, and each
// completion is posted back to the loop. Work that arrives together is
// committed together (one fsync for a burst), each piece isolated by a
// savepoint so that one failure rolls back only itself.
// Thread rule: Submit/Call from any thread; completions run on the loop.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/lead_milestone.h"

#include "pipeline/status.h"

namespace boost::asio {
class io_context;
}

namespace SQLite {
class Database;
}

namespace leadrouter {
namespace storage {
class Database;
}

class StorageWriter {
 public:
  using Work = std::function<void(storage::Database&)>;
  // `error` is empty when the work ran and its transaction committed.
  using Done = std::function<void(const std::string& error)>;

  // Takes ownership of the database; `loop` must outlive this object.
  StorageWriter(boost::asio::io_context& loop, std::unique_ptr<storage::Database> db);
  ~StorageWriter();
  StorageWriter(const StorageWriter&) = delete;
  StorageWriter& operator=(const StorageWriter&) = delete;

  void Submit(Work work, Done done);

  // Called on the writer thread after each commit with the milestones its
  // work noted (storage::Database::NoteMilestone); those of work that was
  // rolled back are not passed on. Set it before submitting work that
  // notes any; milestones committed while none is set are dropped.
  using MilestoneSink = std::function<void(const std::vector<storage::LeadMilestone>&)>;
  void OnMilestones(MilestoneSink sink);

  // Runs on the writer thread inside each batch's transaction, after the
  // batch's work and before its commit, in a savepoint of its own (a throw
  // rolls back only what the hook wrote, and is logged). What it returns is
  // posted to the loop once the commit succeeded, ahead of the batch's
  // completions, and dropped if the commit failed. The job runner uses this
  // to take the jobs a commit makes due (JobRunner::Start).
  using CommitHook = std::function<std::function<void()>(storage::Database&)>;
  void BeforeCommit(CommitHook hook);

  // Runs `work` and hands its value (or the failure) to `done` on the loop.
  template <typename R>
  void Call(std::function<R(storage::Database&)> work,
            std::function<void(Result<R>)> done) {
    auto value = std::make_shared<std::optional<R>>();
    Submit([work = std::move(work), value](storage::Database& db) { *value = work(db); },
           [done = std::move(done), value](const std::string& error) {
             if (error.empty() && value->has_value()) {
               done(Result<R>(std::move(**value)));
             } else {
               done(Result<R>(Status::Internal(error.empty() ? "no result" : error)));
             }
           });
  }

  // Finishes queued work, then stops the thread. Idempotent.
  void Stop();

  size_t queue_depth() const;

 private:
  struct Task {
    Work work;
    Done done;
  };
  void Run();
  std::function<void()> RunHook(const CommitHook& hook, SQLite::Database& db);

  boost::asio::io_context& loop_;
  std::unique_ptr<storage::Database> db_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;   // GUARDED_BY(mu_)
  MilestoneSink milestone_sink_;  // GUARDED_BY(mu_)
  CommitHook commit_hook_;        // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace leadrouter
