// SlackJobs: the executors of the slack.* job kinds (bot/outbox_plan.h),
// the only place a Slack-visible effect happens. Each job reads what it
// needs from storage, makes its Web API calls, and records the message it
// posted (channel and ts) so that later jobs can update it or reply in its
// thread. A job that already did its work before a crash recognises that
// and does not post twice where it can tell (the shark-tank post).
// Thread rule: loop thread only.
#pragma once

#include <functional>
#include <string>

#include "bot/clock.h"
#include "bot/config.h"
#include "bot/job_runner.h"
#include "bot/slack/block_kit.h"
#include "storage/lead_store.h"

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

  // Registers an executor for every slack.* kind on `runner`.
  void RegisterWith(JobRunner& runner);

 private:
  void PostSharkTank(const storage::Job& job, JobDone done);
  void UpdateLeadPost(const storage::Job& job, JobDone done);
  void DmLeadCard(const storage::Job& job, JobDone done);
  void Ephemeral(const storage::Job& job, JobDone done);
  void DmNote(const storage::Job& job, JobDone done);
  void ThreadNote(const storage::Job& job, JobDone done);
  void PostTriage(const storage::Job& job, JobDone done);
  void OpsAlert(const storage::Job& job, JobDone done);
  void PostAlert(const std::string& title, const std::string& detail, JobDone done);

  // Posts `message` to `channel`, then remembers it as the lead's `kind`
  // message; `done` gets the outcome.
  void PostAndRemember(int64_t lead_id, const std::string& channel,
                       nlohmann::json message, const std::string& kind,
                       JobDone done);
  // Opens the DM with `agent` and hands its channel id to `then`; a failure
  // goes to `done` instead.
  void OpenDm(const std::string& agent, JobDone done,
              std::function<void(const std::string&)> then);
  // Records a posted message and its timeline event, then calls `done`.
  void Remember(int64_t lead_id, const std::string& channel,
                const std::string& ts, const std::string& kind, JobDone done);

  StorageWriter& writer_;
  slack::WebApiClient& api_;
  const Config& config_;
  const Clock& clock_;
};

}  // namespace leadrouter
