#include "bot/sla/sla_jobs.h"

#include <chrono>

#include "bot/daemon/log.h"
#include "bot/routing/outbox_plan.h"
#include "bot/routing/round_robin.h"
#include "bot/slack/mrkdwn.h"
#include "bot/runtime/storage_writer.h"
#include "storage/agent_store.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

// A lead's name in a message: a lead wrote it, so it is kept short (and
// escaped, here or by slack::OpsAlert).
constexpr std::size_t kNameChars = 80;

// What a fired timer knows about the lead, once it is known to apply.
struct Due {
  storage::StoredLead lead;
  std::string agent;
  SystemTime since;
  seconds waited{0};
  const SlaPolicy* policy = nullptr;
};

SlaOutcome Skip(std::string why) {
  SlaOutcome out;
  out.skipped = std::move(why);
  return out;
}

// The timer's lead and owner, or why the timer no longer applies: contact
// recorded, a CRM take-over, or another owner (or another assignment of
// the same owner, which has its own timers).
std::optional<Due> Check(storage::Database& db, const storage::Job& job,
                         SystemTime now, const Config& config,
                         SlaOutcome& skipped) {
  auto lead = job.lead_id ? storage::LeadStore(db.db()).Get(*job.lead_id)
                          : std::nullopt;
  const SlaTimerJob timer = Decode<SlaTimerJob>(job.payload);
  const std::string& agent = timer.agent;
  const int64_t since_ms = timer.since_ms;
  if (!lead) {
    skipped = Skip("the lead does not exist");
  } else if (lead->contacted_at) {
    skipped = Skip("first contact was recorded");
  } else if (lead->taken_over_at) {
    skipped = Skip("taken over in the CRM");
  } else if (agent.empty() || lead->owner_slack_id != agent ||
             !lead->claimed_at ||
             storage::ToMillis(*lead->claimed_at) != since_ms) {
    skipped = Skip("the lead has changed hands since");
  } else if (!SlaFor(config, lead->segment)) {
    skipped = Skip("its segment has no SLA any more");
  } else {
    Due due;
    due.since = *lead->claimed_at;
    due.waited = duration_cast<seconds>(now - due.since);
    due.policy = SlaFor(config, lead->segment);
    due.agent = agent;
    due.lead = std::move(*lead);
    return due;
  }
  return std::nullopt;
}

// "lead #42 Dana O'Connell" in mrkdwn, or "lead #42" without a name.
std::string LeadRef(const storage::StoredLead& lead) {
  std::string out = "lead #" + std::to_string(lead.id);
  if (!lead.name.empty()) {
    out += " " + slack::EscapeAndTruncate(lead.name, kNameChars);
  }
  return out;
}

// "Ana (U0123ANA)": for the ops alert, whose detail is escaped whole.
std::string PlainAgent(storage::Database& db, const std::string& id) {
  std::optional<storage::Agent> a = storage::AgentStore(db.db()).Get(id);
  return a && !a->name.empty() ? a->name + " (" + id + ")" : id;
}

std::string SegmentWords(const std::string& segment) {
  if (segment == "HOT_BUYER") return "hot";
  if (segment == "WARM_BUYER") return "warm";
  if (segment == "NURTURE_LONGTERM") return "nurture";
  if (segment == "LOW_QUALITY") return "low quality";
  return segment;
}

JobOutcome Committed(const std::string& error) {
  return error.empty() ? JobOutcome::Done() : JobOutcome::Retry(error);
}

}  // namespace

SlaOutcome RunSlaReminder(storage::Database& db, const storage::Job& job,
                          SystemTime now, const Config& config) {
  SlaOutcome out;
  std::optional<Due> due = Check(db, job, now, config, out);
  if (!due) return out;
  if (!due->policy->remind_after) return Skip("its segment has no reminder");
  const std::string waited = slack::FormatElapsed(due->waited);
  const std::string text =
      "Reminder: " + LeadRef(due->lead) + " has waited " + waited +
      " for first contact; press Mark contacted on its card once you've "
      "reached them.";
  storage::JobStore(db.db()).Enqueue(
      MakeJob(due->lead.id, DmNoteJob{due->agent, text}, now, config),
      now);
  storage::Timeline(db.db()).Record(
      due->lead.id, now,
      storage::SlaReminderEvent{due->agent, due->waited.count()});
  out.acted = true;
  return out;
}

SlaOutcome RunSlaEscalation(storage::Database& db, const storage::Job& job,
                            SystemTime now, const Config& config) {
  SlaOutcome out;
  std::optional<Due> due = Check(db, job, now, config, out);
  if (!due) return out;
  if (!due->policy->escalate_after)
    return Skip("its segment has no escalation");
  const int64_t id = due->lead.id;
  const std::string waited = slack::FormatElapsed(due->waited);
  const std::string owner = slack::Mention(due->agent);

  Assignment a;
  if (due->policy->reassign_on_escalation) {
    AssignRequest request;
    request.why = "SLA escalation";
    a = AssignAwayFrom(db, id, now, config, request, due->agent);
  }
  if (a.assigned) out.reassigned_to = a.agent;

  storage::JobStore jobs(db.db());
  std::string detail =
      (due->lead.name.empty() ? std::string("The lead")
                              : slack::Truncate(due->lead.name, kNameChars)) +
      " (" + SegmentWords(due->lead.segment) + ") has no recorded contact " +
      waited + " after " + PlainAgent(db, due->agent) + " got it. ";
  std::string note = "No first contact was recorded within " + waited + " of " +
                     owner + " getting this lead";
  if (a.assigned) {
    detail +=
        "Reassigned to " + PlainAgent(db, a.agent) + " (" + a.reason + ").";
    note += ", so the rotation gave it to " + slack::Mention(a.agent) + " (" +
            slack::EscapeMrkdwn(a.reason) + ").";
    jobs.Enqueue(
        MakeJob(id,
                UpdateLeadPostJob{"Reassigned to " + slack::Mention(a.agent) +
                                  " after " + waited + " without contact"},
                now, config),
        now);
    jobs.Enqueue(MakeJob(id,
                         DmNoteJob{due->agent,
                                   LeadRef(due->lead) + " went to " +
                                       slack::Mention(a.agent) +
                                       ": no contact was recorded within " +
                                       waited + " of you getting it."},
                         now, config),
                 now);
  } else if (due->policy->reassign_on_escalation) {
    detail += "Nobody else can take it (" + a.reason + "), so it stays with " +
              PlainAgent(db, due->agent) + ".";
    note += "; nobody else in the rotation can take it, so it stays with " +
            owner + ".";
  } else {
    detail += "It stays with " + PlainAgent(db, due->agent) +
              " (no reassignment for this segment).";
    note += ".";
  }
  const bool alert = !config.slack.ops_channel.empty();
  if (!a.assigned && alert) note += " The managers were alerted.";
  if (alert) {
    OpsAlertJob ops_alert;
    ops_alert.title =
        "SLA: lead #" + std::to_string(id) + " not contacted after " + waited;
    ops_alert.detail = detail;
    jobs.Enqueue(MakeJob(id, ops_alert, now, config),
                 now);
  }
  jobs.Enqueue(MakeJob(id, ThreadNoteJob{note}, now, config), now);
  storage::Timeline(db.db()).Record(
      id, now,
      storage::SlaEscalatedEvent{due->agent, due->waited.count(),
                                 a.assigned ? std::optional(a.agent) : std::nullopt,
                                 a.reason});
  out.acted = true;
  return out;
}

SlaJobs::SlaJobs(StorageWriter& writer, JobRunner& runner, const Config& config,
                 const Clock& clock)
    : writer_(writer), runner_(runner), config_(config), clock_(clock) {}

void SlaJobs::Register() {
  runner_.Register(kJobSlaRemind,
                   [this](const storage::Job& job, JobDone done) {
                     Execute(&RunSlaReminder, job, std::move(done));
                   });
  runner_.Register(kJobSlaEscalate,
                   [this](const storage::Job& job, JobDone done) {
                     Execute(&RunSlaEscalation, job, std::move(done));
                   });
}

void SlaJobs::Execute(Run run, const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  writer_.Submit(
      [run, job, now, &config](storage::Database& db) {
        SlaOutcome outcome = run(db, job, now, config);
        if (!outcome.acted) {
          logging::Debug("sla.timer_skipped", {{"lead_id", *job.lead_id},
                                               {"kind", job.kind},
                                               {"why", outcome.skipped}});
        }
      },
      [this, done](const std::string& error) {
        if (error.empty()) runner_.Wake();
        done(Committed(error));
      });
}

}  // namespace leadrouter
