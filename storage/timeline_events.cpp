#include "storage/timeline_events.h"

#include <sstream>

#include "storage/json_fields.h"

namespace leadrouter::storage {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  return StringField(j, key).value_or("");
}

int64_t Int(const json& j, const char* key, int64_t fallback) {
  return IntField(j, key).value_or(fallback);
}

bool Bool(const json& j, const char* key) { return BoolField(j, key).value_or(false); }

json OrNull(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

const std::vector<EventSpec>& EventSpecs() {
  static const std::vector<EventSpec> kSpecs = {
      {EventKind::kReceived, "received",
       "source status score segment intent reasons honeypot"},
      {EventKind::kDuplicate, "duplicate",
       "matched_key filled new_keys message_added source repeat_count"},
      {EventKind::kConsentRecorded, "consent_recorded",
       "source marketing sms email policy_version"},
      {EventKind::kRouted, "routed", "route reason"},
      {EventKind::kAssigned, "assigned", "agent reason via turn"},
      {EventKind::kUnassigned, "unassigned", "reason"},
      {EventKind::kClaimed, "claimed", "agent latency_s channel"},
      {EventKind::kClaimTimeout, "claim_timeout", "waited agent reason"},
      {EventKind::kReassigned, "reassigned", "from to by"},
      {EventKind::kContacted, "contacted", "by after_s source"},
      {EventKind::kSlackPosted, "slack_posted", "kind channel ts"},
      {EventKind::kSlaReminder, "sla_reminder", "agent waited_s"},
      {EventKind::kSlaEscalated, "sla_escalated",
       "agent waited_s reassigned_to reason"},
      {EventKind::kCrmOverride, "crm_override",
       "event_id type matched_by first_takeover first_contact cancelled_jobs "
       "status occurred_at crm_owner owner summary"},
      {EventKind::kSequenceEnrolled, "sequence_enrolled", "segment steps"},
      {EventKind::kSequenceStepSent, "sequence_step_sent",
       "step channel provider_id"},
      {EventKind::kSequenceStepSkipped, "sequence_step_skipped",
       "step channel reason"},
      {EventKind::kSequenceChannelStopped, "sequence_channel_stopped",
       "step channel detail cancelled_steps"},
      {EventKind::kOptedOut, "opted_out", "channel source detail new"},
      {EventKind::kOptedIn, "opted_in", "channel source detail lifted"},
      {EventKind::kSmsReply, "sms_reply", "text message_sid to"},
      {EventKind::kDeadLetterReplayed, "dead_letter_replayed", "job_id kind by"},
      {EventKind::kDeadLetterDropped, "dead_letter_dropped", "job_id kind by"},
      {EventKind::kEnrichmentRequested, "enrichment_requested",
       "providers deadline_ms held"},
      {EventKind::kEnriched, "enriched", "provider facts missing cached changes"},
      {EventKind::kEnrichmentFailed, "enrichment_failed", "provider reason"},
      {EventKind::kEnrichmentDeadline, "enrichment_deadline", "waited_ms why"},
      {EventKind::kResegmented, "resegmented", "from to reasons rerouted"},
  };
  return kSpecs;
}

const char* ToString(EventKind kind) {
  for (const EventSpec& spec : EventSpecs()) {
    if (spec.kind == kind) return spec.name;
  }
  return "unknown";
}

std::optional<EventKind> EventKindFromString(std::string_view name) {
  for (const EventSpec& spec : EventSpecs()) {
    if (name == spec.name) return spec.kind;
  }
  return std::nullopt;
}

std::vector<std::string> EventFields(EventKind kind) {
  std::vector<std::string> out;
  for (const EventSpec& spec : EventSpecs()) {
    if (spec.kind != kind) continue;
    std::istringstream words(spec.fields);
    for (std::string word; words >> word;) out.push_back(word);
  }
  return out;
}

// --- Encoders: each stored key is named here only.

json Encode(const ReceivedEvent& e) {
  json out = {{"source", e.source}, {"status", e.status},   {"score", e.score},
              {"segment", e.segment}, {"intent", e.intent}, {"reasons", e.reasons}};
  if (e.honeypot) out["honeypot"] = true;
  return out;
}

json Encode(const DuplicateEvent& e) {
  return {{"matched_key", e.matched_key}, {"filled", e.filled},
          {"new_keys", e.new_keys},       {"message_added", e.message_added},
          {"source", e.source},           {"repeat_count", e.repeat_count}};
}

json Encode(const RoutedEvent& e) { return {{"route", e.route}, {"reason", e.reason}}; }

json Encode(const ReassignedEvent& e) {
  return {{"from", OrNull(e.from)}, {"to", e.to}, {"by", e.by}};
}

json Encode(const SlaReminderEvent& e) {
  return {{"agent", e.agent}, {"waited_s", e.waited_s}};
}

json Encode(const SlaEscalatedEvent& e) {
  return {{"agent", e.agent},
          {"waited_s", e.waited_s},
          {"reassigned_to", OrNull(e.reassigned_to)},
          {"reason", e.reason}};
}

json Encode(const SequenceEnrolledEvent& e) {
  return {{"segment", e.segment}, {"steps", e.steps}};
}

json Encode(const SequenceStepSentEvent& e) {
  return {{"step", e.step}, {"channel", e.channel}, {"provider_id", e.provider_id}};
}

json Encode(const SequenceStepSkippedEvent& e) {
  return {{"step", e.step}, {"channel", e.channel}, {"reason", e.reason}};
}

json Encode(const SequenceChannelStoppedEvent& e) {
  return {{"step", e.step},
          {"channel", e.channel},
          {"detail", e.detail},
          {"cancelled_steps", e.cancelled_steps}};
}

json Encode(const SmsReplyEvent& e) {
  return {{"text", e.text}, {"message_sid", e.message_sid}, {"to", e.to}};
}

// --- Decoders.

void DecodeInto(const json& d, ReceivedEvent& out) {
  out.source = Str(d, "source");
  out.status = Str(d, "status");
  out.score = Int(d, "score", 0);
  out.segment = Str(d, "segment");
  out.intent = Str(d, "intent");
  out.reasons = d.is_object() && d.contains("reasons") && d["reasons"].is_array()
                    ? d["reasons"]
                    : json::array();
  out.honeypot = Bool(d, "honeypot");
}

void DecodeInto(const json& d, DuplicateEvent& out) {
  out.matched_key = Str(d, "matched_key");
  out.filled = StringsField(d, "filled");
  out.new_keys = StringsField(d, "new_keys");
  out.message_added = Bool(d, "message_added");
  out.source = Str(d, "source");
  out.repeat_count = Int(d, "repeat_count", 0);
}

void DecodeInto(const json& d, RoutedEvent& out) {
  out.route = Str(d, "route");
  out.reason = Str(d, "reason");
}

void DecodeInto(const json& d, ReassignedEvent& out) {
  out.from = StringField(d, "from");
  out.to = Str(d, "to");
  out.by = Str(d, "by");
}

void DecodeInto(const json& d, SlaReminderEvent& out) {
  out.agent = Str(d, "agent");
  out.waited_s = Int(d, "waited_s", 0);
}

void DecodeInto(const json& d, SlaEscalatedEvent& out) {
  out.agent = Str(d, "agent");
  out.waited_s = Int(d, "waited_s", 0);
  out.reassigned_to = StringField(d, "reassigned_to");
  out.reason = Str(d, "reason");
}

void DecodeInto(const json& d, SequenceEnrolledEvent& out) {
  out.segment = Str(d, "segment");
  out.steps = Int(d, "steps", 0);
}

void DecodeInto(const json& d, SequenceStepSentEvent& out) {
  out.step = Int(d, "step", -1);
  out.channel = Str(d, "channel");
  out.provider_id = Str(d, "provider_id");
}

void DecodeInto(const json& d, SequenceStepSkippedEvent& out) {
  out.step = Int(d, "step", -1);
  out.channel = Str(d, "channel");
  out.reason = Str(d, "reason");
}

void DecodeInto(const json& d, SequenceChannelStoppedEvent& out) {
  out.step = Int(d, "step", -1);
  out.channel = Str(d, "channel");
  out.detail = Str(d, "detail");
  out.cancelled_steps = Int(d, "cancelled_steps", 0);
}

void DecodeInto(const json& d, SmsReplyEvent& out) {
  out.text = Str(d, "text");
  out.message_sid = Str(d, "message_sid");
  out.to = Str(d, "to");
}

}  // namespace leadrouter::storage
