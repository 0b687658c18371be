#include "bot/routing/assign_owner.h"

#include <chrono>

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
  if (!lead.claimed_at) {
    // Its first owner: the lead's time to claim (counted once committed).
    db.NoteMilestone({storage::LeadMilestone::Kind::kFirstOwner,
                      std::chrono::duration_cast<std::chrono::milliseconds>(
                          now - lead.created_at)});
  }
  if (change.counts_toward_cap) CountAssignment(db, change.agent, now, config);
  StartSlaClock(db, lead, change.agent, now, config);
  EnrollInSequence(db, lead, now, config);
  std::visit([&](const auto& event) { storage::Timeline(db.db()).Record(lead.id, now, event); },
             change.event);

  storage::JobStore jobs(db.db());
  jobs.Enqueue(MakeJob(lead.id, DmLeadCardJob{change.agent, change.card_reason}, now,
                       config),
               now);
  if (change.thread_note) {
    jobs.Enqueue(MakeJob(lead.id, ThreadNoteJob{*change.thread_note}, now, config), now);
  }
  if (change.update_post) {
    jobs.Enqueue(MakeJob(lead.id, UpdateLeadPostJob{change.post_status_line}, now, config),
                 now);
  }
  return true;
}

}  // namespace leadrouter
