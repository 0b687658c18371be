#include "bot/classifier/llm_plan.h"

#include <optional>
#include <string>

#include "bot/routing/outbox_plan.h"
#include "pipeline/llm_exchange.h"
#include "pipeline/model_intent.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/timeline.h"

namespace leadrouter {

LlmPlan PlanClassification(storage::Database& db, int64_t lead_id,
                           const pipeline::ProcessedLead& lead,
                           SystemTime now, const Config& config) {
  LlmPlan plan;
  const LlmConfig& llm = config.llm;
  if (!llm.configured() || lead.segment == pipeline::Segment::kHotBuyer ||
      lead.segment == pipeline::Segment::kLowQuality) {
    return plan;
  }
  const std::optional<std::string> why = pipeline::WhyUnsure(
      lead, llm.unsure_intents, llm.unsure_without_evidence);
  if (!why) return plan;
  LlmClassifyJob job;
  job.text = pipeline::CleanTextForModel(lead.message,
                                         config.rules.max_text_length);
  if (job.text.empty()) return plan;
  job.held = llm.deadline > std::chrono::milliseconds(0);
  storage::JobStore(db.db()).Enqueue(MakeJob(lead_id, job, now, config), now);
  storage::Timeline(db.db()).Record(
      lead_id, now,
      storage::LlmRequestedEvent{llm.model, pipeline::kLlmPromptVersion, *why,
                                 job.held,
                                 job.held ? llm.deadline.count() : 0});
  plan.ask = true;
  plan.hold = job.held;
  plan.jobs = 1;
  return plan;
}

}  // namespace leadrouter
