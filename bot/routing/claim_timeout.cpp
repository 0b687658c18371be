#include "bot/routing/claim_timeout.h"

#include <chrono>

#include "bot/daemon/duration.h"
#include "bot/routing/outbox_plan.h"
#include "bot/routing/round_robin.h"
#include "bot/routing/pool_assign.h"
#include "bot/slack/mrkdwn.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {

namespace {

// The wait that ran out: the pool's own claim timeout, else slack's.
std::chrono::milliseconds Timeout(const Config& config, const std::string& pool) {
  const PoolConfig* p = config.routing.Pool(pool);
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      p && p->claim_timeout ? *p->claim_timeout : config.slack.claim_timeout);
}

// `text` without `prefix` when it starts with it: a rotation's reason
// repeats the timeout it was given, which the note has said already.
std::string WithoutPrefix(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : text;
}

}  // namespace

bool RunClaimTimeout(storage::Database& db, int64_t lead_id, SystemTime now,
                     const Config& config, const std::string& pool) {
  const int64_t id = lead_id;
  auto lead = storage::LeadStore(db.db()).Get(id);
  // Claimed in time, or a human took over in the CRM: nothing to do.
  if (!lead || lead->owner_slack_id || lead->taken_over_at) return false;
  const std::string waited = FormatDuration(Timeout(config, pool));
  const std::string why = "claim timeout: nobody claimed it within " + waited;
  // Slack says the wait the way cards do ("5 min").
  const std::string spoken = slack::FormatElapsed(
      std::chrono::duration_cast<std::chrono::seconds>(Timeout(config, pool)));
  Assignment a;
  bool posted_elsewhere = false;
  if (config.routing.configured() && config.routing.Pool(pool)) {
    PoolRequest request;
    request.pool = pool;
    request.why = why;
    request.start_at_fallback = true;
    PoolOutcome o = GiveToPool(db, id, request, now, config);
    a.assigned = o.assigned();
    a.agent = o.agent;
    a.reason = o.reason;
    posted_elsewhere = o.kind == PoolOutcome::Kind::kPosted;
  } else {
    AssignRequest request;
    request.why = why;
    a = AssignRoundRobin(db, id, now, config, request);
  }
  storage::JobStore jobs(db.db());
  // The timeout is said once: only the rest of the rotation's reason
  // ("turn 14; skipped Ben: paused") follows it.
  const std::string rest = slack::EscapeMrkdwn(WithoutPrefix(a.reason, why + ", "));
  std::string status_line, note;
  if (posted_elsewhere) {
    status_line = "Unclaimed after " + spoken + ": offered to the next pool";
    note = "Nobody claimed this lead within " + spoken + ", so it went on (" + rest + ").";
  } else if (a.assigned) {
    status_line = "Unclaimed after " + spoken + ": assigned to " +
                  slack::Mention(a.agent) + " by the rotation";
    note = "Nobody claimed this lead within " + spoken + ", so the rotation gave it to " +
           slack::Mention(a.agent) + " (" + rest + ").";
  } else {
    status_line = "Unclaimed after " + spoken + ": sent to triage";
    note = "Nobody claimed this lead within " + spoken +
           " and nobody in the rotation can take it (" + rest +
           "); it is waiting in triage.";
  }
  storage::Timeline(db.db()).Record(
      id, now,
      storage::ClaimTimeoutEvent{
          waited, a.assigned ? std::optional<std::string>(a.agent) : std::nullopt,
          a.reason});
  jobs.Enqueue(MakeJob(id, UpdateLeadPostJob{status_line}, now, config), now);
  jobs.Enqueue(MakeJob(id, ThreadNoteJob{note}, now, config), now);
  return true;
}

}  // namespace leadrouter
