#include "bot/routing/round_robin.h"

#include <optional>

#include "bot/routing/outbox_plan.h"
#include "bot/follow_up/sequence_enrollment.h"
#include "bot/sla/sla_clock.h"
#include "bot/runtime/time_zone.h"
#include "bot/routing/assign_owner.h"
#include "bot/routing/pool_assign.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/rotation_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

std::string TeamDay(SystemTime now, const Config& config) {
  return ToLocal(now, config.rotation.timezone).date;
}

const pipeline::RotationMember* FindMember(const RotationView& view,
                                           const std::string& id) {
  for (const pipeline::RotationMember& m : view.members) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

std::string NameOf(const pipeline::RotationMember& m) {
  return m.name.empty() ? m.id : m.name;
}

// Gives the lead to the agent the rotation chose (or back to its returning
// owner); `turn` is the rotation's, when it moved.
void RecordAssignment(storage::Database& db, const storage::StoredLead& lead,
                      const std::string& agent, const std::string& reason,
                      const AssignRequest& why, std::optional<int64_t> turn,
                      SystemTime now, const Config& config) {
  OwnerChange change;
  change.agent = agent;
  change.event = storage::AssignedEvent{agent, reason, why.why, turn, ""};
  change.card_reason = reason;
  AssignOwner(db, lead, change, now, config);
}

// The rotation's part of AssignAwayFrom, for a lead already read.
Assignment RotateLead(storage::Database& db, const storage::StoredLead& lead,
                      SystemTime now, const Config& config, const AssignRequest& why,
                      const std::string& away_from) {
  const int64_t lead_id = lead.id;
  Assignment out;
  EndExpiredPauses(db, now, config);
  RotationView view = LoadRotation(db, now, config);

  // A returning lead is not a rotation turn: the previous owner keeps the
  // contact and the rotation does not move.
  std::string preface;
  if (why.returning_lead) {
    if (std::optional<Assignment> back =
            ReturnToOwner(db, lead, view, why.why, now, config, preface)) {
      return *back;
    }
    if (!preface.empty()) preface += "; ";
  }

  // Passing over the owner the lead is moving away from: to the picker they
  // are not in the rotation this turn.
  std::vector<pipeline::RotationMember> members = view.members;
  if (!away_from.empty()) {
    for (pipeline::RotationMember& m : members) {
      if (m.id == away_from) m.active = false;
    }
  }
  pipeline::RotationPick pick =
      pipeline::PickNext(members, view.state, now, why.why);
  out.reason = preface + pick.reason;
  if (!pick.ok() && !away_from.empty()) {
    // "the rotation is empty" would read wrong: the owner is still in it.
    if (pick.skipped.empty()) out.reason = "nobody else is in the rotation";
    return out;
  }
  if (!pick.ok()) {
    storage::Timeline(db.db()).Record(lead_id, now, storage::UnassignedEvent{out.reason});
    storage::JobStore(db.db()).Enqueue(
        MakeJob(lead_id, PostTriageJob{out.reason}, now, config),
        now);
    return out;
  }
  out.assigned = true;
  out.agent = pick.agent;
  storage::RotationStore(db.db()).Save(pick.state, now);
  RecordAssignment(db, lead, pick.agent, out.reason, why, pick.state.turn, now,
                   config);
  return out;
}

}  // namespace

RotationView LoadRotation(storage::Database& db, SystemTime now,
                          const Config& config) {
  RotationView view;
  storage::RotationStore rotation(db.db());
  view.agents = storage::AgentStore(db.db()).List();
  view.state = rotation.Load();
  view.team_day = TeamDay(now, config);
  std::map<std::string, int> today = rotation.CountsOn(view.team_day);
  for (const storage::Agent& a : view.agents) {
    pipeline::RotationMember m;
    m.id = a.slack_id;
    m.name = a.name;
    m.weight = a.weight;
    m.daily_cap = a.daily_cap;
    auto count = today.find(a.slack_id);
    m.today_count = count == today.end() ? 0 : count->second;
    m.paused = a.paused;
    m.paused_until = a.paused_until;
    m.work_start_minute = a.work_start_minute;
    m.work_end_minute = a.work_end_minute;
    m.work_days = a.work_days;
    LocalTime local = ToLocal(now, a.timezone, config.rotation.timezone);
    m.local_minute = local.minute_of_day;
    m.local_weekday = local.weekday;
    m.active = a.active;
    view.members.push_back(std::move(m));
  }
  return view;
}

Assignment AssignRoundRobin(storage::Database& db, int64_t lead_id,
                            SystemTime now, const Config& config,
                            const AssignRequest& why) {
  return AssignAwayFrom(db, lead_id, now, config, why, "");
}

Assignment AssignRoundRobin(storage::Database& db, const storage::StoredLead& lead,
                            SystemTime now, const Config& config,
                            const AssignRequest& why) {
  if (config.routing.configured()) return AssignAwayFrom(db, lead.id, now, config, why, "");
  return RotateLead(db, lead, now, config, why, "");
}

Assignment AssignAwayFrom(storage::Database& db, int64_t lead_id,
                          SystemTime now, const Config& config,
                          const AssignRequest& why,
                          const std::string& away_from) {
  if (config.routing.configured()) {
    PoolRequest request;
    request.why = why.why;
    request.returning_lead = why.returning_lead;
    request.away_from = away_from;
    PoolOutcome pooled = GiveToPool(db, lead_id, request, now, config);
    Assignment out;
    out.assigned = pooled.assigned();
    out.agent = pooled.agent;
    out.reason = pooled.reason;
    return out;
  }
  std::optional<storage::StoredLead> lead =
      storage::LeadStore(db.db()).Get(lead_id);
  if (!lead) {
    Assignment out;
    out.reason = "lead " + std::to_string(lead_id) + " does not exist";
    return out;
  }
  return RotateLead(db, *lead, now, config, why, away_from);
}

std::optional<Assignment> ReturnToOwner(storage::Database& db,
                                        const storage::StoredLead& lead,
                                        const RotationView& view,
                                        const std::string& why, SystemTime now,
                                        const Config& config,
                                        std::string& preface) {
  if (!lead.owner_slack_id) return std::nullopt;
  const std::string& owner = *lead.owner_slack_id;
  const pipeline::RotationMember* m = FindMember(view, owner);
  std::optional<std::string> unavailable =
      m ? pipeline::Unavailable(*m, now)
        : std::optional<std::string>("no longer an agent");
  if (unavailable) {
    preface = "returning lead, previous owner " + (m ? NameOf(*m) : owner) +
              " " + *unavailable;
    return std::nullopt;
  }
  Assignment out;
  out.assigned = true;
  out.agent = owner;
  out.reason = "returning lead, back to its previous owner " + NameOf(*m);
  AssignRequest request;
  request.why = why;
  RecordAssignment(db, lead, owner, out.reason, request, std::nullopt, now,
                   config);
  return out;
}

void CountAssignment(storage::Database& db, const std::string& agent,
                     SystemTime now, const Config& config) {
  // The counts table keys on agents; a claimer who is not one (claims open
  // to everyone) has no cap to count against.
  if (!storage::AgentStore(db.db()).Get(agent)) return;
  storage::RotationStore(db.db()).AddToCount(agent, TeamDay(now, config));
}

bool MayClaim(storage::Database& db, const std::string& agent,
              const Config& config) {
  if (!config.rotation.claim_requires_rotation) return true;
  std::optional<storage::Agent> a = storage::AgentStore(db.db()).Get(agent);
  return a && a->active;
}

bool ResumeAgent(storage::Database& db, const std::string& agent,
                 const Config& config) {
  storage::AgentStore agents(db.db());
  if (!agents.Unpause(agent)) return false;
  if (config.rotation.rejoin == RejoinPolicy::kBack) {
    // The holder of the current turn is the last in line after their block;
    // just before them is the back. With no turn yet, the back is the end.
    std::string holder = storage::RotationStore(db.db()).Load().last_agent;
    if (holder.empty() || !agents.Get(holder)) {
      agents.MoveTo(agent, static_cast<size_t>(-1));
    } else if (holder != agent) {
      agents.MoveBefore(agent, holder);
    }
  }
  return true;
}

int EndExpiredPauses(storage::Database& db, SystemTime now,
                     const Config& config) {
  int resumed = 0;
  for (const std::string& agent : storage::AgentStore(db.db()).PausesEndedBy(now)) {
    resumed += ResumeAgent(db, agent, config) ? 1 : 0;
  }
  return resumed;
}

}  // namespace leadrouter
