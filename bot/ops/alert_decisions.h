// The storage side of the ops channel's grouped alerts: which group a
// problem belongs to, how each group behaves, and applying one event to a
// group inside the caller's transaction (the decision, the stored state,
// the alert or recovery-note jobs and the group's timer). Used by OpsAlerts
// (bot/ops/ops_alerts.h) and by other transactions that report a problem
// (an e-mail that became a dead letter).
// Thread rule: storage writer thread only, inside the caller's transaction.
// No clock reads: `now` is passed in.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bot/daemon/config.h"
#include "bot/runtime/system_time.h"
#include "pipeline/alert_group.h"
#include "storage/job_store.h"

namespace leadrouter {
namespace storage {
class Database;
}

// The words of alerts and notes, shared with OpsAlerts.
namespace alert_text {
// Outside text in an alert (a Slack error body, a CRM event id) is kept
// short; slack::OpsAlert escapes it.
inline constexpr std::size_t kErrorChars = 300;
inline constexpr std::size_t kEventIdChars = 64;
inline constexpr std::size_t kSummaryChars = 200;

std::string Elapsed(std::chrono::nanoseconds d);   // "14 min"
std::string Counted(int64_t n, const char* one, const char* many);
}  // namespace alert_text

inline constexpr char kCrmUnmatchedGroup[] = "crm_unmatched";
inline constexpr char kSlackConnectionGroup[] = "slack_connection";
inline constexpr char kDeadLetterGroupPrefix[] = "dead_letters:";
inline constexpr char kImapGroup[] = "inbound_email.imap";

namespace alert_text {
bool IsDeadLetterGroup(const std::string& key);
// "sequence.sms" for "dead_letters:sequence.sms".
std::string ChannelOf(const std::string& key);
}  // namespace alert_text

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

}  // namespace leadrouter
