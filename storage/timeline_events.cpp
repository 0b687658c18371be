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

json ArrayOf(const json& d, const char* key) {
  return d.is_object() && d.contains(key) && d[key].is_array() ? d[key] : json::array();
}

json ObjectOrNull(const json& d, const char* key) {
  return d.is_object() && d.contains(key) && d[key].is_object() ? d[key] : json(nullptr);
}

void PutIf(json& out, const char* key, const std::optional<bool>& value) {
  if (value) out[key] = *value;
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
      {EventKind::kRouted, "routed", "route reason tried pool matched"},
      {EventKind::kAssigned, "assigned", "agent reason via turn pool"},
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
      {EventKind::kPoolSkipped, "pool_skipped", "reason"},
      {EventKind::kEmailReceived, "email_received", "email_id source why forwarded_by"},
      {EventKind::kEnrichmentRequested, "enrichment_requested",
       "providers deadline_ms held"},
      {EventKind::kEnriched, "enriched", "provider facts missing cached changes"},
      {EventKind::kEnrichmentFailed, "enrichment_failed", "provider reason"},
      {EventKind::kEnrichmentDeadline, "enrichment_deadline", "waited_ms why"},
      {EventKind::kResegmented, "resegmented", "from to reasons rerouted"},
      {EventKind::kLlmRequested, "llm_requested",
       "model prompt_version why held deadline_ms"},
      {EventKind::kLlmClassified, "llm_classified",
       "model prompt_version intent segment lead_type confidence evidence "
       "latency_ms cached applied"},
      {EventKind::kLlmFailed, "llm_failed", "model reason latency_ms"},
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

json Encode(const RoutedEvent& e) {
  json out = {{"route", e.route}, {"reason", e.reason}};
  if (e.tried.is_array() && !e.tried.empty()) out["tried"] = e.tried;
  if (!e.pool.empty()) out["pool"] = e.pool;
  if (!e.matched.empty()) out["matched"] = e.matched;
  return out;
}

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

json Encode(const ConsentRecordedEvent& e) {
  json out = {{"source", e.source}};
  PutIf(out, "marketing", e.marketing);
  PutIf(out, "sms", e.sms);
  PutIf(out, "email", e.email);
  if (!e.policy_version.empty()) out["policy_version"] = e.policy_version;
  return out;
}

json Encode(const AssignedEvent& e) {
  json out = {{"agent", e.agent}, {"reason", e.reason}, {"via", e.via}};
  if (e.turn) out["turn"] = *e.turn;
  if (!e.pool.empty()) out["pool"] = e.pool;
  return out;
}

json Encode(const UnassignedEvent& e) { return {{"reason", e.reason}}; }

json Encode(const ClaimedEvent& e) {
  return {{"agent", e.agent}, {"latency_s", e.latency_s}, {"channel", e.channel}};
}

json Encode(const ClaimTimeoutEvent& e) {
  return {{"waited", e.waited}, {"agent", OrNull(e.agent)}, {"reason", e.reason}};
}

json Encode(const ContactedEvent& e) {
  return {{"by", e.by}, {"after_s", e.after_s}, {"source", e.source}};
}

json Encode(const SlackPostedEvent& e) {
  return {{"kind", e.kind}, {"channel", e.channel}, {"ts", e.ts}};
}

json Encode(const CrmOverrideEvent& e) {
  json out = {{"event_id", e.event_id},
              {"type", e.type},
              {"matched_by", e.matched_by},
              {"first_takeover", e.first_takeover},
              {"cancelled_jobs", e.cancelled_jobs}};
  PutIf(out, "first_contact", e.first_contact);
  if (e.status) out["status"] = *e.status;
  if (!e.occurred_at.empty()) out["occurred_at"] = e.occurred_at;
  if (e.crm_owner.is_object()) out["crm_owner"] = e.crm_owner;
  if (e.owner.is_object()) out["owner"] = e.owner;
  out["summary"] = e.summary;
  return out;
}

json Encode(const OptedOutEvent& e) {
  return {{"channel", e.channel}, {"source", e.source}, {"detail", e.detail}, {"new", e.is_new}};
}

json Encode(const OptedInEvent& e) {
  return {{"channel", e.channel}, {"source", e.source}, {"detail", e.detail}, {"lifted", e.lifted}};
}

json Encode(const DeadLetterReplayedEvent& e) {
  return {{"job_id", e.job_id}, {"kind", e.kind}, {"by", e.by}};
}

json Encode(const DeadLetterDroppedEvent& e) {
  return {{"job_id", e.job_id}, {"kind", e.kind}, {"by", e.by}};
}

json Encode(const PoolSkippedEvent& e) { return {{"reason", e.reason}}; }

json Encode(const EmailReceivedEvent& e) {
  json out = {{"email_id", e.email_id}, {"source", e.source}, {"why", e.why}};
  if (!e.forwarded_by.empty()) out["forwarded_by"] = e.forwarded_by;
  return out;
}

json Encode(const EnrichmentRequestedEvent& e) {
  return {{"providers", e.providers}, {"deadline_ms", e.deadline_ms}, {"held", e.held}};
}

json Encode(const EnrichedEvent& e) {
  return {{"provider", e.provider}, {"facts", e.facts}, {"missing", e.missing},
          {"cached", e.cached},     {"changes", e.changes}};
}

json Encode(const EnrichmentFailedEvent& e) {
  return {{"provider", e.provider}, {"reason", e.reason}};
}

json Encode(const EnrichmentDeadlineEvent& e) {
  return {{"waited_ms", e.waited_ms}, {"why", e.why}};
}

json Encode(const ResegmentedEvent& e) {
  return {{"from", e.from}, {"to", e.to}, {"reasons", e.reasons}, {"rerouted", e.rerouted}};
}

json Encode(const LlmRequestedEvent& e) {
  return {{"model", e.model}, {"prompt_version", e.prompt_version}, {"why", e.why},
          {"held", e.held},   {"deadline_ms", e.deadline_ms}};
}

json Encode(const LlmClassifiedEvent& e) {
  return {{"model", e.model},           {"prompt_version", e.prompt_version},
          {"intent", e.intent},         {"segment", e.segment},
          {"lead_type", e.lead_type},   {"confidence", e.confidence},
          {"evidence", e.evidence},     {"latency_ms", e.latency_ms},
          {"cached", e.cached},         {"applied", e.applied}};
}

json Encode(const LlmFailedEvent& e) {
  return {{"model", e.model}, {"reason", e.reason}, {"latency_ms", e.latency_ms}};
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
  out.tried = ArrayOf(d, "tried");
  out.pool = Str(d, "pool");
  out.matched = Str(d, "matched");
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

void DecodeInto(const json& d, ConsentRecordedEvent& out) {
  out.source = Str(d, "source");
  out.marketing = BoolField(d, "marketing");
  out.sms = BoolField(d, "sms");
  out.email = BoolField(d, "email");
  out.policy_version = Str(d, "policy_version");
}

void DecodeInto(const json& d, AssignedEvent& out) {
  out.agent = Str(d, "agent");
  out.reason = Str(d, "reason");
  out.via = Str(d, "via");
  out.turn = IntField(d, "turn");
  out.pool = Str(d, "pool");
}

void DecodeInto(const json& d, UnassignedEvent& out) { out.reason = Str(d, "reason"); }

void DecodeInto(const json& d, ClaimedEvent& out) {
  out.agent = Str(d, "agent");
  out.latency_s = Int(d, "latency_s", 0);
  out.channel = Str(d, "channel");
}

void DecodeInto(const json& d, ClaimTimeoutEvent& out) {
  out.waited = Str(d, "waited");
  out.agent = StringField(d, "agent");
  out.reason = Str(d, "reason");
}

void DecodeInto(const json& d, ContactedEvent& out) {
  out.by = Str(d, "by");
  out.after_s = Int(d, "after_s", 0);
  out.source = Str(d, "source");
}

void DecodeInto(const json& d, SlackPostedEvent& out) {
  out.kind = Str(d, "kind");
  out.channel = Str(d, "channel");
  out.ts = Str(d, "ts");
}

void DecodeInto(const json& d, CrmOverrideEvent& out) {
  out.event_id = Str(d, "event_id");
  out.type = Str(d, "type");
  out.matched_by = Str(d, "matched_by");
  out.first_takeover = Bool(d, "first_takeover");
  out.first_contact = BoolField(d, "first_contact");
  out.cancelled_jobs = Int(d, "cancelled_jobs", 0);
  out.status = StringField(d, "status");
  out.occurred_at = Str(d, "occurred_at");
  out.crm_owner = ObjectOrNull(d, "crm_owner");
  out.owner = ObjectOrNull(d, "owner");
  out.summary = Str(d, "summary");
}

void DecodeInto(const json& d, OptedOutEvent& out) {
  out.channel = Str(d, "channel");
  out.source = Str(d, "source");
  out.detail = Str(d, "detail");
  out.is_new = Bool(d, "new");
}

void DecodeInto(const json& d, OptedInEvent& out) {
  out.channel = Str(d, "channel");
  out.source = Str(d, "source");
  out.detail = Str(d, "detail");
  out.lifted = Bool(d, "lifted");
}

void DecodeInto(const json& d, DeadLetterReplayedEvent& out) {
  out.job_id = Int(d, "job_id", 0);
  out.kind = Str(d, "kind");
  out.by = Str(d, "by");
}

void DecodeInto(const json& d, DeadLetterDroppedEvent& out) {
  out.job_id = Int(d, "job_id", 0);
  out.kind = Str(d, "kind");
  out.by = Str(d, "by");
}

void DecodeInto(const json& d, PoolSkippedEvent& out) { out.reason = Str(d, "reason"); }

void DecodeInto(const json& d, EmailReceivedEvent& out) {
  out.email_id = Int(d, "email_id", 0);
  out.source = Str(d, "source");
  out.why = Str(d, "why");
  out.forwarded_by = Str(d, "forwarded_by");
}

void DecodeInto(const json& d, EnrichmentRequestedEvent& out) {
  out.providers = StringsField(d, "providers");
  out.deadline_ms = Int(d, "deadline_ms", 0);
  out.held = Bool(d, "held");
}

void DecodeInto(const json& d, EnrichedEvent& out) {
  out.provider = Str(d, "provider");
  out.facts = d.is_object() && d.contains("facts") && d["facts"].is_object() ? d["facts"]
                                                                             : json::object();
  out.missing = StringsField(d, "missing");
  out.cached = Bool(d, "cached");
  out.changes = StringsField(d, "changes");
}

void DecodeInto(const json& d, EnrichmentFailedEvent& out) {
  out.provider = Str(d, "provider");
  out.reason = Str(d, "reason");
}

void DecodeInto(const json& d, EnrichmentDeadlineEvent& out) {
  out.waited_ms = Int(d, "waited_ms", 0);
  out.why = Str(d, "why");
}

void DecodeInto(const json& d, ResegmentedEvent& out) {
  out.from = Str(d, "from");
  out.to = Str(d, "to");
  out.reasons = ArrayOf(d, "reasons");
  out.rerouted = Bool(d, "rerouted");
}

void DecodeInto(const json& d, LlmRequestedEvent& out) {
  out.model = Str(d, "model");
  out.prompt_version = Str(d, "prompt_version");
  out.why = Str(d, "why");
  out.held = Bool(d, "held");
  out.deadline_ms = Int(d, "deadline_ms", 0);
}

void DecodeInto(const json& d, LlmClassifiedEvent& out) {
  out.model = Str(d, "model");
  out.prompt_version = Str(d, "prompt_version");
  out.intent = Str(d, "intent");
  out.segment = Str(d, "segment");
  out.lead_type = Str(d, "lead_type");
  out.confidence = d.is_object() && d.contains("confidence") && d["confidence"].is_number()
                       ? d["confidence"].get<double>()
                       : 0.0;
  out.evidence = Str(d, "evidence");
  out.latency_ms = Int(d, "latency_ms", 0);
  out.cached = Bool(d, "cached");
  out.applied = Str(d, "applied");
}

void DecodeInto(const json& d, LlmFailedEvent& out) {
  out.model = Str(d, "model");
  out.reason = Str(d, "reason");
  out.latency_ms = Int(d, "latency_ms", 0);
}

}  // namespace leadrouter::storage
