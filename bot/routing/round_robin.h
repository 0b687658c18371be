// RoundRobin: gives a lead to an agent through the rotation and records why,
// and the rotation bookkeeping the claim and slash-command handlers share
// (today's counts, the rejoin policy, who may claim).
// Thread rule: storage writer thread only, inside the caller's transaction
// (never opens one), so the owner, the counts, the rotation state, the
// timeline event and the jobs commit together. Throws SQLite::Exception on
// a database failure; the caller rolls back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "pipeline/rotation.h"
#include "storage/agent_store.h"
#include "storage/database.h"
#include "storage/lead_store.h"

namespace leadrouter {

struct AssignRequest {
  // Starts the reason: "round-robin", "claim timeout", "reassigned by @x".
  std::string why = "round-robin";
  // A duplicate inquiry: it goes back to its previous owner when that agent
  // is available.
  bool returning_lead = false;
};

struct Assignment {
  bool assigned = false;
  std::string agent;   // "" when nobody was available
  std::string reason;  // as written to the timeline
};

// The rotation as the picker sees it at `now`.
struct RotationView {
  std::vector<storage::Agent> agents;             // rotation order, all
  std::vector<pipeline::RotationMember> members;  // the same order
  pipeline::RotationState state;
  std::string team_day;  // the team's local date, where counts go
  // (Every day's totals are not here: summing all of agent_daily_counts for
  // each assignment grew with every day the team had; /rotation list reads
  // them itself.)
};

RotationView LoadRotation(storage::Database& db, SystemTime now,
                          const Config& config);

// Assigns lead `lead_id`. A returning lead whose owner is available goes
// back to that owner (the rotation does not move); otherwise the next agent
// in the rotation gets it. On success: the owner is set, the lead counts
// for the agent's day (the team's date), the rotation state is saved, an
// `assigned` timeline event {agent, reason, via[, turn]} is appended, a
// kJobDmLeadCard job {agent, reason} is enqueued and the agent's
// first-contact SLA clock starts (bot/sla/sla_clock). When nobody is available:
// an `unassigned` event {reason} and a kJobPostTriage job {reason}, so the
// lead is never left without an owner or a queue. Pauses whose end has
// passed are ended first (per the rejoin policy). An unknown lead writes
// nothing and answers assigned = false with the reason.
Assignment AssignRoundRobin(storage::Database& db, int64_t lead_id,
                            SystemTime now, const Config& config,
                            const AssignRequest& why);
// The same for a lead the caller has just read in this transaction (it is
// not read again).
Assignment AssignRoundRobin(storage::Database& db, const storage::StoredLead& lead,
                            SystemTime now, const Config& config,
                            const AssignRequest& why);

// With [[pools]] configured, both hand the lead to the pool its route chose
// instead (GiveToPool, bot/routing/pool_assign): assigned is true only
// when an agent got it; a lead posted in a first-to-claim pool's channel or sent
// to triage answers false with the reason.

// AssignRoundRobin moving the lead away from its owner `away_from` (an SLA
// escalation): the rotation passes over them this turn, even inside their
// weighted block; when nobody else is available nothing is written (the
// lead keeps its owner, no triage) and assigned = false with the reason.
Assignment AssignAwayFrom(storage::Database& db, int64_t lead_id,
                          SystemTime now, const Config& config,
                          const AssignRequest& why,
                          const std::string& away_from);

// A returning lead (a new inquiry from the contact of `lead`) goes back to
// its owner when they can take it: an `assigned` event via `why`, no
// rotation turn. Otherwise nullopt, and `preface` says why not ("returning
// lead, previous owner Ana paused"); nothing is written.
std::optional<Assignment> ReturnToOwner(storage::Database& db,
                                        const storage::StoredLead& lead,
                                        const RotationView& view,
                                        const std::string& why, SystemTime now,
                                        const Config& config,
                                        std::string& preface);

// Counts one lead for `agent` on the team's date at `now` (a shark-tank
// claim). An id that is not an agent is not counted.
void CountAssignment(storage::Database& db, const std::string& agent,
                     SystemTime now, const Config& config);

// Whether `agent` may claim a shark-tank lead: always when
// rotation.claim_requires_rotation is off; otherwise only an active
// rotation member (a paused member is still a member).
bool MayClaim(storage::Database& db, const std::string& agent,
              const Config& config);

// Ends `agent`'s pause per rotation.rejoin: kOldPlace keeps their place;
// kBack puts them at the back of the line, just before the agent holding
// the current turn, so everyone else waiting comes first. Counts are never
// touched. Returns false when there is no such agent.
bool ResumeAgent(storage::Database& db, const std::string& agent,
                 const Config& config);

// Resumes every agent whose `paused_until` is at or before `now`, in
// rotation order; returns how many.
int EndExpiredPauses(storage::Database& db, SystemTime now,
                     const Config& config);

}  // namespace leadrouter
