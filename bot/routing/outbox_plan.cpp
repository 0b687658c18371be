#include "bot/routing/outbox_plan.h"

#include <stdexcept>

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

JobKind SequenceJobKindOf(pipeline::Channel channel) {
  switch (channel) {
    case pipeline::Channel::kSms:
      return JobKind::kSequenceSms;
    case pipeline::Channel::kEmail:
      return JobKind::kSequenceEmail;
    case pipeline::Channel::kWebhook:
      return JobKind::kSequenceWebhook;
  }
  return JobKind::kSequenceEmail;
}

storage::NewJob MakeJobRow(const char* kind, std::optional<int64_t> lead_id,
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

storage::NewJob MakeJob(JobKind kind, std::optional<int64_t> lead_id,
                        const JobPayload& payload, SystemTime due,
                        const Config& config) {
  if (!Carries(kind, payload)) {
    throw std::logic_error(std::string("a ") + ToString(kind) +
                           " job cannot carry this payload");
  }
  return MakeJobRow(ToString(kind), lead_id, Encode(payload), due, config);
}

AssignRequest ToAssignRequest(const AssignRoundRobinJob& job) {
  AssignRequest request;
  request.why = job.route_reason.empty() ? job.why
                                         : job.route_reason + "; " + job.why;
  request.returning_lead = job.returning;
  return request;
}

std::vector<storage::NewJob> PlanJobs(const pipeline::RouteDecision& route,
                                      int64_t lead_id, SystemTime now,
                                      const Config& config) {
  switch (route.kind) {
    case pipeline::RouteKind::kSharkTank:
      // The fallback timer is written with the post, so it survives a
      // restart and fires even if the post itself is still being retried.
      return {MakeJob(lead_id, PostSharkTankJob{}, now, config),
              MakeJob(lead_id, ClaimTimeoutJob{},
                      now + config.slack.claim_timeout, config)};
    case pipeline::RouteKind::kRoundRobin: {
      AssignRoundRobinJob assign;
      assign.route_reason = route.reason;
      return {MakeJob(lead_id, assign, now, config)};
    }
    case pipeline::RouteKind::kNurture:
      return {};  // enrolled in its sequence by the intake itself
    case pipeline::RouteKind::kSupport:
      return {MakeJob(lead_id, PostTriageJob{route.reason}, now, config)};
    case pipeline::RouteKind::kNone:
      return {};
  }
  return {};
}

}  // namespace leadrouter
