// OpsAlerts: what the ops channel hears about dead letters, CRM events for
// unknown contacts and Slack connection trouble. Problems are grouped by key
// (pipeline/alert_group.h), so an outage is one alert and one recovery note,
// not a storm. Each event is decided and recorded in one storage
// transaction together with the slack.ops_alert jobs it causes and the
// group's timer (an ops.alert_quiet_check job), so a restart in the middle
// of an outage neither alerts again nor forgets the recovery note. Nothing
// is written while slack.ops_channel is empty.
// Thread rule: OpsAlerts on the loop thread; ApplyAlertEvent and
// RunAlertCheck on the storage writer thread, inside the caller's
// transaction.
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
#include "bot/runtime/job_runner.h"
#include "pipeline/alert_group.h"
#include "pipeline/crm_event.h"

namespace leadrouter {
namespace storage {
class Database;
class JobStore;
}

class StorageWriter;

inline constexpr char kCrmUnmatchedGroup[] = "crm_unmatched";
inline constexpr char kSlackConnectionGroup[] = "slack_connection";
inline constexpr char kDeadLetterGroupPrefix[] = "dead_letters:";
inline constexpr char kImapGroup[] = "inbound_email.imap";

// The dead-letter group of `job`, by its channel of effect: "dead_letters:"
// and the kind's first segment ("slack", "route", "sla"), except that a
// sequence step also names its channel ("sequence.sms"), from the kind
// ("sequence.sms…") or else from the payload's "channel".
std::string DeadLetterGroup(const storage::Job& job);

// How group `key` behaves: dead letters and unknown CRM contacts alert at
// once and close after alerts.quiet_period without a new one (dead letters
// also on a success of the same channel); the Slack link alerts only after
// alerts.slack_down_after and closes only when it is back; the IMAP
// mailbox alerts after inbound_email.imap.alert_after without a successful
// poll (a refused login at once) and closes on the next success.
pipeline::AlertPolicy AlertPolicyFor(const std::string& key, const Config& config);

// The words of an opening alert, from whoever reports the problem.
struct AlertMessage {
  std::string title;
  std::string detail;
  std::optional<int64_t> lead_id;
  nlohmann::json facts = nlohmann::json::object();  // extra payload fields
};

// Applies `event` to group `key` at `now`: reads the stored group, decides
// under AlertPolicyFor, stores the new state and writes what the decision
// sends as kJobOpsAlert jobs: `opening` for a problem that alerts (a late
// alert found by a check has words of its own), or the recovery note (the
// opening alert, if still waiting in the queue, is moved up so it goes out
// first); and the group's next kJobAlertCheck timer. Alerts are skipped,
// the state kept, when slack.ops_channel is empty. Returns the decision.
// Throws SQLite::Exception on a database failure (the caller rolls back).
pipeline::AlertDecision ApplyAlertEvent(storage::Database& db,
                                        const std::string& key,
                                        const pipeline::AlertEvent& event,
                                        const AlertMessage& opening,
                                        SystemTime now, const Config& config);

// Runs an ops.alert_quiet_check job {key, opened_ms} at `now`.
pipeline::AlertDecision RunAlertCheck(storage::Database& db,
                                      const storage::Job& job, SystemTime now,
                                      const Config& config);

// Makes the pending alert job `job_id` due at `now` if it waits for later
// (a backoff while Slack was down), so it goes out before the recovery
// note written after it. Does nothing for a job already running or done.
void MoveAlertUp(storage::JobStore& jobs, std::optional<int64_t> job_id,
                 SystemTime now);

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
