#include "bot/classifier/apply_classification.h"

#include "pipeline/model_intent.h"
#include "storage/database.h"
#include "storage/enrichment_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

using pipeline::Segment;

storage::LlmClassifiedEvent Classified(const pipeline::ModelReading& r,
                                       const ModelOutcome& outcome,
                                       const Config& config,
                                       std::string applied) {
  return {config.llm.model,
          pipeline::kLlmPromptVersion,
          pipeline::ToString(r.intent),
          r.segment ? pipeline::ToString(*r.segment) : "",
          r.lead_type ? pipeline::ToString(*r.lead_type) : "",
          r.confidence,
          r.evidence,
          outcome.latency_ms,
          outcome.cached,
          std::move(applied)};
}

}  // namespace

EnrichmentRouting ApplyModelOutcome(storage::Database& db, int64_t lead_id,
                                    const ModelOutcome& outcome,
                                    SystemTime now, const Config& config) {
  EnrichmentRouting out;
  auto stored = storage::LeadStore(db.db()).Get(lead_id);
  if (!stored) return out;
  storage::Timeline timeline(db.db());
  storage::EnrichmentStore waits(db.db());
  const bool waiting =
      waits.WaitOf(lead_id) == storage::EnrichmentWait::kWaiting;

  if (!outcome.reading) {
    timeline.Record(lead_id, now,
                    storage::LlmFailedEvent{config.llm.model, outcome.failure,
                                            outcome.latency_ms});
    if (waiting && waits.Answered(lead_id) == 0 &&
        waits.FinishWait(lead_id, now)) {
      RouteAfterWait(db, stored->lead, lead_id, now, config, out);
    }
    return out;
  }

  const pipeline::ModelReading& reading = *outcome.reading;
  const Segment before = stored->lead.segment;
  const pipeline::ProcessedLead read =
      pipeline::WithModelReading(stored->lead, reading, config.llm.model);
  if (waiting) {
    waits.SaveLead(lead_id, read, now);
    const int pending = waits.Answered(lead_id);
    const bool go = (pending == 0 || read.segment == Segment::kHotBuyer) &&
                    waits.FinishWait(lead_id, now);
    timeline.Record(lead_id, now,
                    Classified(reading, outcome, config,
                               go ? "routed" : "waiting for lookups"));
    if (go) RouteAfterWait(db, read, lead_id, now, config, out);
    return out;
  }

  // Late: the rules' route stands unless this makes an unowned lead hot.
  const bool upgrade = !stored->owner_slack_id && !stored->taken_over_at &&
                       before != Segment::kHotBuyer &&
                       read.segment == Segment::kHotBuyer &&
                       read.intent != pipeline::Intent::kSpam;
  timeline.Record(lead_id, now,
                  Classified(reading, outcome, config,
                             upgrade ? "upgraded" : "recorded"));
  if (upgrade) {
    waits.SaveLead(lead_id, read, now);
    RouteAfterWait(db, read, lead_id, now, config, out);
  }
  return out;
}

}  // namespace leadrouter
