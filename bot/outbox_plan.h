// What a routing decision sets in motion: the jobs written in the same
// transaction as the lead. Pure: the decision and `now` in, job rows out.
#pragma once

#include <vector>

#include "bot/clock.h"
#include "bot/config.h"
#include "pipeline/route.h"
#include "storage/job_store.h"

namespace leadrouter {

// Job kinds, shared by the intake that writes them and the executors.
inline constexpr char kJobPostSharkTank[] = "slack.post_shark_tank";
inline constexpr char kJobAssignRoundRobin[] = "route.assign_round_robin";
inline constexpr char kJobEnrollNurture[] = "sequence.enroll_nurture";
inline constexpr char kJobPostTriage[] = "slack.post_triage";
inline constexpr char kJobOpsAlert[] = "slack.ops_alert";

std::vector<storage::NewJob> PlanJobs(const pipeline::RouteDecision& route,
                                      int64_t lead_id, SystemTime now,
                                      const Config& config);

}  // namespace leadrouter
