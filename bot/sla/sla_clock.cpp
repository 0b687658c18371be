#include "bot/sla/sla_clock.h"

#include "bot/routing/outbox_plan.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"

namespace leadrouter {

int StartSlaClock(storage::Database& db, const storage::StoredLead& lead,
                  const std::string& agent, SystemTime now,
                  const Config& config) {
  storage::JobStore jobs(db.db());
  // The previous owner's timers must not fire on the new owner's watch;
  // the executors check the owner too, this just keeps the queue clean.
  jobs.CancelByLeadAndKinds(lead.id, kSlaJobKinds, "a new owner's SLA clock",
                            now);
  if (lead.contacted_at || lead.taken_over_at) return 0;
  const SlaPolicy* policy = SlaFor(config, lead.segment);
  if (!policy) return 0;
  // since_ms ties a timer to this one assignment: the lead's claimed_at.
  const SlaTimerJob payload{agent, storage::ToMillis(now)};
  int written = 0;
  if (policy->remind_after) {
    jobs.Enqueue(MakeJob(JobKind::kSlaRemind, lead.id, payload,
                         now + *policy->remind_after, config),
                 now);
    ++written;
  }
  if (policy->escalate_after) {
    jobs.Enqueue(MakeJob(JobKind::kSlaEscalate, lead.id, payload,
                         now + *policy->escalate_after, config),
                 now);
    ++written;
  }
  return written;
}

int StopSlaClock(storage::Database& db, int64_t lead_id,
                 const std::string& reason, SystemTime now) {
  return storage::JobStore(db.db()).CancelByLeadAndKinds(lead_id, kSlaJobKinds,
                                                         reason, now);
}

}  // namespace leadrouter
