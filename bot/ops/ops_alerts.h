// OpsAlerts: what the ops channel hears about dead letters, CRM events for
// unknown contacts and Slack connection trouble. Problems are grouped by key
// (pipeline/alert_group.h), so an outage is one alert and one recovery note,
// not a storm. Each event is decided and recorded in one storage
// transaction together with the slack.ops_alert jobs it causes and the
// group's timer (an ops.alert_quiet_check job), so a restart in the middle
// of an outage neither alerts again nor forgets the recovery note (the
// transaction's part is bot/ops/alert_decisions.h). Nothing is written
// while slack.ops_channel is empty.
// Thread rule: the loop thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/ops/alert_decisions.h"
#include "bot/runtime/job_runner.h"
#include "pipeline/alert_group.h"
#include "pipeline/crm_event.h"

namespace leadrouter {
namespace storage {
class Database;
class JobStore;
}

class StorageWriter;

class OpsAlerts {
 public:
  // Every reference must outlive this object and the runner's use of it.
  OpsAlerts(StorageWriter& writer, JobRunner& runner, const Config& config,
            const Clock& clock);
  ~OpsAlerts();
  OpsAlerts(const OpsAlerts&) = delete;
  OpsAlerts& operator=(const OpsAlerts&) = delete;

  // Registers the timer's executor and reads which groups are open.
  // REQUIRES: called before runner.Start().
  void Start();

  // For JobRunner::OnDeadLetter: one more dead letter of its channel. An
  // ops alert that died is not alerted about.
  void OnDeadLetter(const storage::Job& job, const std::string& error);
  // For JobRunner::OnDone: a success closes its channel's open group.
  void OnJobDone(const storage::Job& job);
  // For CrmService::OnUnmatched.
  void OnCrmUnmatched(const pipeline::CrmEvent& event);
  // For SlackConnection::OnStateChange and OnAttempt.
  void OnSlackState(const std::string& state, const std::string& detail);
  void OnSlackAttempt();
  // For ImapPoller: a poll of `mailbox` failed (`login_refused`: waiting
  // will not fix it, so it alerts at once), or one succeeded.
  void OnImapFailure(const std::string& mailbox, const std::string& error,
                     bool login_refused);
  void OnImapSuccess();

 private:
  void Submit(const std::string& key, pipeline::AlertEvent event,
              AlertMessage opening);
  void RunCheck(const storage::Job& job, JobDone done);
  void Decided(const std::string& key, uint64_t seq,
               const pipeline::AlertDecision& decision);

  StorageWriter& writer_;
  JobRunner& runner_;
  const Config& config_;
  const Clock& clock_;
  // Groups that are, or may be about to be, open: a success of a channel
  // with no open group costs no database round trip.
  std::set<std::string> maybe_open_;
  // The number of each key's latest problem sent to the writer, so a close
  // decided before it does not forget the group it may have reopened.
  std::map<std::string, uint64_t> last_problem_;
  uint64_t seq_ = 0;
  std::string slack_state_;
  std::shared_ptr<bool> alive_;
};

}  // namespace leadrouter
