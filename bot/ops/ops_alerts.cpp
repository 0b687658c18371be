#include "bot/ops/ops_alerts.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <utility>

#include "bot/daemon/log.h"
#include "bot/slack/mrkdwn.h"
#include "bot/runtime/job_kinds.h"
#include "bot/runtime/storage_writer.h"
#include "storage/alert_store.h"
#include "storage/database.h"

namespace leadrouter {
namespace {
using pipeline::AlertAction;
using pipeline::AlertDecision;
using pipeline::AlertEvent;
using pipeline::AlertEventKind;
using namespace alert_text;

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

}  // namespace

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
  if (job.kind == kJobOpsAlert || job.kind.rfind("ops.", 0) == 0) return;
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
