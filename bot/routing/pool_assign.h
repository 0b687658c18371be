// Pools ([[pools]]): which pool a new lead goes to (the routes), and how a
// pool hands a lead out: posted in its channel for the first claim, the
// next member in the pool's own rotation, or its one agent. A pool that
// cannot take the lead passes it down its fallback chain, which ends in the
// triage channel; every hop is on the lead's timeline.
// Without [[pools]] none of this runs: bot/routing/round_robin is the rotation.
// Thread rule: storage writer thread only, inside the caller's transaction
// (never opens one); `now` is passed in. Throws SQLite::Exception on a
// database failure; the caller rolls back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "bot/routing/round_robin.h"
#include "pipeline/lead.h"
#include "pipeline/route.h"

namespace leadrouter {
namespace storage {
class Database;
}

// The team's local minute and weekday at `now` (rotation.timezone), for
// the routes' hours and days.
pipeline::RouteFacts RouteFactsAt(const pipeline::ProcessedLead& lead,
                                  SystemTime now, const Config& config);

// Whether a new lead with this decision is routed to a pool: [[pools]] are
// configured and the lead would get an agent (shark tank or rotation
// today). Spam, support, low quality and nurture leads route as before.
bool WantsPool(const pipeline::RouteDecision& decision, const Config& config);

// Routes a new lead (one that would get an agent): matches config.routing's
// routes at the team's local time, records the route (storage/pool_store)
// and a `routed` timeline event {route: "pool", pool, reason, tried}, and
// writes what the pool's mode asks for: first_to_claim, a
// kJobPostSharkTank {channel, pool, reason} and a kJobClaimTimeout {pool}
// due after the pool's claim timeout; round_robin and agent, a
// kJobAssignRoundRobin {pool, why}. No route matching (check-config
// prevents it) sends the lead to triage. Returns the jobs written and where
// the lead went (route and pool names; "triage" and no pool when no route
// matched).
// REQUIRES: config.routing.configured().
struct RoutedToPool {
  int jobs = 0;
  std::string route;
  std::string pool;
};
RoutedToPool RouteNewLead(storage::Database& db, int64_t lead_id,
                          const pipeline::ProcessedLead& lead, SystemTime now,
                          const Config& config);

struct PoolRequest {
  std::string pool;  // where to start; "" means the lead's routed pool
  // Starts the reason on the timeline: "round-robin", "claim timeout:
  // nobody claimed it within 3m", "SLA escalation", "returning lead".
  std::string why = "round-robin";
  // The pool itself was tried already (its post went unclaimed): start at
  // its fallback.
  bool start_at_fallback = false;
  // A returning lead: back to its owner first, when they are available.
  bool returning_lead = false;
  // An SLA reassignment away from this owner: passed over everywhere, and
  // when nobody else can take the lead nothing is written (they keep it,
  // no triage). First-to-claim pools take no reassignments.
  std::string away_from;
};

struct PoolOutcome {
  enum class Kind {
    kAssigned,  // `agent` owns it
    kPosted,    // posted in a first_to_claim pool's channel, waiting
    kTriage,    // the chain ended: posted to triage
    kNothing,   // an SLA reassignment found nobody; nothing written
  };
  Kind kind = Kind::kNothing;
  std::string agent;
  std::string pool;    // the pool that took it
  std::string reason;  // route, hops and pick, as on the timeline
  std::vector<std::string> hops;  // "pool luxury: nobody available: …"
  bool assigned() const { return kind == Kind::kAssigned; }
};

// Hands lead `lead_id` to the pool in `request` (or down its fallback
// chain). An assignment goes through AssignOwner (bot/routing/assign_owner)
// with an `assigned` event {agent, reason, via, pool, turn?}; each pool
// passed over adds a `pool_skipped` event {pool, reason}; the end of the
// chain adds an `unassigned` event {reason} and a kJobPostTriage {reason}.
// Round-robin pools keep their own turn order (storage/pool_store); an
// agent's daily cap counts across all pools.
PoolOutcome GiveToPool(storage::Database& db, int64_t lead_id,
                       const PoolRequest& request, SystemTime now,
                       const Config& config);

// The pool's members as the rotation sees them (bot/routing/round_robin's view), in
// the pool's own order; members who are not agents are left out.
std::vector<pipeline::RotationMember> PoolMembers(const RotationView& view,
                                                  const PoolConfig& pool);

// The first-to-claim pool whose channel is `channel`, when `user` is not
// one of its members (so may not claim there); nullptr otherwise, also
// outside any pool's channel (the shark tank, triage).
const PoolConfig* PoolRefusingClaim(const Config& config,
                                    const std::string& channel,
                                    const std::string& user);

}  // namespace leadrouter
