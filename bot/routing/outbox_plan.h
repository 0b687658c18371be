// What a routing decision sets in motion: the jobs written in the same
// transaction as the lead. Pure: the decision and `now` in, job rows out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "bot/routing/round_robin.h"
#include "bot/runtime/job_kinds.h"
#include "pipeline/route.h"
#include "pipeline/sequence.h"
#include "storage/job_store.h"

namespace leadrouter {

// The automated follow-ups a human takeover stops (the CRM override), as
// kind prefixes for JobStore::CancelByLeadAndKinds: sequence steps, SLA
// reminders and the routing timers. The Slack posts and notes that report
// what happened are not follow-ups and still run.
inline const std::vector<std::string> kAutomatedFollowUpKinds = {
    "sequence.", "sla.", kJobClaimTimeout, kJobAssignRoundRobin};

// The job kind of a step on `channel`: "sequence.sms", … (what an opt-out
// on that channel cancels).
const char* SequenceJobKind(pipeline::Channel channel);
JobKind SequenceJobKindOf(pipeline::Channel channel);

// A job row for `kind`, due at `due`, with the configured attempt limit.
// `payload` is what bot/runtime/job_kinds encoded for that kind: written
// only by the typed MakeJob overloads below (.ci/run checks).
storage::NewJob MakeJobRow(const char* kind, std::optional<int64_t> lead_id,
                           nlohmann::json payload, SystemTime due,
                           const Config& config);

// The job row of a payload whose type names its kind.
template <typename Payload>
storage::NewJob MakeJob(std::optional<int64_t> lead_id, const Payload& payload,
                        SystemTime due, const Config& config) {
  return MakeJobRow(ToString(Payload::kKind), lead_id, Encode(payload), due, config);
}

// The job row of `payload` as `kind`, for payloads several kinds share (the
// sequence steps, the SLA timers). Throws std::logic_error when the kind
// does not carry that payload: a programming error, and the transaction
// writing it rolls back rather than store a row no executor can read.
storage::NewJob MakeJob(JobKind kind, std::optional<int64_t> lead_id,
                        const JobPayload& payload, SystemTime due,
                        const Config& config);

// What a round-robin job asks of the rotation: its `why`, after the route
// decision that sent the lead there ("WARM_BUYER: next agent in the
// rotation; round-robin, turn 14"), so the owner's DM says both.
AssignRequest ToAssignRequest(const AssignRoundRobinJob& job);

std::vector<storage::NewJob> PlanJobs(const pipeline::RouteDecision& route,
                                      int64_t lead_id, SystemTime now,
                                      const Config& config);

}  // namespace leadrouter
