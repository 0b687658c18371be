#include "bot/runtime/job_kinds.h"

#include <iterator>

#include "storage/json_fields.h"

namespace leadrouter {
namespace {

using nlohmann::json;

struct KindName {
  JobKind kind;
  const char* name;
};

constexpr KindName kKindNames[] = {
    {JobKind::kPostSharkTank, kJobPostSharkTank},
    {JobKind::kUpdateLeadPost, kJobUpdateLeadPost},
    {JobKind::kDmLeadCard, kJobDmLeadCard},
    {JobKind::kEphemeral, kJobEphemeral},
    {JobKind::kDmNote, kJobDmNote},
    {JobKind::kThreadNote, kJobThreadNote},
    {JobKind::kPostTriage, kJobPostTriage},
    {JobKind::kOpsAlert, kJobOpsAlert},
    {JobKind::kAssignRoundRobin, kJobAssignRoundRobin},
    {JobKind::kClaimTimeout, kJobClaimTimeout},
    {JobKind::kEnrollNurture, kJobEnrollNurture},
    {JobKind::kSequenceSms, kJobSequenceSms},
    {JobKind::kSequenceEmail, kJobSequenceEmail},
    {JobKind::kSequenceWebhook, kJobSequenceWebhook},
    {JobKind::kSlaRemind, kJobSlaRemind},
    {JobKind::kSlaEscalate, kJobSlaEscalate},
    {JobKind::kAlertCheck, kJobAlertCheck},
    {JobKind::kVolumeWatch, kJobVolumeWatch},
    {JobKind::kParseEmail, kJobParseEmail},
    {JobKind::kImapPoll, kJobImapPoll},
    {JobKind::kEmailRetention, kJobEmailRetention},
    {JobKind::kRefreshLeadCard, kJobRefreshLeadCard},
    {JobKind::kEnrichLookup, kJobEnrichLookup},
    {JobKind::kEnrichDeadline, kJobEnrichDeadline},
    {JobKind::kLlmClassify, kJobLlmClassify},
};
static_assert(std::size(kKindNames) == std::size(kAllJobKinds),
              "every job kind has exactly one stored name");

// Stored rows are read whatever wrote them (storage/json_fields.h).
std::string Str(const json& j, const char* key, std::string fallback = "") {
  return storage::StringField(j, key).value_or(std::move(fallback));
}

}  // namespace

const char* ToString(JobKind kind) {
  for (const KindName& k : kKindNames) {
    if (k.kind == kind) return k.name;
  }
  return "unknown";
}

std::optional<JobKind> JobKindFromString(std::string_view name) {
  for (const KindName& k : kKindNames) {
    if (name == k.name) return k.kind;
  }
  return std::nullopt;
}

// --- Encoders: the stored key of each field is named here only.

json Encode(const PostSharkTankJob& p) {
  json out = json::object();
  if (!p.channel.empty()) out["channel"] = p.channel;
  if (!p.pool.empty()) out["pool"] = p.pool;
  if (!p.reason.empty()) out["reason"] = p.reason;
  return out;
}

json Encode(const UpdateLeadPostJob& p) {
  json out = json::object();
  if (!p.status_line.empty()) out["status_line"] = p.status_line;
  return out;
}

json Encode(const DmLeadCardJob& p) {
  return {{"agent", p.agent}, {"reason", p.reason}};
}

json Encode(const EphemeralJob& p) {
  json out = {{"channel", p.channel}, {"user", p.user}, {"text", p.text}};
  out["in_channel"] = p.in_channel;
  if (p.blocks) out["blocks"] = *p.blocks;
  if (p.response_url) out["response_url"] = *p.response_url;
  return out;
}

json Encode(const DmNoteJob& p) { return {{"agent", p.agent}, {"text", p.text}}; }

json Encode(const ThreadNoteJob& p) { return {{"text", p.text}}; }

json Encode(const PostTriageJob& p) { return {{"reason", p.reason}}; }

json Encode(const OpsAlertJob& p) {
  json out = p.facts.is_object() ? p.facts : json::object();
  out["title"] = p.title;
  if (p.detail) out["detail"] = *p.detail;
  if (p.group) out["group"] = *p.group;
  if (p.role) out["role"] = *p.role;
  if (p.opened_ms) out["opened_ms"] = *p.opened_ms;
  return out;
}

json Encode(const AssignRoundRobinJob& p) {
  json out = {{"why", p.why}, {"returning", p.returning}};
  if (!p.route_reason.empty()) out["route_reason"] = p.route_reason;
  if (!p.pool.empty()) out["pool"] = p.pool;
  return out;
}

json Encode(const ClaimTimeoutJob& p) {
  json out = json::object();
  if (!p.pool.empty()) out["pool"] = p.pool;
  return out;
}

json Encode(const EnrollNurtureJob&) { return json::object(); }

json Encode(const SequenceStepJob& p) {
  return {{"segment", p.segment}, {"step", p.step}, {"enrolled_ms", p.enrolled_ms}};
}

json Encode(const SlaTimerJob& p) {
  return {{"agent", p.agent}, {"since_ms", p.since_ms}};
}

json Encode(const AlertCheckJob& p) {
  json out = {{"key", p.key}};
  if (p.opened_ms) out["opened_ms"] = *p.opened_ms;
  return out;
}

json Encode(const VolumeWatchJob&) { return json::object(); }
json Encode(const RefreshLeadCardJob&) { return json::object(); }
json Encode(const EnrichLookupJob& p) {
  return {{"provider", p.provider}, {"address", p.address}, {"zip", p.zip},
          {"mls_id", p.mls_id},     {"email", p.email}};
}
json Encode(const EnrichDeadlineJob&) { return json::object(); }
json Encode(const LlmClassifyJob& p) {
  return {{"text", p.text}, {"held", p.held}};
}

json Encode(const ParseEmailJob& p) {
  json out = {{"email_id", p.email_id}};
  if (p.replay) out["replay"] = true;
  return out;
}
json Encode(const ImapPollJob&) { return json::object(); }
json Encode(const EmailRetentionJob&) { return json::object(); }

json Encode(const JobPayload& p) {
  return std::visit([](const auto& payload) { return Encode(payload); }, p);
}

// --- Decoders.

void DecodeInto(const json& j, PostSharkTankJob& out) {
  out.channel = Str(j, "channel");
  out.pool = Str(j, "pool");
  // Rows from before pools carried the route's reason, unread: only a
  // pool's post shows one.
  out.reason = out.pool.empty() ? "" : Str(j, "reason");
}

void DecodeInto(const json& j, UpdateLeadPostJob& out) {
  out.status_line = Str(j, "status_line");
}

void DecodeInto(const json& j, DmLeadCardJob& out) {
  out.agent = Str(j, "agent");
  out.reason = Str(j, "reason");
}

void DecodeInto(const json& j, EphemeralJob& out) {
  out.channel = Str(j, "channel");
  out.user = Str(j, "user");
  out.text = Str(j, "text");
  out.in_channel = storage::BoolField(j, "in_channel").value_or(false);
  out.response_url = storage::StringField(j, "response_url");
  out.blocks.reset();
  if (j.is_object()) {
    auto blocks = j.find("blocks");
    if (blocks != j.end() && blocks->is_array() && !blocks->empty()) {
      out.blocks = *blocks;
    }
  }
}

void DecodeInto(const json& j, DmNoteJob& out) {
  out.agent = Str(j, "agent");
  out.text = Str(j, "text");
}

void DecodeInto(const json& j, ThreadNoteJob& out) { out.text = Str(j, "text"); }

void DecodeInto(const json& j, PostTriageJob& out) { out.reason = Str(j, "reason"); }

void DecodeInto(const json& j, OpsAlertJob& out) {
  out.title = Str(j, "title");
  out.detail = storage::StringField(j, "detail");
  out.group = storage::StringField(j, "group");
  out.role = storage::StringField(j, "role");
  if (j.is_object() && j.contains("opened_ms") && j["opened_ms"].is_number_integer()) {
    out.opened_ms = j["opened_ms"].get<int64_t>();
  }
  out.facts = json::object();
  if (!j.is_object()) return;
  for (const auto& [key, value] : j.items()) {
    if (key == "title" || (key == "detail" && out.detail) ||
        (key == "group" && out.group) || (key == "role" && out.role) ||
        (key == "opened_ms" && out.opened_ms)) {
      continue;
    }
    out.facts[key] = value;
  }
}

void DecodeInto(const json& j, AssignRoundRobinJob& out) {
  // Rows planned for a standard lead before the key had its name kept the
  // route's reason under "reason" (and no "why").
  out.route_reason = storage::StringField(j, "route_reason").value_or(Str(j, "reason"));
  out.why = Str(j, "why", "round-robin");
  out.returning = storage::BoolField(j, "returning").value_or(false);
  out.pool = Str(j, "pool");
}

void DecodeInto(const json& j, ClaimTimeoutJob& out) { out.pool = Str(j, "pool"); }

void DecodeInto(const json&, EnrollNurtureJob&) {}

void DecodeInto(const json& j, SequenceStepJob& out) {
  out.segment = Str(j, "segment");
  out.step = storage::IntField(j, "step").value_or(-1);
  out.enrolled_ms = storage::IntField(j, "enrolled_ms").value_or(0);
}

void DecodeInto(const json& j, SlaTimerJob& out) {
  out.agent = Str(j, "agent");
  out.since_ms = storage::IntField(j, "since_ms").value_or(-1);
}

void DecodeInto(const json& j, AlertCheckJob& out) {
  out.key = Str(j, "key");
  out.opened_ms = storage::IntField(j, "opened_ms");
}

void DecodeInto(const json&, VolumeWatchJob&) {}
void DecodeInto(const json&, RefreshLeadCardJob&) {}
void DecodeInto(const json& j, EnrichLookupJob& out) {
  out.provider = Str(j, "provider");
  out.address = Str(j, "address");
  out.zip = Str(j, "zip");
  out.mls_id = Str(j, "mls_id");
  out.email = Str(j, "email");
}
void DecodeInto(const json&, EnrichDeadlineJob&) {}
void DecodeInto(const json& j, LlmClassifyJob& out) {
  out.text = Str(j, "text");
  out.held = j.is_object() && j.contains("held") && j["held"].is_boolean() &&
             j["held"].get<bool>();
}

void DecodeInto(const json& j, ParseEmailJob& out) {
  out.email_id = storage::IntField(j, "email_id").value_or(0);
  out.replay = storage::BoolField(j, "replay").value_or(false);
}
void DecodeInto(const json&, ImapPollJob&) {}
void DecodeInto(const json&, EmailRetentionJob&) {}

JobPayload DecodePayload(JobKind kind, const json& payload) {
  switch (kind) {
    case JobKind::kPostSharkTank:
      return Decode<PostSharkTankJob>(payload);
    case JobKind::kUpdateLeadPost:
      return Decode<UpdateLeadPostJob>(payload);
    case JobKind::kDmLeadCard:
      return Decode<DmLeadCardJob>(payload);
    case JobKind::kEphemeral:
      return Decode<EphemeralJob>(payload);
    case JobKind::kDmNote:
      return Decode<DmNoteJob>(payload);
    case JobKind::kThreadNote:
      return Decode<ThreadNoteJob>(payload);
    case JobKind::kPostTriage:
      return Decode<PostTriageJob>(payload);
    case JobKind::kOpsAlert:
      return Decode<OpsAlertJob>(payload);
    case JobKind::kAssignRoundRobin:
      return Decode<AssignRoundRobinJob>(payload);
    case JobKind::kClaimTimeout:
      return Decode<ClaimTimeoutJob>(payload);
    case JobKind::kEnrollNurture:
      return Decode<EnrollNurtureJob>(payload);
    case JobKind::kSequenceSms:
    case JobKind::kSequenceEmail:
    case JobKind::kSequenceWebhook:
      return Decode<SequenceStepJob>(payload);
    case JobKind::kSlaRemind:
    case JobKind::kSlaEscalate:
      return Decode<SlaTimerJob>(payload);
    case JobKind::kAlertCheck:
      return Decode<AlertCheckJob>(payload);
    case JobKind::kVolumeWatch:
      return Decode<VolumeWatchJob>(payload);
    case JobKind::kParseEmail:
      return Decode<ParseEmailJob>(payload);
    case JobKind::kImapPoll:
      return Decode<ImapPollJob>(payload);
    case JobKind::kEmailRetention:
      return Decode<EmailRetentionJob>(payload);
    case JobKind::kRefreshLeadCard:
      return Decode<RefreshLeadCardJob>(payload);
    case JobKind::kEnrichLookup:
      return Decode<EnrichLookupJob>(payload);
    case JobKind::kEnrichDeadline:
      return Decode<EnrichDeadlineJob>(payload);
    case JobKind::kLlmClassify:
      return Decode<LlmClassifyJob>(payload);
  }
  return PostSharkTankJob{};
}

bool Carries(JobKind kind, const JobPayload& payload) {
  // The alternative DecodePayload picks for `kind` is the one it carries.
  return DecodePayload(kind, json::object()).index() == payload.index();
}

}  // namespace leadrouter
