#include "bot/interactions/dlq_actions.h"

#include <algorithm>
#include <charconv>

#include "bot/routing/outbox_plan.h"
#include "bot/slack/block_kit.h"
#include "bot/slack/mrkdwn.h"
#include "storage/database.h"
#include "storage/inbound_email_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

enum class Verb { kReplay, kDrop };

// "job #12 (`slack.post_shark_tank`, lead #7)"
std::string JobRef(const storage::Job& job) {
  std::string out = "job #" + std::to_string(job.id) + " (`" +
                    slack::EscapeAndTruncate(job.kind, 100) + "`";
  if (job.lead_id) out += ", lead #" + std::to_string(*job.lead_id);
  return out + ")";
}

std::optional<storage::Job> Act(storage::Database& db, int64_t job_id,
                                const std::string& by, SystemTime now,
                                Verb verb) {
  storage::JobStore jobs(db.db());
  std::optional<storage::Job> job = jobs.Get(job_id);
  if (!job || job->state != storage::JobState::kDead) return std::nullopt;
  const bool changed =
      verb == Verb::kReplay ? jobs.Replay(job_id, now) : jobs.Drop(job_id, now);
  if (!changed) return std::nullopt;
  // A job may outlive its lead's row only in a hand-edited database; the
  // timeline's foreign key would then fail the whole replay.
  if (job->lead_id && storage::LeadStore(db.db()).Get(*job->lead_id)) {
    storage::Timeline timeline(db.db());
    if (verb == Verb::kReplay) {
      timeline.Record(*job->lead_id, now,
                      storage::DeadLetterReplayedEvent{job->id, job->kind, by});
    } else {
      timeline.Record(*job->lead_id, now,
                      storage::DeadLetterDroppedEvent{job->id, job->kind, by});
    }
  }
  return job;
}

void ApplyClick(storage::Database& db, const Click& click, SystemTime now,
                const Config& config, Verb verb) {
  if (!IsDlqManager(config, click.user_id)) {
    return TellClicker(db, click,
                "Only managers can replay or drop dead letters; nothing was "
                "changed.",
                now, config);
  }
  const std::optional<int64_t> id = DlqIdOf(click.value);
  std::optional<storage::Job> job;
  if (id) job = Act(db, *id, click.user_id, now, verb);
  if (!job) {
    return TellClicker(db, click,
                "That job is not a dead letter any more (someone may have "
                "replayed or dropped it already); nothing was changed. "
                "`/leads dlq` shows the current list.",
                now, config);
  }
  const std::string ref = JobRef(*job);
  TellClicker(db, click,
       verb == Verb::kReplay
           ? "Replayed " + ref + ": it runs again now, with a fresh set of "
                                 "attempts."
           : "Dropped " + ref + ": it will not run again.",
       now, config);
}

}  // namespace

std::optional<int64_t> DlqIdOf(const std::string& value) {
  int64_t id = 0;
  auto [end, ec] =
      std::from_chars(value.data(), value.data() + value.size(), id);
  if (value.empty() || ec != std::errc() ||
      end != value.data() + value.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

bool IsDlqManager(const Config& config, const std::string& user) {
  return std::find(config.slack.managers.begin(), config.slack.managers.end(),
                   user) != config.slack.managers.end();
}

void TellClicker(storage::Database& db, const Click& click, const std::string& text,
                 SystemTime now, const Config& config) {
  storage::JobStore(db.db()).Enqueue(
      MakeJob(std::nullopt, EphemeralJob{click.channel_id, click.user_id, text},
              now, config),
      now);
}

DeadLetters ListDeadLetters(storage::Database& db, size_t limit) {
  storage::JobStore jobs(db.db());
  return {jobs.ListDead(limit), jobs.CountByState(storage::JobState::kDead)};
}

std::optional<storage::Job> ReplayDeadLetter(storage::Database& db,
                                             int64_t job_id,
                                             const std::string& by,
                                             SystemTime now) {
  return Act(db, job_id, by, now, Verb::kReplay);
}

std::optional<storage::Job> DropDeadLetter(storage::Database& db,
                                           int64_t job_id,
                                           const std::string& by,
                                           SystemTime now) {
  return Act(db, job_id, by, now, Verb::kDrop);
}

void ApplyDlqReplay(storage::Database& db, const Click& click, SystemTime now,
                    const Config& config) {
  ApplyClick(db, click, now, config, Verb::kReplay);
}

void ApplyDlqDrop(storage::Database& db, const Click& click, SystemTime now,
                  const Config& config) {
  ApplyClick(db, click, now, config, Verb::kDrop);
}

SlashReply RunDlqList(storage::Database& db, const SlashCommand& cmd,
                      SystemTime /*now*/, const Config& /*config*/) {
  if (!cmd.is_manager) {
    return SlashReply{"Only managers can see the dead letters.", false};
  }
  DeadLetters dead = ListDeadLetters(db, slack::kMaxDeadLettersShown);
  storage::InboundEmailStore emails(db.db());
  std::vector<slack::DeadEmailView> email_views;
  for (const storage::InboundEmail& e :
       emails.ListByOutcome("dead_letter", slack::kMaxDeadEmailsShown)) {
    email_views.push_back({e.id, e.source, e.why, e.attempts, e.received_at});
  }
  std::vector<slack::DeadLetterView> views;
  for (const storage::Job& job : dead.jobs) {
    slack::DeadLetterView view;
    view.job_id = job.id;
    view.kind = job.kind;
    view.lead_id = job.lead_id;
    view.attempts = job.attempts;
    view.last_error = job.last_error;
    view.died_at = job.finished_at.value_or(job.due_at);
    views.push_back(std::move(view));
  }
  nlohmann::json message = slack::DeadLetterList(
      views, dead.total, email_views, emails.CountByOutcome("dead_letter"));
  return SlashReply{message["text"].get<std::string>(), false,
                    message["blocks"]};
}

}  // namespace leadrouter
