#include "bot/routing/assign_owner.h"

#include "bot/routing/outbox_plan.h"
#include "bot/follow_up/sequence_enrollment.h"
#include "bot/sla/sla_clock.h"
#include "bot/routing/round_robin.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {

bool AssignOwner(storage::Database& db, const storage::StoredLead& lead,
                 const OwnerChange& change, SystemTime now,
                 const Config& config) {
  storage::LeadStore leads(db.db());
  const bool won = change.only_if_unowned
                       ? leads.ClaimIfUnowned(lead.id, change.agent, now)
                       : leads.SetOwner(lead.id, change.agent, now);
  if (!won) return false;
  if (change.counts_toward_cap) CountAssignment(db, change.agent, now, config);
  StartSlaClock(db, lead, change.agent, now, config);
  EnrollInSequence(db, lead, now, config);
  storage::Timeline(db.db()).Append(lead.id, now, change.event_kind,
                                    change.event_detail);

  storage::JobStore jobs(db.db());
  jobs.Enqueue(MakeJob(kJobDmLeadCard, lead.id,
                       {{"agent", change.agent},
                        {"reason", change.card_reason}},
                       now, config),
               now);
  if (change.thread_note) {
    jobs.Enqueue(MakeJob(kJobThreadNote, lead.id,
                         {{"text", *change.thread_note}}, now, config),
                 now);
  }
  if (change.update_post) {
    nlohmann::json payload = nlohmann::json::object();
    if (!change.post_status_line.empty()) {
      payload["status_line"] = change.post_status_line;
    }
    jobs.Enqueue(MakeJob(kJobUpdateLeadPost, lead.id, std::move(payload), now,
                         config),
                 now);
  }
  return true;
}

}  // namespace leadrouter
