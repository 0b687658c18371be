// OncePoster: posts a job's message so that Slack shows it once, whatever
// crashes in between. Before calling chat.postMessage it records the intent
// (storage/job_post_store.h); each post carries the job's id in Slack
// message metadata; the message's ts is recorded together with whatever the
// caller records about it. A job run again then:
//   - finds its message recorded: done, nothing posted;
//   - finds only its intent (a crash, or a connection lost after Slack took
//     the post but before its answer): looks in the channel's history for a
//     message carrying its id, records that one if found, posts only if not.
// A post Slack takes only after the restarted daemon looked for it (Slack
// slower to act on it than the daemon was to restart) is posted twice.
// The lookup needs a history scope (channels:history / groups:history, and
// im:history for DMs). Without it, leadrouter posts again as it always did,
// and says so once at start (LogScopes) and on the first refused lookup.
// Thread rule: loop thread only; `done` runs on the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "bot/runtime/clock.h"
#include "bot/runtime/job_runner.h"

namespace leadrouter {

class StorageWriter;
namespace storage {
class Database;
struct Job;
}

namespace slack {

class WebApiClient;
struct ApiResult;

// The metadata event type leadrouter marks its posts with.
inline constexpr char kJobMetadataEvent[] = "leadrouter_job";

// {"event_type":"leadrouter_job","event_payload":{"job_id":"<id>"}}.
nlohmann::json JobMetadata(int64_t job_id);
// The ts of the message in a conversations.history answer whose metadata
// names `job_id`; "" when none does.
std::string FindJobMessage(const nlohmann::json& history, int64_t job_id);

// Which history lookups a token's scopes allow.
struct HistoryScopes {
  bool known = false;     // false: the answer did not list scopes; try
  bool channels = false;  // channels:history or groups:history
  bool dms = false;       // im:history
  static HistoryScopes From(const std::string& x_oauth_scopes);
  // Whether a lookup in `channel` (C…/G… or D…) is worth trying.
  bool Allows(const std::string& channel) const;
};

class OncePoster {
 public:
  // Runs in the storage writer with the posted message, in the transaction
  // that records it (e.g. the lead's slack_messages row and timeline event).
  using Record = std::function<void(storage::Database& db, const std::string& channel,
                                    const std::string& ts, SystemTime now)>;

  // Every reference must outlive this object and its calls in flight.
  OncePoster(StorageWriter& writer, WebApiClient& api, const Clock& clock);

  // Posts `message` to `channel` once for job `job_id` (see above), then
  // calls `done` with the outcome. `record` may be empty. `intent_recorded`:
  // the job was handed over with its intent written by RecordIntent in the
  // transaction that wrote it (its first run), so it posts at once.
  void Post(int64_t job_id, const std::string& channel, nlohmann::json message,
            Record record, JobDone done, bool intent_recorded = false);

  // The hand-over step of a posting job's kind (JobHandOverStep): records
  // its intent, channel not yet known, in the transaction that claims it.
  static void RecordIntent(storage::Database& db, const storage::Job& job, SystemTime now);

  // Asks Slack (auth.test) which scopes the token has and logs whether a
  // post lost in a crash can be looked up; later lookups follow the answer.
  void LogScopes();

 private:
  void LookUpThenPost(int64_t job_id, const std::string& channel,
                      nlohmann::json message, Record record, JobDone done);
  void Send(int64_t job_id, const std::string& channel, nlohmann::json message,
            Record record, JobDone done);
  // Hands the failure's outcome on, first withdrawing the intent when Slack
  // said it did not post.
  void Failed(int64_t job_id, const ApiResult& result, JobDone done);
  void Remember(int64_t job_id, const std::string& channel, const std::string& ts,
                Record record, JobDone done);

  StorageWriter& writer_;
  WebApiClient& api_;
  const Clock& clock_;
  HistoryScopes scopes_;
  bool refusal_logged_ = false;
};

}  // namespace slack
}  // namespace leadrouter
