#include "bot/slack/once_poster.h"

#include <sstream>
#include <utility>

#include "bot/daemon/log.h"
#include "bot/slack/web_api_client.h"
#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/job_post_store.h"

namespace leadrouter::slack {
namespace {

using nlohmann::json;

// Answers to conversations.history that waiting cannot fix: the token may
// not read this channel. Posting again (today's behaviour) is all that is
// left.
bool LookupRefused(const ApiResult& result) {
  return !result.ok && !result.retryable;
}

// Slack answered, and the answer says the message was not posted (a 429, or
// ok:false with an error code). A transport error or a 5xx says nothing
// either way: the post may have been taken.
bool SurelyNotPosted(const ApiResult& result) {
  if (result.ok) return false;
  if (result.http_status == 429) return true;
  return result.http_status / 100 == 2 && result.body.is_object();
}

std::string StringAt(const json& body, const char* key) {
  if (!body.is_object()) return "";
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

json JobMetadata(int64_t job_id) {
  return json{{"event_type", kJobMetadataEvent},
              {"event_payload", {{"job_id", std::to_string(job_id)}}}};
}

std::string FindJobMessage(const json& history, int64_t job_id) {
  if (!history.is_object() || !history.contains("messages") ||
      !history["messages"].is_array()) {
    return "";
  }
  const std::string wanted = std::to_string(job_id);
  for (const json& message : history["messages"]) {
    if (!message.is_object() || !message.contains("metadata")) continue;
    const json& metadata = message["metadata"];
    if (StringAt(metadata, "event_type") != kJobMetadataEvent) continue;
    if (!metadata.contains("event_payload")) continue;
    const json& payload = metadata["event_payload"];
    if (!payload.is_object() || !payload.contains("job_id")) continue;
    const json& id = payload["job_id"];
    const std::string got = id.is_string() ? id.get<std::string>() : id.dump();
    if (got == wanted) return StringAt(message, "ts");
  }
  return "";
}

HistoryScopes HistoryScopes::From(const std::string& x_oauth_scopes) {
  HistoryScopes out;
  if (x_oauth_scopes.empty()) return out;
  out.known = true;
  std::stringstream list(x_oauth_scopes);
  std::string scope;
  while (std::getline(list, scope, ',')) {
    while (!scope.empty() && scope.front() == ' ') scope.erase(scope.begin());
    while (!scope.empty() && scope.back() == ' ') scope.pop_back();
    if (scope == "channels:history" || scope == "groups:history") out.channels = true;
    if (scope == "im:history") out.dms = true;
  }
  return out;
}

bool HistoryScopes::Allows(const std::string& channel) const {
  if (!known) return true;
  return !channel.empty() && channel.front() == 'D' ? dms : channels;
}

OncePoster::OncePoster(StorageWriter& writer, WebApiClient& api, const Clock& clock)
    : writer_(writer), api_(api), clock_(clock) {}

void OncePoster::LogScopes() {
  api_.AuthTest([this](ApiResult result) {
    if (!result.ok) return;  // the connection reports auth trouble itself
    scopes_ = HistoryScopes::From(result.scopes);
    if (!scopes_.known) return;
    if (scopes_.channels && scopes_.dms) {
      logging::Info("slack.post_lookup", {{"channels", true}, {"dms", true}});
      return;
    }
    logging::Warn(
        "slack.post_lookup",
        {{"channels", scopes_.channels},
         {"dms", scopes_.dms},
         {"detail",
          "the bot token lacks channels:history/groups:history or im:history: a "
          "crash between Slack accepting a post and leadrouter recording it can "
          "show that message twice; grant the scopes (manifests/slack-app.yaml) "
          "to close that window"}});
  });
}

void OncePoster::RecordIntent(storage::Database& db, const storage::Job& job,
                              SystemTime now) {
  storage::JobPostStore(db.db()).Intend(job.id, "", now);
}

void OncePoster::Post(int64_t job_id, const std::string& channel, json message,
                      Record record, JobDone done, bool intent_recorded) {
  if (intent_recorded) {
    return Send(job_id, channel, std::move(message), std::move(record), done);
  }
  SystemTime now = clock_.Now();
  auto shared = std::make_shared<json>(std::move(message));
  writer_.Call<std::optional<storage::JobPost>>(
      [job_id, channel, now](storage::Database& db) {
        return storage::JobPostStore(db.db()).Intend(job_id, channel, now);
      },
      [this, job_id, channel, shared, record = std::move(record),
       done](Result<std::optional<storage::JobPost>> before) mutable {
        if (!before.ok()) return done(JobOutcome::Retry(before.status().message()));
        if (!before.value()) {
          return Send(job_id, channel, std::move(*shared), std::move(record), done);
        }
        if (before.value()->posted()) {
          logging::Info("slack.post_skipped",
                        {{"job_id", job_id}, {"why", "posted before a restart"}});
          return done(JobOutcome::Done());
        }
        LookUpThenPost(job_id, channel, std::move(*shared), std::move(record), done);
      });
}

void OncePoster::LookUpThenPost(int64_t job_id, const std::string& channel,
                                json message, Record record, JobDone done) {
  if (!scopes_.Allows(channel)) {
    logging::Warn("slack.post_unverified",
                  {{"job_id", job_id},
                   {"detail", "no history scope to check for an earlier copy; posting again"}});
    return Send(job_id, channel, std::move(message), std::move(record), done);
  }
  const std::string thread_ts = StringAt(message, "thread_ts");
  auto shared = std::make_shared<json>(std::move(message));
  api_.History(channel, thread_ts, [this, job_id, channel, shared, record = std::move(record),
                             done](ApiResult result) mutable {
    if (result.ok) {
      std::string ts = FindJobMessage(result.body, job_id);
      if (!ts.empty()) {
        logging::Info("slack.post_found",
                      {{"job_id", job_id}, {"channel", channel}, {"ts", ts}});
        return Remember(job_id, channel, ts, std::move(record), done);
      }
      return Send(job_id, channel, std::move(*shared), std::move(record), done);
    }
    if (!LookupRefused(result)) return done(ToJobOutcome(result));
    if (!refusal_logged_) {
      refusal_logged_ = true;
      logging::Warn("slack.post_lookup",
                    {{"error", result.error},
                     {"detail",
                      "conversations.history refused: a post whose answer was lost "
                      "is sent again, as before; grant channels:history, "
                      "groups:history and im:history to check first"}});
    }
    logging::Warn("slack.post_unverified",
                  {{"job_id", job_id},
                   {"detail", "history lookup refused; posting again"}});
    Send(job_id, channel, std::move(*shared), std::move(record), done);
  });
}

void OncePoster::Send(int64_t job_id, const std::string& channel, json message,
                      Record record, JobDone done) {
  message["metadata"] = JobMetadata(job_id);
  api_.PostMessage(channel, std::move(message),
                   [this, job_id, channel, record = std::move(record),
                    done](ApiResult result) mutable {
                     if (!result.ok) return Failed(job_id, result, done);
                     // Slack names the channel it posted to (a DM's id for
                     // a user); fall back to the one we asked for.
                     std::string where = StringAt(result.body, "channel");
                     Remember(job_id, where.empty() ? channel : where,
                              StringAt(result.body, "ts"), std::move(record), done);
                   });
}

void OncePoster::Failed(int64_t job_id, const ApiResult& result, JobDone done) {
  JobOutcome outcome = ToJobOutcome(result);
  if (!SurelyNotPosted(result)) return done(std::move(outcome));
  writer_.Submit(
      [job_id](storage::Database& db) { storage::JobPostStore(db.db()).Withdraw(job_id); },
      [done, outcome = std::move(outcome)](const std::string&) mutable {
        // Kept intent or not, the outcome stands; a kept one costs a lookup.
        done(std::move(outcome));
      });
}

void OncePoster::Remember(int64_t job_id, const std::string& channel,
                          const std::string& ts, Record record, JobDone done) {
  SystemTime now = clock_.Now();
  writer_.Submit(
      [job_id, channel, ts, now, record = std::move(record)](storage::Database& db) {
        storage::JobPostStore(db.db()).RecordPosted(job_id, channel, ts, now);
        if (record) record(db, channel, ts, now);
      },
      [job_id, done](const std::string& error) {
        // The message is out; posting it again would be worse than losing
        // the ability to update it.
        if (!error.empty()) {
          logging::Error("slack.remember_failed", {{"job_id", job_id}, {"error", error}});
        }
        done(JobOutcome::Done());
      });
}

}  // namespace leadrouter::slack
