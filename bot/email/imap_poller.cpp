#include "bot/email/imap_poller.h"

#include <pthread.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <limits>

#include "bot/daemon/log.h"
#include "bot/email/imap_poll_tx.h"
#include "bot/email/inbound_email_tx.h"
#include "bot/runtime/job_kinds.h"
#include "bot/ops/ops_alerts.h"
#include "bot/runtime/storage_writer.h"
#include "pipeline/email_message.h"

namespace leadrouter {
namespace {

// How often a worker waiting for a commit checks whether it should stop.
constexpr auto kStopCheck = std::chrono::milliseconds(50);
constexpr auto kSessionIdle = std::chrono::minutes(5);

ImapOptions OptionsFrom(const Config::InboundEmail::Imap& imap, const Secrets& secrets) {
  ImapOptions o;
  o.url = imap.url;
  o.username = imap.username;
  // A bearer token wins: it is what a provider that turned passwords off
  // (Google, Microsoft) accepts.
  if (secrets.imap_bearer) {
    o.bearer = *secrets.imap_bearer;
  } else if (secrets.imap_password) {
    o.password = *secrets.imap_password;
  }
  o.folder = imap.folder;
  o.flag = imap.flag;
  o.move_to = imap.move_to;
  o.ca_file = imap.ca_file;
  o.timeout = imap.timeout;
  return o;
}

ImapError StorageError(const std::string& what, const std::string& error) {
  return {ImapError::Kind::kStorage, what + ": " + (error.empty() ? "stopping" : error)};
}

}  // namespace

ImapPoller::ImapPoller(boost::asio::io_context& loop, StorageWriter& writer,
                       JobRunner& runner, const Config& config, const Secrets& secrets,
                       const Clock& clock, OpsAlerts& alerts)
    : loop_(loop),
      writer_(writer),
      runner_(runner),
      config_(config),
      clock_(clock),
      alerts_(alerts),
      options_(OptionsFrom(config.inbound_email.imap, secrets)),
      mailbox_key_(ImapMailboxKey(config.inbound_email.imap)),
      alive_(std::make_shared<bool>(true)) {
  const auto& imap = config.inbound_email.imap;
  health_.started_at = clock.Now();
  health_.stall_after = imap.alert_after;
  if (!imap.enabled) {
    health_.detail = "no [inbound_email.imap] in the config";
    return;
  }
  health_.mailbox = imap.username + " at " + imap.url + ", " + imap.folder;
  if (options_.password.empty() && options_.bearer.empty()) {
    health_.detail = "neither " + imap.password_env + " nor " + imap.bearer_env + " is set";
    return;
  }
  enabled_ = true;
}

ImapPoller::~ImapPoller() {
  Stop();
  alive_.reset();
}

void ImapPoller::Start() {
  if (!config_.inbound_email.imap.enabled) return;
  if (!enabled_) {
    logging::Warn("imap.disabled", {{"mailbox", health_.mailbox},
                                    {"detail", health_.detail + ": the mailbox is not polled"}});
    return;
  }
  health_.state = "starting";
  health_.detail = "";
  thread_ = std::thread([this] { WorkerLoop(); });
  runner_.Register(kJobImapPoll, [this](const storage::Job&, JobDone done) {
    RunJob(std::move(done));
  });
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  std::weak_ptr<bool> alive = alive_;
  writer_.Submit(
      [now, &config](storage::Database& db) {
        StartImapPolls(db, now, config);
      },
      [this, alive](const std::string& error) {
        if (alive.expired()) return;
        if (!error.empty()) {
          logging::Error("imap.schedule_failed", {{"error", error}});
          return;
        }
        runner_.Wake();
      });
  logging::Info("imap.started", {{"mailbox", health_.mailbox},
                                 {"poll_interval_ms",
                                  config_.inbound_email.imap.poll_interval.count()}});
}

void ImapPoller::Stop() {
  stopping_ = true;
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void ImapPoller::RunJob(JobDone done) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return;  // recovered at restart
  request_ = std::move(done);
  cv_.notify_one();
}

void ImapPoller::WorkerLoop() {
  pthread_setname_np(pthread_self(), "lr-imap");  // as top -H and ps -L show it
  for (;;) {
    JobDone done;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || request_.has_value(); });
      if (stopping_) return;
      done = std::move(*request_);
      request_.reset();
    }
    ImapPollResult result;
    try {
      result = Poll();
    } catch (const std::exception& e) {
      result.error = ImapError{ImapError::Kind::kStorage, e.what()};
    }
    if (stopping_) return;  // the job stays running; a restart gives it back
    std::weak_ptr<bool> alive = alive_;
    boost::asio::post(loop_, [this, alive, result = std::move(result),
                              done = std::move(done)]() mutable {
      if (alive.expired()) return;
      Finished(result, std::move(done));
    });
  }
}

template <typename T>
std::optional<T> ImapPoller::OnWriter(std::function<T(storage::Database&)> work,
                                      std::string* error) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  std::future<Result<T>> future = promise->get_future();
  writer_.Call<T>(std::move(work),
                  [promise](Result<T> r) { promise->set_value(std::move(r)); });
  while (future.wait_for(kStopCheck) != std::future_status::ready) {
    if (stopping_) return std::nullopt;
  }
  Result<T> r = future.get();
  if (!r.ok()) {
    *error = r.status().message();
    return std::nullopt;
  }
  return std::move(r).value();
}

ImapPollResult ImapPoller::Poll() {
  ImapPollResult result;
  std::string error;
  const std::string key = mailbox_key_;
  auto cursor = OnWriter<std::optional<ImapCursor>>(
      [key](storage::Database& db) { return LoadImapCursor(db, key); }, &error);
  if (!cursor) {
    result.error = StorageError("reading the mailbox cursor", error);
    return result;
  }

  // One login kept from poll to poll: a login at every poll (every 30 s by
  // default) is what mail providers rate-limit and flag. A connection idle
  // longer than kSessionIdle is closed first: servers log idle sessions out
  // (after 30 minutes at the earliest) and NATs forget idle connections
  // sooner, and a connection dropped without a word costs a poll its
  // timeout.
  const SystemTime started = clock_.Now();
  if (session_ && started - session_used_ > kSessionIdle) session_.reset();
  if (!session_) session_ = std::make_unique<ImapSession>(options_, &stopping_);
  session_used_ = started;
  ImapSession& session = *session_;
  const int64_t logins = session.logins();
  ImapMailboxStatus status;
  if (auto e = session.Examine(&status)) {
    result.error = *e;
    return result;
  }
  if (session.logins() > logins) logging::Info("imap.logged_in", {{"mailbox", health_.mailbox}});
  const ImapPollPlan plan = PlanImapPoll(*cursor, status);
  result.uidvalidity_changed = plan.uidvalidity_changed;
  ImapCursor done{status.uidvalidity, plan.after_uid};
  auto save = [&](const ImapCursor& c) {
    const SystemTime now = clock_.Now();
    return OnWriter<bool>(
        [key, c, now](storage::Database& db) {
          SaveImapCursor(db, key, c, now);
          return true;
        },
        &error);
  };
  if (!*cursor || plan.uidvalidity_changed) {
    if (plan.uidvalidity_changed) {
      logging::Warn("imap.uidvalidity_changed",
                    {{"mailbox", health_.mailbox}, {"from", (*cursor)->uidvalidity},
                     {"to", status.uidvalidity},
                     {"detail", "the folder's UIDs were renumbered: every message is "
                                "read again; those stored before are duplicates"}});
    }
    if (!save(done)) {
      result.error = StorageError("recording the mailbox cursor", error);
      return result;
    }
  }
  if (!plan.search) return result;

  std::vector<uint32_t> found;
  if (auto e = session.Search(plan.after_uid + 1, &found)) {
    result.error = *e;
    return result;
  }
  const size_t max = static_cast<size_t>(config_.inbound_email.imap.max_per_poll);
  std::vector<uint32_t> uids =
      UidsToFetch(std::move(found), plan.after_uid, std::numeric_limits<size_t>::max());
  result.more = uids.size() > max;
  if (result.more) uids.resize(max);

  const Config& config = config_;
  for (uint32_t uid : uids) {
    auto raw = std::make_shared<std::string>();
    if (auto e = session.Fetch(uid, raw.get())) {
      result.error = *e;
      return result;
    }
    ++result.fetched;
    if (!raw->empty()) {
      const SystemTime now = clock_.Now();
      // Never refused for its content: what cannot be read as an e-mail is
      // stored under a hash and becomes a dead letter, not a lost message.
      auto stored = OnWriter<StoredEmail>(
          [raw, now, &config](storage::Database& db) {
            Result<pipeline::EmailMessage> message = pipeline::ReadEmailMessage(*raw);
            const std::string message_id = message.ok() ? message->message_id : "";
            return StoreInboundEmail(db, *raw, message_id, "imap", now, config);
          },
          &error);
      if (!stored) {
        result.error = StorageError("storing UID " + std::to_string(uid), error);
        return result;
      }
      stored->duplicate ? ++result.duplicates : ++result.stored;
      if (!stored->duplicate) {
        std::weak_ptr<bool> alive = alive_;
        boost::asio::post(loop_, [this, alive] {
          if (!alive.expired()) runner_.Wake();
        });
      }
      logging::Info(stored->duplicate ? "imap.duplicate" : "imap.stored",
                    {{"email_id", stored->email_id}, {"uid", uid}});
      // Only now that the message is on disk may the server forget it is new.
      if (auto e = session.Mark(uid)) {
        result.error = *e;
        return result;
      }
    }
    done.last_uid = uid;
    if (!save(done)) {
      result.error = StorageError("recording UID " + std::to_string(uid), error);
      return result;
    }
  }
  return result;
}

void ImapPoller::Finished(const ImapPollResult& result, JobDone done) {
  const SystemTime now = clock_.Now();
  const auto& imap = config_.inbound_email.imap;
  health_.last_poll = now;
  health_.messages_stored += result.stored;
  if (result.error) {
    const ImapError& e = *result.error;
    if (health_.state != "failing") {
      health_.failing_since = now;
      logging::Warn("imap.poll_failed", {{"mailbox", health_.mailbox},
                                         {"kind", ToString(e.kind)},
                                         {"error", e.message}});
    } else {
      logging::Debug("imap.poll_failed", {{"kind", ToString(e.kind)}, {"error", e.message}});
    }
    health_.state = "failing";
    health_.detail = e.message;
    health_.last_error = e.message;
    health_.last_error_kind = ToString(e.kind);
    ++health_.consecutive_failures;
    alerts_.OnImapFailure(health_.mailbox, e.message, e.kind == ImapError::Kind::kAuth);
  } else {
    if (health_.state == "failing") {
      logging::Info("imap.poll_recovered", {{"mailbox", health_.mailbox},
                                            {"failed_polls", health_.consecutive_failures}});
    }
    health_.state = "ok";
    health_.detail = "";
    health_.last_success = now;
    health_.failing_since.reset();
    health_.consecutive_failures = 0;
    alerts_.OnImapSuccess();
    if (result.fetched > 0) {
      logging::Info("imap.polled", {{"fetched", result.fetched},
                                    {"stored", result.stored},
                                    {"duplicates", result.duplicates},
                                    {"more", result.more}});
    }
  }
  // The next poll: at once when this one left messages behind.
  const SystemTime due = result.more && !result.error ? now : now + imap.poll_interval;
  const Config& config = config_;
  std::weak_ptr<bool> alive = alive_;
  writer_.Submit(
      [due, now, &config](storage::Database& db) {
        ScheduleImapPoll(db, due, now, config);
      },
      [this, alive, done = std::move(done)](const std::string& error) {
        if (alive.expired()) return;  // shutting down: recovered at restart
        if (!error.empty()) return done(JobOutcome::Retry(error));
        runner_.Wake();
        done(JobOutcome::Done());
      });
}

}  // namespace leadrouter
