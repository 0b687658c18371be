#include "bot/routing/outbox_plan.h"

namespace leadrouter {

const char* SequenceJobKind(pipeline::Channel channel) {
  switch (channel) {
    case pipeline::Channel::kSms:
      return kJobSequenceSms;
    case pipeline::Channel::kEmail:
      return kJobSequenceEmail;
    case pipeline::Channel::kWebhook:
      return kJobSequenceWebhook;
  }
  return kJobSequenceEmail;
}

storage::NewJob MakeJob(const char* kind, std::optional<int64_t> lead_id,
                        nlohmann::json payload, SystemTime due,
                        const Config& config) {
  storage::NewJob j;
  j.kind = kind;
  j.lead_id = lead_id;
  j.payload = std::move(payload);
  j.due_at = due;
  j.max_attempts = config.jobs.max_attempts;
  return j;
}

std::vector<storage::NewJob> PlanJobs(const pipeline::RouteDecision& route,
                                      int64_t lead_id, SystemTime now,
                                      const Config& config) {
  auto job = [&](const char* kind, SystemTime due) {
    return MakeJob(kind, lead_id,
                   {{"route", pipeline::ToString(route.kind)},
                    {"reason", route.reason}},
                   due, config);
  };
  switch (route.kind) {
    case pipeline::RouteKind::kSharkTank:
      // The fallback timer is written with the post, so it survives a
      // restart and fires even if the post itself is still being retried.
      return {job(kJobPostSharkTank, now),
              job(kJobClaimTimeout, now + config.slack.claim_timeout)};
    case pipeline::RouteKind::kRoundRobin:
      return {job(kJobAssignRoundRobin, now)};
    case pipeline::RouteKind::kNurture:
      return {};  // enrolled in its sequence by the intake itself
    case pipeline::RouteKind::kSupport:
      return {job(kJobPostTriage, now)};
    case pipeline::RouteKind::kNone:
      return {};
  }
  return {};
}

}  // namespace leadrouter
