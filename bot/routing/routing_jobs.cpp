#include "bot/routing/routing_jobs.h"

#include <chrono>
#include <string>

#include "bot/daemon/duration.h"
#include "bot/routing/outbox_plan.h"
#include "bot/routing/round_robin.h"
#include "bot/slack/mrkdwn.h"
#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

// A writer round trip that finishes the job: committed is done, a failed
// transaction (rolled back) is tried again.
JobOutcome Committed(const std::string& error) {
  return error.empty() ? JobOutcome::Done() : JobOutcome::Retry(error);
}

std::string WithoutPrefix(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : text;
}

}  // namespace

RoutingJobs::RoutingJobs(StorageWriter& writer, JobRunner& runner,
                         const Config& config, const Clock& clock)
    : writer_(writer), runner_(runner), config_(config), clock_(clock) {}

void RoutingJobs::Register() {
  runner_.Register(kJobAssignRoundRobin,
                   [this](const storage::Job& job, JobDone done) {
                     AssignRoundRobin(job, std::move(done));
                   });
  runner_.Register(kJobClaimTimeout,
                   [this](const storage::Job& job, JobDone done) {
                     ClaimTimeout(job, std::move(done));
                   });
}

void RoutingJobs::AssignRoundRobin(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  const AssignRequest request =
      ToAssignRequest(Decode<AssignRoundRobinJob>(job.payload));
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  writer_.Submit(
      [id, request, now, &config](storage::Database& db) {
        auto lead = storage::LeadStore(db.db()).Get(id);
        if (!lead || lead->taken_over_at) return;
        // Already owned (a claim, a manager) and not back with news: the
        // rotation has nothing to decide.
        if (lead->owner_slack_id && !request.returning_lead) return;
        leadrouter::AssignRoundRobin(db, id, now, config, request);
      },
      [this, done](const std::string& error) {
        if (error.empty()) runner_.Wake();
        done(Committed(error));
      });
}

void RoutingJobs::ClaimTimeout(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  writer_.Submit(
      [id, now, &config](storage::Database& db) {
        auto lead = storage::LeadStore(db.db()).Get(id);
        // Claimed in time, or a human took over in the CRM: nothing to do.
        if (!lead || lead->owner_slack_id || lead->taken_over_at) return;
        const std::string waited = FormatDuration(config.slack.claim_timeout);
        AssignRequest request;
        request.why = "claim timeout: nobody claimed it within " + waited;
        Assignment a = leadrouter::AssignRoundRobin(db, id, now, config, request);
        storage::JobStore jobs(db.db());
        // Slack says the wait the way cards do ("5 min"), and the timeout
        // once: the rotation's reason repeats `why`, so only its rest
        // ("turn 14; skipped Ben: paused") is shown.
        const std::string spoken = slack::FormatElapsed(
            std::chrono::duration_cast<std::chrono::seconds>(
                config.slack.claim_timeout));
        const std::string rotation =
            slack::EscapeMrkdwn(WithoutPrefix(a.reason, request.why + ", "));
        std::string status_line, note;
        if (a.assigned) {
          status_line = "Unclaimed after " + spoken + ": assigned to " +
                        slack::Mention(a.agent) + " by the rotation";
          note = "Nobody claimed this lead within " + spoken +
                 ", so the rotation gave it to " + slack::Mention(a.agent) +
                 " (" + rotation + ").";
        } else {
          status_line = "Unclaimed after " + spoken + ": sent to triage";
          note = "Nobody claimed this lead within " + spoken +
                 " and nobody in the rotation can take it (" + rotation +
                 "); it is waiting in triage.";
        }
        storage::Timeline(db.db()).Append(
            id, now, storage::EventKind::kClaimTimeout,
            {{"waited", waited},
             {"agent", a.assigned ? nlohmann::json(a.agent) : nlohmann::json()},
             {"reason", a.reason}});
        jobs.Enqueue(MakeJob(id, UpdateLeadPostJob{status_line}, now, config),
                     now);
        jobs.Enqueue(MakeJob(id, ThreadNoteJob{note}, now, config), now);
      },
      [this, done](const std::string& error) {
        if (error.empty()) runner_.Wake();
        done(Committed(error));
      });
}

}  // namespace leadrouter
