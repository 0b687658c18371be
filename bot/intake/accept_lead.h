// AcceptLead: the intake transaction, the one way a processed lead is taken
// in, whatever its front door (POST /v1/leads today, a parsed e-mail next).
// Runs on the storage writer inside the caller's transaction: it never
// touches a socket or reads the clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bot/daemon/config.h"
#include "bot/runtime/system_time.h"
#include "pipeline/lead.h"

namespace leadrouter {
namespace storage {
class Database;
}

// A sender's idempotency key: the same key with the same body answers what
// the first request was answered, with another body 422.
struct IdempotencyClaim {
  std::string scope;      // the route, e.g. "/v1/leads"
  std::string key;        // the sender's Idempotency-Key
  std::string body_hash;  // SHA-256 of the raw request body
};

struct AcceptedLead {
  // The answer for the sender: 202 with {"lead_id","status","duplicate_of"},
  // or, for a replayed key, whatever the first request was answered.
  int status = 202;
  std::string body;
  int64_t lead_id = 0;
  bool replayed = false;   // an idempotency key seen before: nothing written
  bool duplicate = false;  // merged into an earlier lead (dedupe window)
  std::string route;       // the route decided for a new lead, else empty
  // With [[pools]]: the matching route's name ("triage" when none matched)
  // and its pool; both empty without pools.
  std::string route_name;
  std::string pool;
  size_t jobs_written = 0; // jobs due now or later: wake the runner if > 0
};

// Writes what a lead seen for the first time causes: the route decision on
// the timeline, its jobs and, for a lead no agent gets, its sequence (the
// others start theirs when an owner takes them: their messages speak for
// one). Sets out.route and adds to out.jobs_written. Called by AcceptLead,
// and by enrichment once a lead that waited for its lookups may go.
void RouteFirstTime(storage::Database& db, const pipeline::ProcessedLead& lead,
                    int64_t lead_id, SystemTime now, const Config& config,
                    AcceptedLead& out);

// Takes `lead` in, in one piece: the idempotency key, the lead row or its
// merge into an earlier one, the consent it stated, the route decision with
// its reason on the timeline, and the jobs that decision causes (a returning
// lead with an owner goes back to that owner; a nurture lead is enrolled in
// its sequence at once; a lead that enrichment looks up or the language
// model reads may wait for them, in one wait: bot/enrichment/enrichment_plan.h,
// bot/classifier/llm_plan.h). Throws what storage throws; the caller's
// transaction then rolls all of it back.
AcceptedLead AcceptLead(storage::Database& db, const pipeline::ProcessedLead& lead,
                        const std::optional<IdempotencyClaim>& idempotency,
                        SystemTime now, const Config& config);

}  // namespace leadrouter
