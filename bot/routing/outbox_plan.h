// What a routing decision sets in motion: the jobs written in the same
// transaction as the lead. Pure: the decision and `now` in, job rows out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "pipeline/route.h"
#include "pipeline/sequence.h"
#include "storage/job_store.h"

namespace leadrouter {

// Job kinds, shared by the code that writes them and the executors. Every
// payload is self-contained JSON; "lead_id" is the job's own column.
// Slack effects (run by bot/slack/slack_jobs):
//   post_shark_tank   {}: the hot lead's post with a Claim button
//   update_lead_post  {}: re-render the lead's shark-tank post (claimed,
//                     assigned, taken over) with chat.update
//   dm_lead_card      {agent, reason}: the full card to the owner by DM
//   ephemeral         {channel, user, text}: a reply only `user` sees
//                     (+ in_channel?: post for all; blocks?: Block Kit
//                     blocks shown instead, `text` is then the fallback)
//   dm_note           {agent, text}: a short DM to an agent (a reminder)
//   thread_note       {text}: a reply in the thread of the lead's post (or
//                     its DM card when it never had a post)
//   post_triage       {reason}: a lead nobody could take, to triage
//   ops_alert         {title, detail?, ...}: to the ops channel
// Routing decisions that run in the storage writer:
//   assign_round_robin {reason?}: next agent in the rotation
//   claim_timeout     {}: an unclaimed hot lead falls back to the rotation
// First-contact SLA timers (bot/sla/sla_jobs), due in the future, written with
// the assignment that starts the clock (bot/sla/sla_clock):
//   sla.remind        {agent, since_ms}: a DM reminder to the owner
//   sla.escalate      {agent, since_ms}: ops alert, maybe reassignment
// Follow-up sequence steps (bot/follow_up/sequence_jobs), one job per step, written
// at enrolment (bot/follow_up/sequence_enrollment), due `delay` after it:
//   sequence.sms / sequence.email / sequence.webhook
//                     {segment, step, enrolled_ms}: step `step` of the
//                     segment's sequence in config
inline constexpr char kJobPostSharkTank[] = "slack.post_shark_tank";
inline constexpr char kJobUpdateLeadPost[] = "slack.update_lead_post";
inline constexpr char kJobDmLeadCard[] = "slack.dm_lead_card";
inline constexpr char kJobEphemeral[] = "slack.ephemeral";
inline constexpr char kJobDmNote[] = "slack.dm_note";
inline constexpr char kJobThreadNote[] = "slack.thread_note";
inline constexpr char kJobPostTriage[] = "slack.post_triage";
inline constexpr char kJobOpsAlert[] = "slack.ops_alert";
inline constexpr char kJobAssignRoundRobin[] = "route.assign_round_robin";
inline constexpr char kJobClaimTimeout[] = "route.claim_timeout";
inline constexpr char kJobEnrollNurture[] = "sequence.enroll_nurture";
inline constexpr char kJobSequenceSms[] = "sequence.sms";
inline constexpr char kJobSequenceEmail[] = "sequence.email";
inline constexpr char kJobSequenceWebhook[] = "sequence.webhook";
inline constexpr char kJobSlaRemind[] = "sla.remind";
inline constexpr char kJobSlaEscalate[] = "sla.escalate";
// Ops alert timers (bot/ops/ops_alerts, bot/ops/volume_watch), lead-less:
//   ops.alert_quiet_check {key, opened_ms}: an alert group's timer (its
//                     quiet period, or how long Slack may be down unsaid)
//   ops.volume_watch  {}: the lead volume check; writes its own next run
inline constexpr char kJobAlertCheck[] = "ops.alert_quiet_check";
inline constexpr char kJobVolumeWatch[] = "ops.volume_watch";

// The automated follow-ups a human takeover stops (the CRM override), as
// kind prefixes for JobStore::CancelByLeadAndKinds: sequence steps, SLA
// reminders and the routing timers. The Slack posts and notes that report
// what happened are not follow-ups and still run.
inline const std::vector<std::string> kAutomatedFollowUpKinds = {
    "sequence.", "sla.", kJobClaimTimeout, kJobAssignRoundRobin};

// The job kind of a step on `channel`: "sequence.sms", … (what an opt-out
// on that channel cancels).
const char* SequenceJobKind(pipeline::Channel channel);

// A job row for `kind`, due at `due`, with the configured attempt limit.
storage::NewJob MakeJob(const char* kind, std::optional<int64_t> lead_id,
                        nlohmann::json payload, SystemTime due,
                        const Config& config);

std::vector<storage::NewJob> PlanJobs(const pipeline::RouteDecision& route,
                                      int64_t lead_id, SystemTime now,
                                      const Config& config);

}  // namespace leadrouter
