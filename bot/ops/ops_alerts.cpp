#include "bot/ops/ops_alerts.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <utility>

#include "bot/daemon/log.h"
#include "bot/routing/outbox_plan.h"
#include "bot/slack/mrkdwn.h"
#include "bot/runtime/storage_writer.h"
#include "storage/alert_store.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/keyed_timer_jobs.h"

namespace leadrouter {
namespace {

using pipeline::AlertAction;
using pipeline::AlertDecision;
using pipeline::AlertEvent;
using pipeline::AlertEventKind;
using pipeline::AlertGroupState;

// Outside text in an alert (a Slack error body, a CRM event id) is kept
// short; slack::OpsAlert escapes it.
constexpr std::size_t kErrorChars = 300;
constexpr std::size_t kEventIdChars = 64;
constexpr std::size_t kSummaryChars = 200;

std::string Elapsed(std::chrono::nanoseconds d) {
  return slack::FormatElapsed(std::chrono::duration_cast<std::chrono::seconds>(d));
}

std::string Counted(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool IsDeadLetterGroup(const std::string& key) {
  return StartsWith(key, kDeadLetterGroupPrefix);
}

std::string ChannelOf(const std::string& key) {
  return key.substr(std::string_view(kDeadLetterGroupPrefix).size());
}

bool IsLowerWord(const std::string& s) {
  return !s.empty() && s.size() <= 16 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// "dana@…" for dana.oconnell@example.com, "…0199" for a phone: enough for
// someone who knows the CRM to find the contact, no full address in Slack.
std::string ContactHint(const pipeline::CrmContact& contact) {
  if (!contact.email.empty()) {
    const std::string local = contact.email.substr(0, contact.email.find('@'));
    auto end = std::find_if(local.begin(), local.end(), [](char c) {
      return !std::isalnum(static_cast<unsigned char>(c));
    });
    std::string head(local.begin(), end);
    if (head.size() > 12) head.resize(12);
    return head + "@…";
  }
  if (contact.phone_e164.size() > 4) {
    return "…" + contact.phone_e164.substr(contact.phone_e164.size() - 4);
  }
  if (!contact.crm_id.empty()) return "CRM id " + slack::Truncate(contact.crm_id, 32);
  return "";
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

OpsAlerts::OpsAlerts(StorageWriter& writer, JobRunner& runner,
                     const Config& config, const Clock& clock)
    : writer_(writer),
      runner_(runner),
      config_(config),
      clock_(clock),
      alive_(std::make_shared<bool>(true)) {}

OpsAlerts::~OpsAlerts() { alive_.reset(); }

void OpsAlerts::Start() {
  runner_.Register(kJobAlertCheck, [this](const storage::Job& job, JobDone done) {
    RunCheck(job, std::move(done));
  });
  std::weak_ptr<bool> alive = alive_;
  writer_.Call<std::vector<std::string>>(
      [](storage::Database& db) { return storage::AlertStore(db.db()).OpenKeys(); },
      [this, alive](Result<std::vector<std::string>> keys) {
        if (alive.expired()) return;
        if (!keys.ok()) {
          logging::Error("ops_alert.load_failed", {{"error", keys.status().message()}});
          return;
        }
        maybe_open_.insert(keys.value().begin(), keys.value().end());
      });
}

void OpsAlerts::OnDeadLetter(const storage::Job& job, const std::string& error) {
  if (job.kind == kJobOpsAlert) return;  // no alert about an alert
  // A job that gave up waiting while the link is down is part of that
  // outage: counted in its group, not alerted about on its own.
  const bool slack_outage = job.waiting_on == "slack" &&
                            maybe_open_.count(kSlackConnectionGroup) > 0;
  const std::string key = slack_outage ? kSlackConnectionGroup : DeadLetterGroup(job);
  const std::string channel = ChannelOf(key);
  const std::string short_error = slack::Truncate(error, kErrorChars);
  AlertMessage m;
  m.title = "Job moved to dead letters";
  m.lead_id = job.lead_id;
  m.facts = {{"job_id", job.id}, {"job_kind", job.kind},
             {"attempts", job.attempts}, {"error", short_error}};
  m.detail = "Job #" + std::to_string(job.id) + " (" + job.kind +
             (job.lead_id ? ", lead #" + std::to_string(*job.lead_id) : "") +
             ") failed after " + Counted(job.attempts, "attempt", "attempts") +
             ": " + short_error + "\nReplay with /leads dlq. Further " + channel +
             " dead letters are counted, not posted, until a " + channel +
             " job succeeds or " + Elapsed(config_.alerts.quiet_period) +
             " pass without one.";
  AlertEvent event;
  event.kind = AlertEventKind::kProblem;
  event.at = clock_.Now();
  event.summary = slack::Truncate(job.kind + " " + short_error, kSummaryChars);
  if (slack_outage) event.weight = 0;  // the group counts reconnect attempts
  Submit(key, std::move(event), std::move(m));
}

void OpsAlerts::OnJobDone(const storage::Job& job) {
  if (job.kind == kJobOpsAlert || StartsWith(job.kind, "ops.")) return;
  // A poll ends as done whether the mailbox answered or not (its own group
  // hears which); it says nothing about the e-mail jobs that dead-lettered.
  if (job.kind == kJobImapPoll) return;
  const std::string key = DeadLetterGroup(job);
  if (!maybe_open_.count(key)) return;
  AlertEvent event;
  event.kind = AlertEventKind::kRecovery;
  event.at = clock_.Now();
  Submit(key, std::move(event), AlertMessage{});
}

void OpsAlerts::OnCrmUnmatched(const pipeline::CrmEvent& crm) {
  const std::string hint = ContactHint(crm.contact);
  const std::string which =
      slack::Truncate(crm.event_id, kEventIdChars) + (hint.empty() ? "" : " (" + hint + ")");
  AlertMessage m;
  m.title = "CRM events for unknown contacts";
  m.detail = which + ": a " + pipeline::ToString(crm.type) +
             " event names a contact leadrouter has no lead for, so nothing "
             "was stopped or synced. Further ones are counted, not posted, "
             "until " + Elapsed(config_.alerts.quiet_period) +
             " pass without one.";
  m.facts = {{"event_id", slack::Truncate(crm.event_id, kEventIdChars)}};
  AlertEvent event;
  event.kind = AlertEventKind::kProblem;
  event.at = clock_.Now();
  event.summary = which;
  Submit(kCrmUnmatchedGroup, std::move(event), std::move(m));
}

void OpsAlerts::OnSlackState(const std::string& state, const std::string& detail) {
  slack_state_ = state;
  AlertEvent event;
  event.at = clock_.Now();
  if (state == "connected") {
    if (!maybe_open_.count(kSlackConnectionGroup)) return;
    event.kind = AlertEventKind::kRecovery;
    return Submit(kSlackConnectionGroup, std::move(event), AlertMessage{});
  }
  // A state change opens the group (or is one more sign of the same
  // outage); only attempts count, so the note can say how many it took.
  event.weight = 0;
  if (state == "connecting" || state == "reconnecting") {
    event.kind = AlertEventKind::kProblem;
    event.summary = slack::Truncate(state + ": " + detail, kSummaryChars);
    return Submit(kSlackConnectionGroup, std::move(event), AlertMessage{});
  }
  if (state == "fatal") {
    // No retry will fix this: say so now, naming the variable to fix (the
    // detail does; it never holds a token).
    const bool token = detail.find("SLACK_BOT_TOKEN") != std::string::npos ||
                       detail.find("SLACK_APP_TOKEN") != std::string::npos;
    AlertMessage m;
    m.title = token ? "Slack refused a token" : "Slack connection failed";
    m.detail = detail +
               "\nLeads are still taken in and stored; their Slack work waits "
               "in the queue until this is fixed and leadrouter is restarted.";
    event.kind = AlertEventKind::kUrgentProblem;
    event.summary = slack::Truncate("fatal: " + detail, kSummaryChars);
    return Submit(kSlackConnectionGroup, std::move(event), std::move(m));
  }
  // "disabled": stopped on purpose, nothing to tell.
}

void OpsAlerts::OnSlackAttempt() {
  // A planned refresh of a live link is no trouble, and a fatal state
  // makes no more attempts.
  if (slack_state_ != "connecting" && slack_state_ != "reconnecting") return;
  AlertEvent event;
  event.kind = AlertEventKind::kProblem;
  event.at = clock_.Now();
  event.summary = "connection attempt";
  Submit(kSlackConnectionGroup, std::move(event), AlertMessage{});
}

void OpsAlerts::OnImapFailure(const std::string& mailbox, const std::string& error,
                              bool login_refused) {
  const std::string short_error = slack::Truncate(error, kErrorChars);
  AlertMessage m;
  m.title = "Lead mailbox refused the login";
  m.detail = mailbox + ": " + short_error +
             "\nCheck inbound_email.imap.username and the password (or bearer "
             "token) in the environment, then restart leadrouter. Lead e-mails "
             "wait in the mailbox meanwhile.";
  AlertEvent event;
  event.kind = login_refused ? AlertEventKind::kUrgentProblem : AlertEventKind::kProblem;
  event.at = clock_.Now();
  event.summary = slack::Truncate(mailbox + ": " + short_error, kSummaryChars);
  Submit(kImapGroup, std::move(event), std::move(m));
}

void OpsAlerts::OnImapSuccess() {
  if (!maybe_open_.count(kImapGroup)) return;
  AlertEvent event;
  event.kind = AlertEventKind::kRecovery;
  event.at = clock_.Now();
  Submit(kImapGroup, std::move(event), AlertMessage{});
}

void OpsAlerts::Submit(const std::string& key, AlertEvent event,
                       AlertMessage opening) {
  if (config_.slack.ops_channel.empty()) return;
  if (event.kind == AlertEventKind::kProblem ||
      event.kind == AlertEventKind::kUrgentProblem) {
    maybe_open_.insert(key);
    last_problem_[key] = ++seq_;
  }
  const uint64_t seq = seq_;
  const SystemTime now = event.at;
  const Config& config = config_;
  std::weak_ptr<bool> alive = alive_;
  writer_.Call<AlertDecision>(
      [key, event = std::move(event), opening = std::move(opening), now,
       &config](storage::Database& db) {
        return ApplyAlertEvent(db, key, event, opening, now, config);
      },
      [this, alive, key, seq](Result<AlertDecision> decision) {
        if (alive.expired()) return;
        if (!decision.ok()) {
          logging::Error("ops_alert.record_failed",
                         {{"group", key}, {"error", decision.status().message()}});
          return;
        }
        Decided(key, seq, decision.value());
      });
}

void OpsAlerts::RunCheck(const storage::Job& job, JobDone done) {
  const std::string key = Decode<AlertCheckJob>(job.payload).key;
  const SystemTime now = clock_.Now();
  const uint64_t seq = seq_;
  const Config& config = config_;
  std::weak_ptr<bool> alive = alive_;
  writer_.Call<AlertDecision>(
      [job, now, &config](storage::Database& db) {
        return RunAlertCheck(db, job, now, config);
      },
      [this, alive, key, seq, done](Result<AlertDecision> decision) {
        if (alive.expired()) return;  // shutting down: recovered at restart
        if (!decision.ok()) return done(JobOutcome::Retry(decision.status().message()));
        Decided(key, seq, decision.value());
        done(JobOutcome::Done());
      });
}

void OpsAlerts::Decided(const std::string& key, uint64_t seq,
                        const AlertDecision& decision) {
  if (decision.next.open) {
    maybe_open_.insert(key);
  } else {
    const auto latest = last_problem_.find(key);
    if (latest == last_problem_.end() || latest->second <= seq) maybe_open_.erase(key);
  }
  const nlohmann::json fields = {{"group", key},
                                 {"action", pipeline::ToString(decision.action)},
                                 {"count", decision.next.count}};
  if (decision.action == AlertAction::kCount) {
    logging::Debug("ops_alert.group", fields);
  } else if (decision.action != AlertAction::kNone) {
    logging::Info("ops_alert.group", fields);
  }
  if (decision.sends_alert() || decision.sends_note() || decision.check_at) {
    runner_.Wake();
  }
}

}  // namespace leadrouter
