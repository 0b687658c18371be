#include "bot/enrichment/enrichment_plan.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bot/routing/outbox_plan.h"
#include "storage/database.h"
#include "storage/enrichment_store.h"
#include "storage/job_store.h"
#include "storage/timeline.h"

namespace leadrouter {

EnrichmentPlan PlanEnrichment(storage::Database& db, int64_t lead_id,
                              const pipeline::ProcessedLead& lead,
                              SystemTime now, const Config& config) {
  EnrichmentPlan plan;
  const EnrichmentConfig& e = config.enrichment;
  if (!e.configured() || lead.segment == pipeline::Segment::kLowQuality) {
    return plan;
  }
  std::vector<EnrichLookupJob> lookups;
  const pipeline::Property& p = lead.property;
  if (e.property.configured() &&
      !(p.address.empty() && p.zip.empty() && p.mls_id.empty())) {
    lookups.push_back({"property", p.address, p.zip, p.mls_id, ""});
  }
  if (e.person.configured() && lead.email_valid) {
    lookups.push_back({"person", "", "", "", lead.email});
  }
  if (lookups.empty()) return plan;

  storage::JobStore jobs(db.db());
  std::vector<std::string> providers;
  for (const EnrichLookupJob& lookup : lookups) {
    jobs.Enqueue(MakeJob(lead_id, lookup, now, config), now);
    providers.push_back(lookup.provider);
    ++plan.jobs;
  }
  plan.hold = lead.segment != pipeline::Segment::kHotBuyer;
  plan.lookups = static_cast<int>(lookups.size());
  storage::Timeline(db.db()).Record(
      lead_id, now,
      storage::EnrichmentRequestedEvent{providers, plan.hold ? e.deadline.count() : 0,
                                        plan.hold});
  return plan;
}

size_t HoldRouting(storage::Database& db, int64_t lead_id, int answers,
                   SystemTime until, SystemTime now, const Config& config) {
  storage::EnrichmentStore(db.db()).StartWait(lead_id, answers, now);
  storage::JobStore(db.db()).Enqueue(
      MakeJob(lead_id, EnrichDeadlineJob{}, until, config), now);
  return 1;
}

}  // namespace leadrouter
