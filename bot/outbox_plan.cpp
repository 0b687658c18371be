#include "bot/outbox_plan.h"

namespace leadrouter {

std::vector<storage::NewJob> PlanJobs(const pipeline::RouteDecision& route,
                                      int64_t lead_id, SystemTime now,
                                      const Config& config) {
  auto job = [&](const char* kind) {
    storage::NewJob j;
    j.kind = kind;
    j.lead_id = lead_id;
    j.payload = {{"route", pipeline::ToString(route.kind)}, {"reason", route.reason}};
    j.due_at = now;
    j.max_attempts = config.jobs.max_attempts;
    return j;
  };
  switch (route.kind) {
    case pipeline::RouteKind::kSharkTank:
      return {job(kJobPostSharkTank)};
    case pipeline::RouteKind::kRoundRobin:
      return {job(kJobAssignRoundRobin)};
    case pipeline::RouteKind::kNurture:
      return {job(kJobEnrollNurture)};
    case pipeline::RouteKind::kSupport:
      return {job(kJobPostTriage)};
    case pipeline::RouteKind::kNone:
      return {};
  }
  return {};
}

}  // namespace leadrouter
