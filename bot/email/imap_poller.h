// ImapPoller: takes lead e-mails from a mailbox over IMAP
// ([inbound_email.imap]). Each poll is a job (email.imap_poll) that writes
// the next one poll_interval later, so polls follow the injected clock and
// a crash loses none. libcurl blocks, so a poll runs on a worker thread of
// the poller's own, on a session kept logged in from poll to poll (closed
// after five idle minutes, reopened after a failure): it opens the folder
// read-only, finds the messages above the last UID it finished, and for
// each one stores it through StoreInboundEmail (via "imap", its parse job
// in the same commit) and only after that commit flags it on the server
// (or moves it), then records its UID. A crash between the commit and the
// flag fetches the message again at the next poll, where its Message-ID
// makes it a duplicate.
// The state and the last success are in /healthz (ImapHealth); failures
// and stalls reach the ops channel through OpsAlerts' grouped alerts.
// Thread rule: construct, Start, Stop and health() on the loop thread; the
// worker reaches the database only through the storage writer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "bot/daemon/config.h"
#include "bot/email/imap_health.h"
#include "bot/email/imap_session.h"
#include "bot/runtime/clock.h"
#include "bot/runtime/job_runner.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {
namespace storage {
class Database;
}

class OpsAlerts;
class StorageWriter;

// What one poll did.
struct ImapPollResult {
  std::optional<ImapError> error;  // the poll stopped here
  int fetched = 0;
  int stored = 0;      // new messages
  int duplicates = 0;  // stored before (a redelivery, or fetched again after a crash)
  bool more = false;   // max_per_poll was reached: poll again at once
  bool uidvalidity_changed = false;
};

class ImapPoller {
 public:
  // Every reference must outlive the poller. Does nothing until Start.
  ImapPoller(boost::asio::io_context& loop, StorageWriter& writer, JobRunner& runner,
             const Config& config, const Secrets& secrets, const Clock& clock,
             OpsAlerts& alerts);
  ~ImapPoller();  // Stop()
  ImapPoller(const ImapPoller&) = delete;
  ImapPoller& operator=(const ImapPoller&) = delete;

  // Registers the poll job and writes the first poll, due now, unless one is
  // waiting. Without [inbound_email.imap], or without its secret in the
  // environment (logged once), the poller stays disabled.
  // REQUIRES: called before runner.Start().
  void Start();
  // Aborts the poll in progress and joins the worker. What it had stored
  // stays stored; what it had not flagged is fetched again after a restart.
  // Idempotent.
  void Stop();

  const ImapHealth& health() const { return health_; }

 private:
  void RunJob(JobDone done);
  void WorkerLoop();
  ImapPollResult Poll();
  void Finished(const ImapPollResult& result, JobDone done);
  // Runs `work` on the storage writer and waits for its commit; nullopt
  // when it failed (`error` says why) or the poller is stopping.
  template <typename T>
  std::optional<T> OnWriter(std::function<T(storage::Database&)> work, std::string* error);

  boost::asio::io_context& loop_;
  StorageWriter& writer_;
  JobRunner& runner_;
  const Config& config_;
  const Clock& clock_;
  OpsAlerts& alerts_;
  ImapOptions options_;
  const std::string mailbox_key_;
  ImapHealth health_;
  bool enabled_ = false;

  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<JobDone> request_;  // GUARDED_BY(mu_): a poll to run
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::shared_ptr<bool> alive_;
  // The worker's alone: the logged-in session kept between polls, and when
  // a poll last used it.
  std::unique_ptr<ImapSession> session_;
  SystemTime session_used_{};
};

}  // namespace leadrouter
