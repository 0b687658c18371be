#include "bot/routing/pool_assign.h"

#include <optional>
#include <set>

#include "bot/daemon/duration.h"
#include "bot/routing/outbox_plan.h"
#include "bot/routing/round_robin.h"
#include "bot/routing/assign_owner.h"
#include "bot/runtime/time_zone.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/pool_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

std::string NameOf(const pipeline::RotationMember& m) {
  return m.name.empty() ? m.id : m.name;
}

nlohmann::json TriedJson(const pipeline::RouteMatch& match) {
  nlohmann::json tried = nlohmann::json::array();
  for (const pipeline::RouteTry& t : match.tried) {
    tried.push_back(
        {{"route", t.route}, {"matched", t.matched}, {"why", t.why}});
  }
  return tried;
}

std::string Join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "; " + b;
}

// What one pool does with the lead; nullopt when it passes it on, with the
// hop's reason in `skipped`.
struct Walk {
  storage::Database& db;
  const storage::StoredLead& lead;
  const PoolRequest& request;
  SystemTime now;
  const Config& config;
  const RotationView& view;
  std::string route_reason;  // the lead's route, starts every reason
  std::string hops;          // pools passed over so far, for the reason

  std::optional<PoolOutcome> TryRoundRobin(const PoolConfig& pool,
                                           std::string& skipped) {
    std::vector<pipeline::RotationMember> members = PoolMembers(view, pool);
    for (pipeline::RotationMember& m : members) {
      if (m.id == request.away_from) m.active = false;
    }
    storage::PoolStore store(db.db());
    pipeline::RotationPick pick = pipeline::PickNext(
        members, store.LoadState(pool.name), now, request.why);
    if (!pick.ok()) {
      skipped = pick.skipped.empty() && !request.away_from.empty()
                    ? "nobody else is in the pool"
                    : pick.reason;
      return std::nullopt;
    }
    store.SaveState(pool.name, pick.state, now);
    return Assign(pool, pick.agent, pick.reason, pick.state.turn);
  }

  std::optional<PoolOutcome> TryAgent(const PoolConfig& pool,
                                      std::string& skipped) {
    std::vector<pipeline::RotationMember> members = PoolMembers(view, pool);
    if (members.empty()) {
      skipped = "its agent is not in the rotation";
      return std::nullopt;
    }
    const pipeline::RotationMember& m = members.front();
    if (m.id == request.away_from) {
      skipped = NameOf(m) + " already has it";
      return std::nullopt;
    }
    if (auto why_not = pipeline::Unavailable(m, now)) {
      skipped = NameOf(m) + ": " + *why_not;
      return std::nullopt;
    }
    return Assign(pool, m.id, request.why + ", " + NameOf(m) +
                                  " gets every lead of pool " + pool.name,
                  std::nullopt);
  }

  PoolOutcome Post(const PoolConfig& pool) {
    PoolOutcome out;
    out.kind = PoolOutcome::Kind::kPosted;
    out.pool = pool.name;
    out.reason = Join(Join(route_reason, hops),
                      "first to claim in pool " + pool.name);
    WritePost(db, lead.id, pool, out.reason, now, config);
    return out;
  }

  PoolOutcome Assign(const PoolConfig& pool, const std::string& agent,
                     const std::string& pick_reason,
                     std::optional<int64_t> turn) {
    PoolOutcome out;
    out.kind = PoolOutcome::Kind::kAssigned;
    out.agent = agent;
    out.pool = pool.name;
    out.reason = Join(Join(route_reason, hops), pick_reason);
    OwnerChange change;
    change.agent = agent;
    change.event = storage::AssignedEvent{agent, out.reason, request.why, turn, pool.name};
    change.card_reason = out.reason;
    AssignOwner(db, lead, change, now, config);
    return out;
  }

  static void WritePost(storage::Database& db, int64_t lead_id,
                        const PoolConfig& pool, const std::string& reason,
                        SystemTime now, const Config& config) {
    const std::string channel =
        pool.channel.empty() ? config.slack.shark_tank_channel : pool.channel;
    const milliseconds timeout =
        pool.claim_timeout.value_or(config.slack.claim_timeout);
    storage::JobStore jobs(db.db());
    jobs.Enqueue(MakeJob(lead_id, PostSharkTankJob{channel, pool.name, reason}, now,
                         config),
                 now);
    jobs.Enqueue(MakeJob(lead_id, ClaimTimeoutJob{pool.name}, now + timeout, config),
                 now);
  }
};

// The pool a lead was routed to, or the one today's routes give it.
std::string PoolOfLead(storage::Database& db, const storage::StoredLead& lead,
                       SystemTime now, const Config& config) {
  if (auto route = storage::PoolStore(db.db()).GetRoute(lead.id)) {
    if (config.routing.Pool(route->pool)) return route->pool;
  }
  pipeline::RouteMatch match =
      pipeline::MatchRoute(config.routing.routes, config.routing.territories,
                           RouteFactsAt(lead.lead, now, config));
  return match.ok() ? match.pool : "";
}

}  // namespace

pipeline::RouteFacts RouteFactsAt(const pipeline::ProcessedLead& lead,
                                  SystemTime now, const Config& config) {
  LocalTime local = ToLocal(now, config.rotation.timezone);
  return pipeline::FactsOf(lead, local.minute_of_day, local.weekday);
}

std::vector<pipeline::RotationMember> PoolMembers(const RotationView& view,
                                                  const PoolConfig& pool) {
  std::vector<pipeline::RotationMember> out;
  for (const std::string& id : pool.members) {
    for (const pipeline::RotationMember& m : view.members) {
      if (m.id == id) out.push_back(m);
    }
  }
  return out;
}

const PoolConfig* PoolRefusingClaim(const Config& config,
                                    const std::string& channel,
                                    const std::string& user) {
  for (const PoolConfig& p : config.routing.pools) {
    if (p.mode != PoolMode::kFirstToClaim || p.channel != channel) continue;
    for (const std::string& m : p.members) {
      if (m == user) return nullptr;
    }
    return &p;
  }
  return nullptr;
}

bool WantsPool(const pipeline::RouteDecision& decision, const Config& config) {
  return config.routing.configured() &&
         (decision.kind == pipeline::RouteKind::kSharkTank ||
          decision.kind == pipeline::RouteKind::kRoundRobin);
}

RoutedToPool RouteNewLead(storage::Database& db, int64_t lead_id,
                          const pipeline::ProcessedLead& lead, SystemTime now,
                          const Config& config) {
  pipeline::RouteMatch match =
      pipeline::MatchRoute(config.routing.routes, config.routing.territories,
                           RouteFactsAt(lead, now, config));
  storage::JobStore jobs(db.db());
  storage::Timeline timeline(db.db());
  if (!match.ok()) {
    timeline.Record(lead_id, now,
                    storage::RoutedEvent{"triage", match.reason, TriedJson(match)});
    jobs.Enqueue(MakeJob(lead_id, PostTriageJob{match.reason}, now, config), now);
    return {1, "triage", ""};
  }
  storage::PoolStore(db.db()).SetRoute(
      lead_id, {match.route, match.pool, match.reason, TriedJson(match), now});
  timeline.Record(lead_id, now,
                  storage::RoutedEvent{"pool", match.reason, TriedJson(match),
                                       match.pool, match.route});
  const PoolConfig* pool = config.routing.Pool(match.pool);
  if (pool && pool->mode == PoolMode::kFirstToClaim) {
    Walk::WritePost(db, lead_id, *pool, match.reason, now, config);
    return {2, match.route, match.pool};
  }
  AssignRoundRobinJob assign;
  assign.pool = match.pool;
  jobs.Enqueue(MakeJob(lead_id, assign, now, config), now);
  return {1, match.route, match.pool};
}

PoolOutcome GiveToPool(storage::Database& db, int64_t lead_id,
                       const PoolRequest& request, SystemTime now,
                       const Config& config) {
  PoolOutcome out;
  std::optional<storage::StoredLead> lead =
      storage::LeadStore(db.db()).Get(lead_id);
  if (!lead) {
    out.reason = "lead " + std::to_string(lead_id) + " does not exist";
    return out;
  }
  EndExpiredPauses(db, now, config);
  const RotationView view = LoadRotation(db, now, config);
  std::optional<storage::LeadRoute> route =
      storage::PoolStore(db.db()).GetRoute(lead_id);
  Walk walk{db,   *lead, request, now, config, view,
            route ? route->reason : std::string(), std::string()};

  // A returning lead goes back to its owner before any pool is asked.
  std::string preface;
  if (request.returning_lead) {
    if (std::optional<Assignment> back = ReturnToOwner(
            db, *lead, view, request.why, now, config, preface)) {
      out.kind = PoolOutcome::Kind::kAssigned;
      out.agent = back->agent;
      out.reason = back->reason;
      return out;
    }
  }
  walk.route_reason = Join(preface, walk.route_reason);

  std::string name =
      request.pool.empty() ? PoolOfLead(db, *lead, now, config) : request.pool;
  if (request.start_at_fallback) {
    const PoolConfig* first = config.routing.Pool(name);
    if (first) {
      out.hops.push_back("pool " + name + ": nobody claimed it");
      walk.hops = out.hops.back();
      name = first->fallback;
    }
  }
  std::set<std::string> visited;
  while (!name.empty() && visited.insert(name).second) {
    const PoolConfig* pool = config.routing.Pool(name);
    if (!pool) {
      out.hops.push_back("pool " + name + ": no such pool any more");
      break;
    }
    std::string skipped;
    std::optional<PoolOutcome> took;
    switch (pool->mode) {
      case PoolMode::kRoundRobin:
        took = walk.TryRoundRobin(*pool, skipped);
        break;
      case PoolMode::kAgent:
        took = walk.TryAgent(*pool, skipped);
        break;
      case PoolMode::kFirstToClaim:
        if (request.away_from.empty()) {
          took = walk.Post(*pool);
        } else {
          skipped = "a first-to-claim pool takes no reassignment";
        }
        break;
    }
    if (took) {
      took->hops = out.hops;
      if (!took->hops.empty()) {
        // Say on the timeline who passed it on before it found a home; the
        // hops were only collected until now, so an SLA reassignment that
        // finds nobody writes nothing.
        for (const std::string& hop : took->hops) {
          storage::Timeline(db.db()).Record(lead_id, now,
                                            storage::PoolSkippedEvent{hop});
        }
      }
      return *took;
    }
    out.hops.push_back("pool " + name + ": " + skipped);
    walk.hops = Join(walk.hops, out.hops.back());
    name = pool->fallback;
  }
  out.reason = Join(walk.route_reason, walk.hops);
  if (!request.away_from.empty()) return out;  // kNothing: they keep it

  storage::Timeline timeline(db.db());
  for (const std::string& hop : out.hops) {
    timeline.Record(lead_id, now, storage::PoolSkippedEvent{hop});
  }
  out.kind = PoolOutcome::Kind::kTriage;
  out.reason = Join(out.reason, "the fallback chain ended: triage");
  timeline.Record(lead_id, now, storage::UnassignedEvent{out.reason});
  storage::JobStore(db.db()).Enqueue(
      MakeJob(lead_id, PostTriageJob{out.reason}, now, config),
      now);
  return out;
}

}  // namespace leadrouter
