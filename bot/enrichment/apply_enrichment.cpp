#include "bot/enrichment/apply_enrichment.h"

#include <chrono>

#include "bot/intake/accept_lead.h"
#include "bot/routing/outbox_plan.h"
#include "pipeline/enrichment_facts.h"
#include "pipeline/segment.h"
#include "storage/database.h"
#include "storage/enrichment_store.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

using pipeline::Segment;

nlohmann::json ReasonsJson(const std::vector<pipeline::Reason>& reasons) {
  nlohmann::json out = nlohmann::json::array();
  for (const pipeline::Reason& r : reasons) {
    out.push_back({{"rule", r.rule}, {"detail", r.detail}});
  }
  return out;
}

void RecordResegmented(storage::Timeline& timeline, int64_t lead_id,
                       SystemTime now, Segment before,
                       const pipeline::ProcessedLead& lead, bool rerouted) {
  timeline.Record(lead_id, now,
                  storage::ResegmentedEvent{pipeline::ToString(before),
                                            pipeline::ToString(lead.segment),
                                            ReasonsJson(lead.segment_reasons), rerouted});
}

}  // namespace

void RouteAfterWait(storage::Database& db, const pipeline::ProcessedLead& lead,
                    int64_t lead_id, SystemTime now, const Config& config,
                    EnrichmentRouting& out) {
  AcceptedLead routed;
  RouteFirstTime(db, lead, lead_id, now, config, routed);
  out.jobs += routed.jobs_written;
  out.route = routed.route;
  out.route_name = routed.route_name;
  out.pool = routed.pool;
  out.segment = pipeline::ToString(lead.segment);
}

EnrichmentRouting ApplyLookup(storage::Database& db, int64_t lead_id,
                              const LookupResult& result,
                              const pipeline::Rules& rules, SystemTime now,
                              const Config& config) {
  EnrichmentRouting out;
  auto stored = storage::LeadStore(db.db()).Get(lead_id);
  if (!stored) return out;
  storage::Timeline timeline(db.db());
  storage::EnrichmentStore waits(db.db());
  pipeline::ProcessedLead lead = stored->lead;
  const Segment before = lead.segment;
  std::vector<std::string> changes;
  if (result.answered) {
    changes = pipeline::ApplyFacts(lead, result.provider, result.facts);
    if (before != Segment::kLowQuality && !stored->taken_over_at) {
      pipeline::SegmentResult segment = pipeline::SegmentLead(lead, rules);
      lead.segment = segment.segment;
      lead.segment_reasons = std::move(segment.reasons);
    }
    if (!changes.empty() || lead.segment != before) {
      waits.SaveLead(lead_id, lead, now);
    }
    timeline.Record(lead_id, now,
                    storage::EnrichedEvent{result.provider, result.facts, result.missing,
                                           result.cached, changes});
  } else {
    timeline.Record(lead_id, now,
                    storage::EnrichmentFailedEvent{result.provider, result.failure});
  }

  if (waits.WaitOf(lead_id) == storage::EnrichmentWait::kWaiting) {
    if (lead.segment != before) {
      RecordResegmented(timeline, lead_id, now, before, lead, false);
    }
    // A lead this answer made hot waits for nothing more.
    const int pending = waits.Answered(lead_id);
    if ((pending == 0 || lead.segment == Segment::kHotBuyer) &&
        waits.FinishWait(lead_id, now)) {
      RouteAfterWait(db, lead, lead_id, now, config, out);
    }
    return out;
  }

  // Routed already: a promotion to hot while nobody owns it goes to the
  // shark tank; any news is shown on the messages already sent.
  const bool unowned = !stored->owner_slack_id && !stored->taken_over_at;
  const bool to_shark_tank = unowned && before != Segment::kHotBuyer &&
                             lead.segment == Segment::kHotBuyer;
  if (lead.segment != before) {
    RecordResegmented(timeline, lead_id, now, before, lead, to_shark_tank);
  }
  if (to_shark_tank) RouteAfterWait(db, lead, lead_id, now, config, out);
  if (!changes.empty() || lead.segment != before) {
    storage::JobStore(db.db()).Enqueue(
        MakeJob(lead_id, RefreshLeadCardJob{}, now, config), now);
    ++out.jobs;
  }
  return out;
}

EnrichmentRouting RouteAtDeadline(storage::Database& db, int64_t lead_id,
                                  const std::string& why, SystemTime now,
                                  const Config& config) {
  EnrichmentRouting out;
  if (!storage::EnrichmentStore(db.db()).FinishWait(lead_id, now)) return out;
  auto stored = storage::LeadStore(db.db()).Get(lead_id);
  if (!stored) return out;
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
      now - stored->created_at);
  storage::Timeline(db.db()).Record(lead_id, now,
                                    storage::EnrichmentDeadlineEvent{waited.count(), why});
  RouteAfterWait(db, stored->lead, lead_id, now, config, out);
  return out;
}

}  // namespace leadrouter
