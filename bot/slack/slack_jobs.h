// SlackJobs: the executors of the slack.* job kinds (bot/routing/outbox_plan.h),
// the only place a Slack-visible effect happens. Each job reads what it
// needs from storage, makes its Web API calls, and records the message it
// posted (channel and ts) so that later jobs can update it or reply in its
// thread. Every posting job goes through slack::OncePoster, so a job run
// again after a crash finds its message (recorded, or in Slack by the job id
// in its metadata) instead of posting it twice. DM channels come from a
// slack::DmChannelCache: one conversations.open per agent, ever (kept on
// disk, and opened for every active agent at start).
// Thread rule: loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <vector>
#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/runtime/job_runner.h"
#include "bot/slack/block_kit.h"
#include "bot/slack/dm_channel_cache.h"
#include "bot/slack/once_poster.h"
#include "storage/lead_store.h"
#include "storage/slack_message_store.h"

namespace leadrouter {

class StorageWriter;
namespace slack {
class WebApiClient;
}

// The card's view of a stored lead. The shark-tank identity is hidden only
// while the lead has no owner.
slack::LeadView ViewOf(const storage::StoredLead& lead, const Config& config,
                       std::string routing_reason = "");

class SlackJobs {
 public:
  // Every reference must outlive this object and the runner's use of it.
  SlackJobs(StorageWriter& writer, slack::WebApiClient& api,
            const Config& config, const Clock& clock);

  // Registers an executor for every slack.* kind on `runner`, and tells the
  // runner which of its jobs only wait for Slack's pace (they hold no
  // in-flight slot) and to look for more work whenever one starts waiting.
  // Logs once whether lost posts can be looked up (OncePoster::LogScopes).
  void RegisterWith(JobRunner& runner);

 private:
  void PostSharkTank(const storage::Job& job, JobDone done);
  void PostSharkTankOf(const storage::Job& job, std::optional<storage::StoredLead> lead,
                       std::optional<storage::SlackMessage> post, JobDone done);
  void UpdateLeadPost(const storage::Job& job, JobDone done);
  void DmLeadCard(const storage::Job& job, JobDone done);
  // The lead's shark-tank post and owner's DM shown again, in place, as
  // the lead now stands (enrichment arrived after they went out).
  void RefreshLeadCard(const storage::Job& job, JobDone done);
  // chat.update of updates[next..], one after another.
  void UpdateEach(
      std::shared_ptr<std::vector<std::pair<storage::SlackMessage, nlohmann::json>>> updates,
      size_t next, JobDone done);
  void Ephemeral(const storage::Job& job, JobDone done);
  void DmNote(const storage::Job& job, JobDone done);
  void ThreadNote(const storage::Job& job, JobDone done);
  void PostTriage(const storage::Job& job, JobDone done);
  void OpsAlert(const storage::Job& job, JobDone done);
  void PostAlert(const storage::Job& job, const std::string& title,
                 const std::string& detail, JobDone done);

  // Posts `message` to `channel` once for `job` (OncePoster), remembering
  // it as the lead's `kind` message with its timeline event; `done` gets
  // the outcome.
  void PostAndRemember(const storage::Job& job, int64_t lead_id,
                       const std::string& channel, nlohmann::json message,
                       const std::string& kind, JobDone done);
  // Posts a message no later job refers to (a note, an alert) once for `job`.
  void PostOnce(const storage::Job& job, const std::string& channel,
                nlohmann::json message, JobDone done);
  // Seeds the DM channels kept on disk and opens those of active agents
  // not known yet, so a burst's first DMs do not wait for Slack's pace on
  // conversations.open (bot/slack/dm_channel_cache.h).
  void WarmDmChannels();
  // Keeps (or, for an empty channel, drops) `user`'s DM channel on disk.
  void KeepDmChannel(const std::string& user, const std::string& channel);
  // Hands `agent`'s DM channel id to `then`; a failure goes to `done`.
  void OpenDm(const std::string& agent, JobDone done,
              std::function<void(const std::string&)> then);

  StorageWriter& writer_;
  slack::WebApiClient& api_;
  const Config& config_;
  const Clock& clock_;
  slack::DmChannelCache dm_channels_;
  slack::OncePoster poster_;
  // What a shark-tank post's hand-over step read in the transaction that
  // wrote it, for its first run; shared with the writer thread.
  struct Prepared;
  std::shared_ptr<Prepared> prepared_;
};

}  // namespace leadrouter
