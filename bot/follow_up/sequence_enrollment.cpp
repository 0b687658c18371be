#include "bot/follow_up/sequence_enrollment.h"

#include "bot/routing/outbox_plan.h"
#include "pipeline/sequence_plan.h"
#include "storage/database.h"
#include "storage/follow_up_store.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {

Enrollment EnrollInSequence(storage::Database& db, const storage::StoredLead& lead,
                            SystemTime now, const Config& config) {
  Enrollment out;
  const pipeline::Sequence* sequence = nullptr;
  if (lead.status == storage::LeadStatus::kSpam) {
    out.why_not = "spam";
  } else if (lead.taken_over_at) {
    out.why_not = "taken over in the CRM";
  } else if (!(sequence = pipeline::SequenceForLead(config.sequences, lead.lead))) {
    out.why_not = "no sequence for " + lead.segment;
  }
  if (!out.why_not.empty()) return out;

  storage::FollowUpStore follow_up(db.db());
  if (!follow_up.Enroll(lead.id, lead.segment, now)) {
    out.why_not = "already enrolled";
    return out;
  }
  storage::JobStore jobs(db.db());
  const int64_t enrolled_ms = storage::ToMillis(now);
  for (const pipeline::PlannedStep& step : pipeline::PlanSequence(*sequence, now)) {
    const SequenceStepJob payload{lead.segment, static_cast<int64_t>(step.index),
                                  enrolled_ms};
    jobs.Enqueue(MakeJob(SequenceJobKindOf(step.channel), lead.id, payload,
                         step.due_at, config),
                 now);
    ++out.steps;
  }
  out.enrolled = true;
  storage::Timeline(db.db()).Record(
      lead.id, now,
      storage::SequenceEnrolledEvent{lead.segment, static_cast<int64_t>(out.steps)});
  return out;
}

}  // namespace leadrouter
