#include "bot/routing/claim_timeout.h"

#include "bot/duration.h"
#include "bot/outbox_plan.h"
#include "bot/round_robin.h"
#include "bot/routing/pool_assign.h"
#include "bot/slack/mrkdwn.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {

namespace {

// The wait that ran out: the pool's own claim timeout, else slack's.
std::string Waited(const Config& config, const std::string& pool) {
  const PoolConfig* p = config.routing.Pool(pool);
  return FormatDuration(p && p->claim_timeout ? *p->claim_timeout
                                              : config.slack.claim_timeout);
}

}  // namespace

bool RunClaimTimeout(storage::Database& db, int64_t lead_id, SystemTime now,
                     const Config& config, const std::string& pool) {
  const int64_t id = lead_id;
  auto lead = storage::LeadStore(db.db()).Get(id);
  // Claimed in time, or a human took over in the CRM: nothing to do.
  if (!lead || lead->owner_slack_id || lead->taken_over_at) return false;
  const std::string waited = Waited(config, pool);
  const std::string why = "claim timeout: nobody claimed it within " + waited;
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
  std::string status_line, note;
  if (posted_elsewhere) {
    status_line = "Unclaimed after " + waited + ": offered to the next pool";
    note = "Nobody claimed this lead within " + waited + ", so it went on (" +
           slack::EscapeMrkdwn(a.reason) + ").";
  } else if (a.assigned) {
    status_line = "Unclaimed after " + waited + ": assigned to " +
                  slack::Mention(a.agent) + " by the rotation";
    note = "Nobody claimed this lead within " + waited +
           ", so the rotation gave it to " + slack::Mention(a.agent) + " (" +
           slack::EscapeMrkdwn(a.reason) + ").";
  } else {
    status_line = "Unclaimed after " + waited + ": sent to triage";
    note = "Nobody claimed this lead within " + waited +
           " and nobody in the rotation can take it (" +
           slack::EscapeMrkdwn(a.reason) + "); it is waiting in triage.";
  }
  storage::Timeline(db.db()).Append(
      id, now, "claim_timeout",
      {{"waited", waited},
       {"agent", a.assigned ? nlohmann::json(a.agent) : nlohmann::json()},
       {"reason", a.reason}});
  jobs.Enqueue(
      MakeJob(kJobUpdateLeadPost, id, {{"status_line", status_line}}, now,
              config),
      now);
  jobs.Enqueue(MakeJob(kJobThreadNote, id, {{"text", note}}, now, config),
               now);
  return true;
}

}  // namespace leadrouter
