// Every job kind and its payload, encoded and decoded here and nowhere else.
// A job row is (kind, lead_id, payload JSON); the writers build a payload
// struct, the executors decode the same struct, so a key cannot be written
// under one name and read under another. Pure values: no SQLite, no clock,
// no network, usable from decisions inside a storage transaction and from
// executors alike.
//
// Decoding never throws: a missing or mistyped field reads as its default,
// and the shapes written by earlier versions (still in a database) decode
// too (see each payload).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace leadrouter {

// The stored kind names. The runner registers executors by these, and the
// CRM override cancels by their prefixes; JobKind below is the same list.
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
inline constexpr char kJobAlertCheck[] = "ops.alert_quiet_check";
inline constexpr char kJobVolumeWatch[] = "ops.volume_watch";
inline constexpr char kJobParseEmail[] = "email.parse";
inline constexpr char kJobImapPoll[] = "email.imap_poll";
inline constexpr char kJobEmailRetention[] = "email.retention";
inline constexpr char kJobRefreshLeadCard[] = "slack.refresh_lead_card";
inline constexpr char kJobEnrichLookup[] = "route.enrich_lookup";
inline constexpr char kJobEnrichDeadline[] = "route.enrich_deadline";
inline constexpr char kJobLlmClassify[] = "route.llm_classify";

enum class JobKind {
  // Slack effects (bot/slack/slack_jobs).
  kPostSharkTank,
  kUpdateLeadPost,
  kDmLeadCard,
  kEphemeral,
  kDmNote,
  kThreadNote,
  kPostTriage,
  kOpsAlert,
  // Routing decisions run on the storage writer (bot/routing/routing_jobs).
  kAssignRoundRobin,
  kClaimTimeout,
  // Follow-up (bot/follow_up/sequence_jobs).
  kEnrollNurture,
  kSequenceSms,
  kSequenceEmail,
  kSequenceWebhook,
  // First-contact SLA timers (bot/sla/sla_jobs).
  kSlaRemind,
  kSlaEscalate,
  // Ops timers, lead-less (bot/ops/ops_alerts, bot/ops/volume_watch).
  kAlertCheck,
  kVolumeWatch,
  // Inbound e-mail (bot/email/email_service).
  kParseEmail,
  // The IMAP poller's next poll (bot/email/imap_poller).
  kImapPoll,
  // Inbound e-mail housekeeping (bot/email/email_retention).
  kEmailRetention,
  // Enrichment (bot/enrichment/enrichment_jobs): a lookup, the deadline
  // after which the lead routes without it, and the card shown again with
  // what arrived.
  kRefreshLeadCard,
  kEnrichLookup,
  kEnrichDeadline,
  // The language model's reading of an unsure lead
  // (bot/classifier/llm_jobs); its wait ends with enrichment's deadline.
  kLlmClassify,
};

inline constexpr JobKind kAllJobKinds[] = {
    JobKind::kPostSharkTank,  JobKind::kUpdateLeadPost, JobKind::kDmLeadCard,
    JobKind::kEphemeral,      JobKind::kDmNote,         JobKind::kThreadNote,
    JobKind::kPostTriage,     JobKind::kOpsAlert,       JobKind::kAssignRoundRobin,
    JobKind::kClaimTimeout,   JobKind::kEnrollNurture,  JobKind::kSequenceSms,
    JobKind::kSequenceEmail,  JobKind::kSequenceWebhook, JobKind::kSlaRemind,
    JobKind::kSlaEscalate,    JobKind::kAlertCheck,     JobKind::kVolumeWatch,
    JobKind::kParseEmail,
    JobKind::kImapPoll,
    JobKind::kEmailRetention,
    JobKind::kRefreshLeadCard, JobKind::kEnrichLookup,  JobKind::kEnrichDeadline,
    JobKind::kLlmClassify};

// The stored name ("slack.post_shark_tank") and back; nullopt for a name
// this version does not know.
const char* ToString(JobKind kind);
std::optional<JobKind> JobKindFromString(std::string_view name);

// --- Payloads, one type per kind (the sequence steps share one, as do the
// two SLA timers: the kind says which). `lead_id` is the job's own column.

// The hot lead's post with a Claim button. Empty (rows written before
// carried the route and its reason, never read).
struct PostSharkTankJob {
  static constexpr JobKind kKind = JobKind::kPostSharkTank;
  // A first_to_claim pool's post: its channel, the pool, and the route's
  // reason the post shows. All empty: slack.shark_tank_channel, no reason.
  std::string channel = {};
  std::string pool = {};
  std::string reason = {};
  bool operator==(const PostSharkTankJob&) const = default;
};

// Re-render the lead's shark-tank post (claimed, assigned, taken over).
struct UpdateLeadPostJob {
  static constexpr JobKind kKind = JobKind::kUpdateLeadPost;
  std::string status_line;  // "" lets the post say who owns it
  bool operator==(const UpdateLeadPostJob&) const = default;
};

// The full lead card to its owner by DM, with why they got it.
struct DmLeadCardJob {
  static constexpr JobKind kKind = JobKind::kDmLeadCard;
  std::string agent;
  std::string reason;
  bool operator==(const DmLeadCardJob&) const = default;
};

// A reply only `user` sees; posted for all when `in_channel` (or no user).
struct EphemeralJob {
  static constexpr JobKind kKind = JobKind::kEphemeral;
  std::string channel;
  std::string user;
  std::string text;  // the fallback when `blocks` are shown
  bool in_channel = false;
  std::optional<nlohmann::json> blocks = std::nullopt;  // Block Kit, an array
  // A clicked button's response_url: answers the clicker at once, past the
  // pace chat.postEphemeral is held to.
  std::optional<std::string> response_url = std::nullopt;
  bool operator==(const EphemeralJob&) const = default;
};

// A short DM to an agent (a reminder, a reassignment).
struct DmNoteJob {
  static constexpr JobKind kKind = JobKind::kDmNote;
  std::string agent;
  std::string text;
  bool operator==(const DmNoteJob&) const = default;
};

// A reply in the thread of the lead's post (or of its DM card).
struct ThreadNoteJob {
  static constexpr JobKind kKind = JobKind::kThreadNote;
  std::string text;
  bool operator==(const ThreadNoteJob&) const = default;
};

// A lead nobody could take, to the triage channel.
struct PostTriageJob {
  static constexpr JobKind kKind = JobKind::kPostTriage;
  std::string reason;
  bool operator==(const PostTriageJob&) const = default;
};

// A message to the ops channel. Stored flat: title, detail, group and the
// facts side by side, so `leadrouter dlq` shows them as they were.
struct OpsAlertJob {
  static constexpr JobKind kKind = JobKind::kOpsAlert;
  std::string title;
  std::optional<std::string> detail = std::nullopt;  // else the facts are listed
  std::optional<std::string> group = std::nullopt;  // its alert group
  // "alert" (an outage opens) or "note" (it is over); an alert opened at
  // `opened_ms` is worded again when it reaches Slack after its outage.
  std::optional<std::string> role = std::nullopt;
  std::optional<int64_t> opened_ms = std::nullopt;
  nlohmann::json facts = nlohmann::json::object();  // any other fields
  bool operator==(const OpsAlertJob&) const = default;
};

// Give the lead to the next agent in the rotation. `route_reason` is the
// route decision that sent it there (a standard lead's "WARM_BUYER: …"),
// stored as "reason" before it had its own key; `why` starts the
// rotation's own reason ("round-robin", "returning lead").
struct AssignRoundRobinJob {
  static constexpr JobKind kKind = JobKind::kAssignRoundRobin;
  std::string route_reason;
  std::string why = "round-robin";
  bool returning = false;  // a duplicate inquiry: back to its owner first
  std::string pool = {};   // the round-robin pool ([[pools]]); empty: the rotation
  bool operator==(const AssignRoundRobinJob&) const = default;
};

// An unclaimed hot lead falls back to the rotation (written with the post,
// due `slack.claim_timeout` after it). Empty, like PostSharkTankJob.
struct ClaimTimeoutJob {
  static constexpr JobKind kKind = JobKind::kClaimTimeout;
  std::string pool = {};  // the first_to_claim pool whose fallback follows; empty: none
  bool operator==(const ClaimTimeoutJob&) const = default;
};

// Rows written for nurture leads before enrolment moved into the intake's
// transaction; read only, never written now.
struct EnrollNurtureJob {
  static constexpr JobKind kKind = JobKind::kEnrollNurture;
  bool operator==(const EnrollNurtureJob&) const = default;
};

// Step `step` of the segment's sequence in config (sequence.sms, .email,
// .webhook: the kind is the channel), enrolled at `enrolled_ms`.
struct SequenceStepJob {
  std::string segment;
  int64_t step = -1;
  int64_t enrolled_ms = 0;
  bool operator==(const SequenceStepJob&) const = default;
};

// A first-contact timer (sla.remind, sla.escalate) of one assignment:
// `since_ms` is the lead's claimed_at when `agent` got it.
struct SlaTimerJob {
  std::string agent;
  int64_t since_ms = -1;
  bool operator==(const SlaTimerJob&) const = default;
};

// An alert group's timer (its quiet period, or how long Slack may be down).
struct AlertCheckJob {
  static constexpr JobKind kKind = JobKind::kAlertCheck;
  std::string key;
  std::optional<int64_t> opened_ms = std::nullopt;
  bool operator==(const AlertCheckJob&) const = default;
};

// The lead volume check; each run writes the next.
struct VolumeWatchJob {
  static constexpr JobKind kKind = JobKind::kVolumeWatch;
  bool operator==(const VolumeWatchJob&) const = default;
};

// A stored e-mail to read (again, after its source's rule was fixed, when
// `replay`).
struct ParseEmailJob {
  static constexpr JobKind kKind = JobKind::kParseEmail;
  int64_t email_id = 0;
  bool replay = false;
  bool operator==(const ParseEmailJob&) const = default;
};

// One poll of the IMAP mailbox; each run writes the next.
struct ImapPollJob {
  static constexpr JobKind kKind = JobKind::kImapPoll;
  bool operator==(const ImapPollJob&) const = default;
};

// The periodic purge of kept not-a-lead mail; each run writes the next.
struct EmailRetentionJob {
  static constexpr JobKind kKind = JobKind::kEmailRetention;
  bool operator==(const EmailRetentionJob&) const = default;
};

// Show the lead's post, DM card and triage post again, in place, as the
// lead now stands (enrichment arrived after they went out).
struct RefreshLeadCardJob {
  static constexpr JobKind kKind = JobKind::kRefreshLeadCard;
  bool operator==(const RefreshLeadCardJob&) const = default;
};

// Look the lead up at one provider ("property": by address, ZIP and MLS
// id; "person": by e-mail). The keys are the lead's at intake.
struct EnrichLookupJob {
  static constexpr JobKind kKind = JobKind::kEnrichLookup;
  std::string provider;
  std::string address = {};
  std::string zip = {};
  std::string mls_id = {};
  std::string email = {};
  bool operator==(const EnrichLookupJob&) const = default;
};

// The lead stops waiting for its lookups and is routed with what it has.
struct EnrichDeadlineJob {
  static constexpr JobKind kKind = JobKind::kEnrichDeadline;
  bool operator==(const EnrichDeadlineJob&) const = default;
};

// Ask the language model what the lead's cleaned text says. `held`:
// routing waits for the answer (or the deadline).
struct LlmClassifyJob {
  static constexpr JobKind kKind = JobKind::kLlmClassify;
  std::string text;
  bool held = false;
  bool operator==(const LlmClassifyJob&) const = default;
};

using JobPayload =
    std::variant<PostSharkTankJob, UpdateLeadPostJob, DmLeadCardJob,
                 EphemeralJob, DmNoteJob, ThreadNoteJob, PostTriageJob,
                 OpsAlertJob, AssignRoundRobinJob, ClaimTimeoutJob,
                 EnrollNurtureJob, SequenceStepJob, SlaTimerJob, AlertCheckJob,
                 VolumeWatchJob, ParseEmailJob, ImapPollJob, EmailRetentionJob,
                 RefreshLeadCardJob, EnrichLookupJob, EnrichDeadlineJob,
                 LlmClassifyJob>;

// The stored JSON of a payload (always an object).
nlohmann::json Encode(const PostSharkTankJob& p);
nlohmann::json Encode(const UpdateLeadPostJob& p);
nlohmann::json Encode(const DmLeadCardJob& p);
nlohmann::json Encode(const EphemeralJob& p);
nlohmann::json Encode(const DmNoteJob& p);
nlohmann::json Encode(const ThreadNoteJob& p);
nlohmann::json Encode(const PostTriageJob& p);
nlohmann::json Encode(const OpsAlertJob& p);
nlohmann::json Encode(const AssignRoundRobinJob& p);
nlohmann::json Encode(const ClaimTimeoutJob& p);
nlohmann::json Encode(const EnrollNurtureJob& p);
nlohmann::json Encode(const SequenceStepJob& p);
nlohmann::json Encode(const SlaTimerJob& p);
nlohmann::json Encode(const AlertCheckJob& p);
nlohmann::json Encode(const VolumeWatchJob& p);
nlohmann::json Encode(const ParseEmailJob& p);
nlohmann::json Encode(const ImapPollJob& p);
nlohmann::json Encode(const EmailRetentionJob& p);
nlohmann::json Encode(const RefreshLeadCardJob& p);
nlohmann::json Encode(const EnrichLookupJob& p);
nlohmann::json Encode(const EnrichDeadlineJob& p);
nlohmann::json Encode(const LlmClassifyJob& p);
nlohmann::json Encode(const JobPayload& p);

// Reads stored JSON into `out`, old shapes included; fields the JSON lacks
// keep their defaults.
void DecodeInto(const nlohmann::json& payload, PostSharkTankJob& out);
void DecodeInto(const nlohmann::json& payload, UpdateLeadPostJob& out);
void DecodeInto(const nlohmann::json& payload, DmLeadCardJob& out);
void DecodeInto(const nlohmann::json& payload, EphemeralJob& out);
void DecodeInto(const nlohmann::json& payload, DmNoteJob& out);
void DecodeInto(const nlohmann::json& payload, ThreadNoteJob& out);
void DecodeInto(const nlohmann::json& payload, PostTriageJob& out);
void DecodeInto(const nlohmann::json& payload, OpsAlertJob& out);
void DecodeInto(const nlohmann::json& payload, AssignRoundRobinJob& out);
void DecodeInto(const nlohmann::json& payload, ClaimTimeoutJob& out);
void DecodeInto(const nlohmann::json& payload, EnrollNurtureJob& out);
void DecodeInto(const nlohmann::json& payload, SequenceStepJob& out);
void DecodeInto(const nlohmann::json& payload, SlaTimerJob& out);
void DecodeInto(const nlohmann::json& payload, AlertCheckJob& out);
void DecodeInto(const nlohmann::json& payload, VolumeWatchJob& out);
void DecodeInto(const nlohmann::json& payload, ParseEmailJob& out);
void DecodeInto(const nlohmann::json& payload, ImapPollJob& out);
void DecodeInto(const nlohmann::json& payload, EmailRetentionJob& out);
void DecodeInto(const nlohmann::json& payload, RefreshLeadCardJob& out);
void DecodeInto(const nlohmann::json& payload, EnrichLookupJob& out);
void DecodeInto(const nlohmann::json& payload, EnrichDeadlineJob& out);
void DecodeInto(const nlohmann::json& payload, LlmClassifyJob& out);

// The payload as `T`: `Decode<DmLeadCardJob>(job.payload)`.
template <typename T>
T Decode(const nlohmann::json& payload) {
  T out;
  DecodeInto(payload, out);
  return out;
}

// The payload of a job of `kind`: the alternative that kind carries.
JobPayload DecodePayload(JobKind kind, const nlohmann::json& payload);

// Whether `payload` is the type jobs of `kind` carry.
bool Carries(JobKind kind, const JobPayload& payload);

}  // namespace leadrouter
