#include "bot/intake/accept_lead.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include <nlohmann/json.hpp>

#include "bot/classifier/llm_plan.h"
#include "bot/enrichment/enrichment_plan.h"
#include "bot/follow_up/sequence_enrollment.h"
#include "bot/intake/intake_consent.h"
#include "bot/routing/outbox_plan.h"
#include "bot/routing/pool_assign.h"
#include "pipeline/route.h"
#include "storage/database.h"
#include "storage/idempotency_store.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {

void RouteFirstTime(storage::Database& db, const pipeline::ProcessedLead& lead,
                    int64_t lead_id, SystemTime now, const Config& config,
                    AcceptedLead& out) {
  pipeline::RouteDecision route = pipeline::DecideRoute(lead);
  out.route = pipeline::ToString(route.kind);
  if (WantsPool(route, config)) {
    // [[pools]]: the routes choose the pool that hands it out, and its
    // `routed` event says which route and why.
    RoutedToPool routed = RouteNewLead(db, lead_id, lead, now, config);
    out.jobs_written += routed.jobs;
    out.route_name = std::move(routed.route);
    out.pool = std::move(routed.pool);
  } else {
    storage::Timeline(db.db()).Record(lead_id, now,
                                      storage::RoutedEvent{out.route, route.reason});
    storage::JobStore jobs(db.db());
    for (const storage::NewJob& job : PlanJobs(route, lead_id, now, config)) {
      jobs.Enqueue(job, now);
      ++out.jobs_written;
    }
  }
  if (route.kind == pipeline::RouteKind::kNurture) {
    if (auto stored = storage::LeadStore(db.db()).Get(lead_id)) {
      out.jobs_written += EnrollInSequence(db, *stored, now, config).steps;
    }
  }
}

namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

// A returning lead with an owner goes back to that owner (or, if they are
// away, to the rotation) with the new message; one without an owner is
// already on its way through its first route.
void RouteReturningLead(storage::Database& db, int64_t lead_id, SystemTime now,
                        const Config& config, AcceptedLead& out) {
  auto stored = storage::LeadStore(db.db()).Get(lead_id);
  if (!stored || !stored->owner_slack_id || stored->taken_over_at) return;
  AssignRoundRobinJob assign;
  assign.why = "returning lead";
  assign.returning = true;
  storage::JobStore(db.db()).Enqueue(MakeJob(lead_id, assign, now, config), now);
  ++out.jobs_written;
}

}  // namespace

AcceptedLead AcceptLead(storage::Database& db, const pipeline::ProcessedLead& lead,
                        const std::optional<IdempotencyClaim>& idempotency,
                        SystemTime now, const Config& config) {
  AcceptedLead out;
  storage::IdempotencyStore keys(db.db());
  if (idempotency) {
    auto seen = keys.Find(idempotency->scope, idempotency->key, now,
                          duration_cast<seconds>(config.server.idempotency_ttl));
    if (seen) {
      out.replayed = true;
      if (seen->request_hash != idempotency->body_hash) {
        out.status = 422;
        out.body = nlohmann::json{{"error", "this key was already used with a different body"},
                                  {"field", "Idempotency-Key"}}.dump();
      } else {
        out.status = seen->status;
        out.body = seen->body;
      }
      return out;
    }
  }

  storage::IntakeResult r = storage::LeadStore(db.db()).Intake(
      lead, now, duration_cast<seconds>(config.storage.dedupe_window));
  RecordIntakeConsent(db.db(), r.lead_id, lead, now);
  out.lead_id = r.lead_id;
  out.duplicate = r.duplicate;
  out.body = nlohmann::json{{"lead_id", r.lead_id},
                            {"status", r.duplicate ? "duplicate" : "accepted"},
                            {"duplicate_of", r.duplicate_of ? nlohmann::json(*r.duplicate_of)
                                                            : nlohmann::json(nullptr)}}
                 .dump();
  if (r.duplicate) {
    RouteReturningLead(db, r.lead_id, now, config, out);
  } else {
    // With lookups or a language model configured, the lead may wait for
    // them: one wait for all the answers, until the earliest deadline;
    // the last answer or that deadline routes it.
    const EnrichmentPlan lookups =
        PlanEnrichment(db, r.lead_id, lead, now, config);
    const LlmPlan model = PlanClassification(db, r.lead_id, lead, now, config);
    out.jobs_written += lookups.jobs + model.jobs;
    const int answers =
        (lookups.hold ? lookups.lookups : 0) + (model.hold ? 1 : 0);
    if (answers > 0) {
      auto wait = lookups.hold ? config.enrichment.deadline : config.llm.deadline;
      if (lookups.hold && model.hold) wait = std::min(wait, config.llm.deadline);
      out.jobs_written +=
          HoldRouting(db, r.lead_id, answers, now + wait, now, config);
    } else {
      RouteFirstTime(db, lead, r.lead_id, now, config, out);
    }
  }
  if (idempotency) {
    keys.Save(idempotency->scope, idempotency->key, idempotency->body_hash,
              out.status, out.body, now);
  }
  return out;
}

}  // namespace leadrouter
