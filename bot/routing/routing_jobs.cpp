#include "bot/routing/routing_jobs.h"

#include <chrono>
#include <string>

#include "bot/daemon/duration.h"
#include "bot/routing/outbox_plan.h"
#include "bot/routing/round_robin.h"
#include "bot/slack/mrkdwn.h"
#include "bot/runtime/storage_writer.h"
#include "bot/routing/claim_timeout.h"
#include "bot/routing/pool_assign.h"
#include "storage/database.h"
#include "storage/lead_store.h"

namespace leadrouter {
namespace {

// A writer round trip that finishes the job: committed is done, a failed
// transaction (rolled back) is tried again.
JobOutcome Committed(const std::string& error) {
  return error.empty() ? JobOutcome::Done() : JobOutcome::Retry(error);
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
  const AssignRoundRobinJob planned = Decode<AssignRoundRobinJob>(job.payload);
  const AssignRequest request = ToAssignRequest(planned);
  // With [[pools]]: the pool the lead's route chose (bot/routing/pool_assign).
  const std::string pool = planned.pool;
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  writer_.Submit(
      [id, request, pool, now, &config](storage::Database& db) {
        auto lead = storage::LeadStore(db.db()).Get(id);
        if (!lead || lead->taken_over_at) return;
        // Already owned (a claim, a manager) and not back with news: the
        // rotation has nothing to decide.
        if (lead->owner_slack_id && !request.returning_lead) return;
        if (!pool.empty() && config.routing.configured()) {
          PoolRequest to_pool;
          to_pool.pool = pool;
          to_pool.why = request.why;
          GiveToPool(db, id, to_pool, now, config);
          return;
        }
        leadrouter::AssignRoundRobin(db, *lead, now, config, request);
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
      [id, now, &config, pool = Decode<ClaimTimeoutJob>(job.payload).pool](
          storage::Database& db) { RunClaimTimeout(db, id, now, config, pool);
      },
      [this, done](const std::string& error) {
        if (error.empty()) runner_.Wake();
        done(Committed(error));
      });
}

}  // namespace leadrouter
