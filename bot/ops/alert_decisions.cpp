#include "bot/ops/alert_decisions.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "bot/routing/outbox_plan.h"
#include "bot/slack/mrkdwn.h"
#include "storage/alert_store.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/keyed_timer_jobs.h"

namespace leadrouter {

namespace alert_text {

std::string Elapsed(std::chrono::nanoseconds d) {
  return slack::FormatElapsed(std::chrono::duration_cast<std::chrono::seconds>(d));
}

std::string Counted(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

bool IsDeadLetterGroup(const std::string& key) {
  return key.rfind(kDeadLetterGroupPrefix, 0) == 0;
}

std::string ChannelOf(const std::string& key) {
  return key.substr(std::string_view(kDeadLetterGroupPrefix).size());
}

}  // namespace alert_text

namespace {

using namespace alert_text;

using pipeline::AlertAction;
using pipeline::AlertDecision;
using pipeline::AlertEvent;
using pipeline::AlertEventKind;
using pipeline::AlertGroupState;

bool IsLowerWord(const std::string& s) {
  return !s.empty() && s.size() <= 16 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// The alert a check sends for a group that stayed open for alert_after
// (only the Slack link waits before it alerts).
AlertMessage LateAlert(const std::string& key, const AlertGroupState& group,
                       SystemTime now) {
  AlertMessage m;
  if (key == kSlackConnectionGroup) {
    m.title = "Slack connection down";
    m.detail = "leadrouter has not reached Slack for " +
               Elapsed(now - group.opened_at) + " (" + group.first +
               "). Leads are still taken in and stored; their Slack work "
               "waits in the queue. A note follows when the link is back.";
  } else if (key == kImapGroup) {
    m.title = "Lead mailbox not read";
    m.detail = "leadrouter has not read the lead mailbox for " +
               Elapsed(now - group.opened_at) + " (" + group.first +
               "). Lead e-mails wait there and are taken in once it works "
               "again; a note follows then. /healthz shows the poller.";
  } else {
    m.title = "Ops alert: " + key;
    m.detail = group.first;
  }
  return m;
}

// The recovery note of a group that closed at `now`, on a recovery or
// (`quiet`) because its quiet period passed.
AlertMessage RecoveryNote(const std::string& key, const AlertGroupState& group,
                          bool quiet, SystemTime now, const Config& config) {
  AlertMessage m;
  const std::string span = Elapsed(group.last_event_at - group.opened_at);
  const std::string quiet_for = Elapsed(config.alerts.quiet_period);
  if (IsDeadLetterGroup(key)) {
    const std::string channel = ChannelOf(key);
    const std::string letters = Counted(group.count, "dead letter", "dead letters");
    if (quiet) {
      m.title = "Dead letters: " + channel + " quiet again";
      m.detail = "no new " + channel + " dead letters for " + quiet_for + ": " +
                 letters + (group.count > 1 ? " in " + span : "") +
                 ", first: " + group.first + "; /leads dlq to replay";
    } else {
      m.title = "Dead letters: " + channel + " works again";
      m.detail = "recovered after " + Elapsed(now - group.opened_at) + ": " +
                 letters + ", first: " + group.first + "; /leads dlq to replay";
    }
  } else if (key == kCrmUnmatchedGroup) {
    m.title = "CRM events for unknown contacts: quiet again";
    m.detail = "none for " + quiet_for + ": " +
               Counted(group.count, "event", "events") +
               (group.count > 1 ? " in " + span : "") +
               ", first: " + group.first;
  } else if (key == kSlackConnectionGroup) {
    // Only the attempts weigh in the count (see OnSlackState).
    m.title = "Slack connection back";
    m.detail = "Slack connection back after " + Elapsed(now - group.opened_at) +
               " (" + Counted(group.count, "reconnect attempt", "reconnect attempts") +
               ")";
  } else if (key == kImapGroup) {
    m.title = "Lead mailbox read again";
    m.detail = "the lead mailbox was read again after " +
               Elapsed(now - group.opened_at) + " (" +
               Counted(group.count, "failed poll", "failed polls") +
               ", first: " + group.first + "); the e-mails that waited are taken in.";
  } else {
    m.title = "Ops alert over: " + key;
    m.detail = Counted(group.count, "problem", "problems") + ", first: " + group.first;
  }
  return m;
}

OpsAlertJob AlertPayload(const AlertMessage& m, const std::string& key) {
  OpsAlertJob alert;
  alert.title = m.title;
  alert.detail = m.detail;
  alert.group = key;
  if (m.facts.is_object()) alert.facts = m.facts;
  return alert;
}

}  // namespace

void MoveAlertUp(storage::JobStore& jobs, std::optional<int64_t> job_id,
                 SystemTime now) {
  if (!job_id) return;
  std::optional<storage::Job> job = jobs.Get(*job_id);
  if (job && job->state == storage::JobState::kPending && job->due_at > now) {
    jobs.RetryAt(*job_id, now, job->last_error);
  }
}

std::string DeadLetterGroup(const storage::Job& job) {
  const std::string& kind = job.kind;
  const auto dot = kind.find('.');
  const std::string first = kind.substr(0, dot);
  if (first == "sequence") {
    if (dot != std::string::npos) {
      const std::string rest = kind.substr(dot + 1);
      const std::string second = rest.substr(0, rest.find('.'));
      if (second == "sms" || second == "email" || second == "webhook") {
        return kDeadLetterGroupPrefix + first + "." + second;
      }
    }
    const auto channel = job.payload.find("channel");
    if (job.payload.is_object() && channel != job.payload.end() &&
        channel->is_string() && IsLowerWord(channel->get<std::string>())) {
      return kDeadLetterGroupPrefix + first + "." + channel->get<std::string>();
    }
  }
  return kDeadLetterGroupPrefix + first;
}

pipeline::AlertPolicy AlertPolicyFor(const std::string& key, const Config& config) {
  pipeline::AlertPolicy policy;
  if (key == kSlackConnectionGroup) {
    policy.alert_after = config.alerts.slack_down_after;
  } else if (key == kImapGroup) {
    policy.alert_after = config.inbound_email.imap.alert_after;
  } else {
    policy.quiet_period = config.alerts.quiet_period;
  }
  return policy;
}

AlertDecision ApplyAlertEvent(storage::Database& db, const std::string& key,
                              const AlertEvent& event, const AlertMessage& opening,
                              SystemTime now, const Config& config) {
  storage::AlertStore store(db.db());
  storage::AlertGroup group = store.Get(key).value_or(storage::AlertGroup{});
  group.key = key;
  const AlertDecision decision =
      pipeline::DecideAlertGroup(group.state, event, AlertPolicyFor(key, config));
  if (decision.action == AlertAction::kNone && !decision.check_at) return decision;

  storage::JobStore jobs(db.db());
  const bool post = !config.slack.ops_channel.empty();
  if (!group.state.open && decision.next.open) group.alert_job_id.reset();
  if (decision.sends_alert() && post) {
    const AlertMessage m = event.kind == AlertEventKind::kCheck
                               ? LateAlert(key, decision.next, now)
                               : opening;
    OpsAlertJob payload = AlertPayload(m, key);
    // Which outage it opens: its words are checked again when it is posted
    // (bot/ops/slack_outage_alert.h), as it may reach Slack only after.
    payload.role = "alert";
    payload.opened_ms = storage::ToMillis(decision.next.opened_at);
    group.alert_job_id = jobs.Enqueue(
        MakeJob(m.lead_id, payload, now, config), now);
  }
  if (decision.sends_note() && post) {
    MoveAlertUp(jobs, group.alert_job_id, now);
    const AlertMessage note =
        RecoveryNote(key, decision.next, event.kind == AlertEventKind::kCheck,
                     now, config);
    OpsAlertJob payload = AlertPayload(note, key);
    payload.role = "note";
    jobs.Enqueue(MakeJob(std::nullopt, payload, now, config), now);
  }
  // One timer per group at most, and none once it is closed: each start
  // opens and closes the Slack link's group, and its timers would otherwise
  // wait out alerts.slack_down_after one per restart.
  if (decision.check_at || !decision.next.open) {
    storage::CancelPendingKeyedJobs(
        db.db(), kJobAlertCheck, key,
        decision.next.open ? "replaced by a later check" : "group closed", now);
  }
  if (decision.check_at) {
    jobs.Enqueue(MakeJob(std::nullopt,
                         AlertCheckJob{key, storage::ToMillis(decision.next.opened_at)},
                         *decision.check_at, config),
                 now);
  }
  if (decision.action != AlertAction::kNone) {
    group.state = decision.next;
    group.closed_at = group.state.open ? std::nullopt : std::optional(now);
    store.Put(group, now);
  }
  return decision;
}

AlertDecision RunAlertCheck(storage::Database& db, const storage::Job& job,
                            SystemTime now, const Config& config) {
  const AlertCheckJob timer = Decode<AlertCheckJob>(job.payload);
  if (timer.key.empty()) return AlertDecision{};
  AlertEvent check;
  check.kind = AlertEventKind::kCheck;
  check.at = now;
  if (timer.opened_ms) check.group_opened_at = storage::FromMillis(*timer.opened_ms);
  return ApplyAlertEvent(db, timer.key, check, AlertMessage{}, now, config);
}

}  // namespace leadrouter
