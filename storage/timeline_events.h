// Every kind of event on a lead's timeline and the fields of its detail: the
// one list the writers and `/leads show` share. Each kind has a type here,
// encoded and decoded in one place, so a writer and a reader cannot
// disagree on a key (Timeline::Record takes only these).
// Pure values: no SQLite, no clock.
//
// Decoding never throws: a missing or mistyped field reads as its default.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leadrouter::storage {

enum class EventKind {
  kReceived,                // a new lead stored
  kDuplicate,               // a repeat merged into it
  kConsentRecorded,         // consent the lead stated at intake
  kRouted,                  // the route decision and its reason
  kAssigned,                // the rotation gave it an owner
  kUnassigned,              // the rotation had nobody: to triage
  kClaimed,                 // taken from the shark tank
  kClaimTimeout,            // nobody claimed it in time
  kReassigned,              // a manager moved it (/leads reassign)
  kContacted,               // first contact recorded
  kSlackPosted,             // a message about it is in Slack
  kSlaReminder,             // its owner was reminded
  kSlaEscalated,            // no first contact in time
  kCrmOverride,             // a human took it over in the CRM
  kSequenceEnrolled,        // its follow-up sequence started
  kSequenceStepSent,        // a step went out
  kSequenceStepSkipped,     // a step was skipped, and why
  kSequenceChannelStopped,  // a channel refused for good
  kOptedOut,                // an opt-out of a channel
  kOptedIn,                 // an opt-out lifted (START)
  kSmsReply,                // a text back from the lead
  kDeadLetterReplayed,      // one of its dead jobs replayed
  kDeadLetterDropped,       // one of its dead jobs dropped
  kPoolSkipped,             // a pool passed it on to its fallback
  kEmailReceived,           // it came in by e-mail
  kEnrichmentRequested,     // lookups asked for; whether routing waits
  kEnriched,                // a provider's facts added to it
  kEnrichmentFailed,        // a lookup gave up, and why
  kEnrichmentDeadline,      // routed without the lookups it waited for
  kResegmented,             // enrichment changed its segment
  kLlmRequested,            // the rules were unsure: the model was asked
  kLlmClassified,           // the model's reading, checked, and what it did
  kLlmFailed,               // the model's answer was not used, and why
};

struct EventSpec {
  EventKind kind;
  const char* name;    // the stored kind, "received"
  const char* fields;  // the detail's keys, space-separated
};

// The list, in the order above.
const std::vector<EventSpec>& EventSpecs();

const char* ToString(EventKind kind);
std::optional<EventKind> EventKindFromString(std::string_view name);
// The keys the detail of `kind` may hold.
std::vector<std::string> EventFields(EventKind kind);

// --- One type per kind.

struct ReceivedEvent {
  static constexpr EventKind kKind = EventKind::kReceived;
  std::string source;
  std::string status;  // "active" | "spam"
  int64_t score = 0;
  std::string segment;
  std::string intent;
  nlohmann::json reasons = nlohmann::json::array();  // the score's reasons
  bool honeypot = false;
  bool operator==(const ReceivedEvent&) const = default;
};

struct DuplicateEvent {
  static constexpr EventKind kKind = EventKind::kDuplicate;
  std::string matched_key;  // "email:…": carries the contact itself
  std::vector<std::string> filled;    // fields the repeat filled in
  std::vector<std::string> new_keys;  // dedupe keys it added
  bool message_added = false;
  std::string source;
  int64_t repeat_count = 0;
  bool operator==(const DuplicateEvent&) const = default;
};

struct RoutedEvent {
  static constexpr EventKind kKind = EventKind::kRouted;
  std::string route;   // "shark_tank", "round_robin", …
  std::string reason;  // "HOT_BUYER (…): first agent to claim"
  // The routes tried before one matched (or none did: to triage).
  nlohmann::json tried = nlohmann::json::array();
  std::string pool = {};     // the pool a route sent it to; "" for none
  std::string matched = {};  // the route that matched; "" for none
  bool operator==(const RoutedEvent&) const = default;
};

struct ReassignedEvent {
  static constexpr EventKind kKind = EventKind::kReassigned;
  std::optional<std::string> from = std::nullopt;  // the owner before, if any
  std::string to;
  std::string by;
  bool operator==(const ReassignedEvent&) const = default;
};

struct SlaReminderEvent {
  static constexpr EventKind kKind = EventKind::kSlaReminder;
  std::string agent;
  int64_t waited_s = 0;
  bool operator==(const SlaReminderEvent&) const = default;
};

struct SlaEscalatedEvent {
  static constexpr EventKind kKind = EventKind::kSlaEscalated;
  std::string agent;
  int64_t waited_s = 0;
  std::optional<std::string> reassigned_to = std::nullopt;
  std::string reason;
  bool operator==(const SlaEscalatedEvent&) const = default;
};

struct SequenceEnrolledEvent {
  static constexpr EventKind kKind = EventKind::kSequenceEnrolled;
  std::string segment;
  int64_t steps = 0;
  bool operator==(const SequenceEnrolledEvent&) const = default;
};

struct SequenceStepSentEvent {
  static constexpr EventKind kKind = EventKind::kSequenceStepSent;
  int64_t step = -1;
  std::string channel;
  std::string provider_id;
  bool operator==(const SequenceStepSentEvent&) const = default;
};

struct SequenceStepSkippedEvent {
  static constexpr EventKind kKind = EventKind::kSequenceStepSkipped;
  int64_t step = -1;
  std::string channel;
  std::string reason;
  bool operator==(const SequenceStepSkippedEvent&) const = default;
};

struct SequenceChannelStoppedEvent {
  static constexpr EventKind kKind = EventKind::kSequenceChannelStopped;
  int64_t step = -1;
  std::string channel;
  std::string detail;  // the provider's refusal
  int64_t cancelled_steps = 0;
  bool operator==(const SequenceChannelStoppedEvent&) const = default;
};

struct SmsReplyEvent {
  static constexpr EventKind kKind = EventKind::kSmsReply;
  std::string text;
  std::string message_sid;
  std::string to;
  bool operator==(const SmsReplyEvent&) const = default;
};

struct ConsentRecordedEvent {
  static constexpr EventKind kKind = EventKind::kConsentRecorded;
  std::string source;
  std::optional<bool> marketing = std::nullopt;  // absent: not stated
  std::optional<bool> sms = std::nullopt;
  std::optional<bool> email = std::nullopt;
  std::string policy_version;  // "" when none was given
  bool operator==(const ConsentRecordedEvent&) const = default;
};

struct AssignedEvent {
  static constexpr EventKind kKind = EventKind::kAssigned;
  std::string agent;
  std::string reason;
  std::string via;                              // "routing", "claim_timeout", …
  std::optional<int64_t> turn = std::nullopt;   // the rotation's turn
  std::string pool;                             // "" for the single rotation
  bool operator==(const AssignedEvent&) const = default;
};

struct UnassignedEvent {
  static constexpr EventKind kKind = EventKind::kUnassigned;
  std::string reason;
  bool operator==(const UnassignedEvent&) const = default;
};

struct ClaimedEvent {
  static constexpr EventKind kKind = EventKind::kClaimed;
  std::string agent;
  int64_t latency_s = 0;
  std::string channel;
  bool operator==(const ClaimedEvent&) const = default;
};

struct ClaimTimeoutEvent {
  static constexpr EventKind kKind = EventKind::kClaimTimeout;
  std::string waited;                            // "5 min"
  std::optional<std::string> agent = std::nullopt;  // who the rotation gave it to
  std::string reason;
  bool operator==(const ClaimTimeoutEvent&) const = default;
};

struct ContactedEvent {
  static constexpr EventKind kKind = EventKind::kContacted;
  std::string by;
  int64_t after_s = 0;
  std::string source;  // "slack"
  bool operator==(const ContactedEvent&) const = default;
};

struct SlackPostedEvent {
  static constexpr EventKind kKind = EventKind::kSlackPosted;
  std::string kind;  // "shark_tank", "dm", …
  std::string channel;
  std::string ts;
  bool operator==(const SlackPostedEvent&) const = default;
};

struct CrmOverrideEvent {
  static constexpr EventKind kKind = EventKind::kCrmOverride;
  std::string event_id;
  std::string type;
  std::string matched_by;
  bool first_takeover = false;
  std::optional<bool> first_contact = std::nullopt;  // for "contacted" only
  int64_t cancelled_jobs = 0;
  std::optional<std::string> status = std::nullopt;
  std::string occurred_at;
  // The CRM's owner as sent, and what became of ours
  // ({"from","to"} | {"unchanged"} | {"unknown"}); null when none was sent.
  nlohmann::json crm_owner = nullptr;
  nlohmann::json owner = nullptr;
  std::string summary;
  bool operator==(const CrmOverrideEvent&) const = default;
};

struct OptedOutEvent {
  static constexpr EventKind kKind = EventKind::kOptedOut;
  std::string channel;
  std::string source;
  std::string detail;
  bool is_new = false;  // stored as "new": the address was not opted out yet
  bool operator==(const OptedOutEvent&) const = default;
};

struct OptedInEvent {
  static constexpr EventKind kKind = EventKind::kOptedIn;
  std::string channel;
  std::string source;
  std::string detail;
  bool lifted = false;  // an opt-out was there to lift
  bool operator==(const OptedInEvent&) const = default;
};

struct DeadLetterReplayedEvent {
  static constexpr EventKind kKind = EventKind::kDeadLetterReplayed;
  int64_t job_id = 0;
  std::string kind;
  std::string by;
  bool operator==(const DeadLetterReplayedEvent&) const = default;
};

struct DeadLetterDroppedEvent {
  static constexpr EventKind kKind = EventKind::kDeadLetterDropped;
  int64_t job_id = 0;
  std::string kind;
  std::string by;
  bool operator==(const DeadLetterDroppedEvent&) const = default;
};

struct PoolSkippedEvent {
  static constexpr EventKind kKind = EventKind::kPoolSkipped;
  std::string reason;  // "pool Downtown: everyone paused"
  bool operator==(const PoolSkippedEvent&) const = default;
};

struct EmailReceivedEvent {
  static constexpr EventKind kKind = EventKind::kEmailReceived;
  int64_t email_id = 0;
  std::string source;
  std::string why;
  std::string forwarded_by = {};  // "" unless someone forwarded it
  bool operator==(const EmailReceivedEvent&) const = default;
};

struct EnrichmentRequestedEvent {
  static constexpr EventKind kKind = EventKind::kEnrichmentRequested;
  std::vector<std::string> providers;  // "property", "person"
  int64_t deadline_ms = 0;             // 0 when routing does not wait
  bool held = false;                   // routing waits for the lookups
  bool operator==(const EnrichmentRequestedEvent&) const = default;
};

struct EnrichedEvent {
  static constexpr EventKind kKind = EventKind::kEnriched;
  std::string provider;
  nlohmann::json facts = nlohmann::json::object();  // as the provider mapped them
  std::vector<std::string> missing = {};            // mapped fields it lacked
  bool cached = false;
  std::vector<std::string> changes = {};  // what the facts changed on the lead
  bool operator==(const EnrichedEvent&) const = default;
};

struct EnrichmentFailedEvent {
  static constexpr EventKind kKind = EventKind::kEnrichmentFailed;
  std::string provider;
  std::string reason;
  bool operator==(const EnrichmentFailedEvent&) const = default;
};

struct EnrichmentDeadlineEvent {
  static constexpr EventKind kKind = EventKind::kEnrichmentDeadline;
  int64_t waited_ms = 0;
  std::string why;
  bool operator==(const EnrichmentDeadlineEvent&) const = default;
};

struct ResegmentedEvent {
  static constexpr EventKind kKind = EventKind::kResegmented;
  std::string from;
  std::string to;
  nlohmann::json reasons = nlohmann::json::array();  // the new segment's reasons
  bool rerouted = false;
  bool operator==(const ResegmentedEvent&) const = default;
};

// The rules were unsure of the lead (`why`), so the language model was
// asked; `held`: routing waits for it at most `deadline_ms`.
struct LlmRequestedEvent {
  static constexpr EventKind kKind = EventKind::kLlmRequested;
  std::string model;
  std::string prompt_version;
  std::string why;
  bool held = false;
  int64_t deadline_ms = 0;
  bool operator==(const LlmRequestedEvent&) const = default;
};

// The model's answer, checked in code, and what it did to the lead
// (`applied`: "routed", "upgraded", "recorded": it came after the route
// and changed nothing).
struct LlmClassifiedEvent {
  static constexpr EventKind kKind = EventKind::kLlmClassified;
  std::string model;
  std::string prompt_version;
  std::string intent;
  std::string segment;
  std::string lead_type;
  double confidence = 0;
  std::string evidence;  // words of the lead's own text
  int64_t latency_ms = 0;
  bool cached = false;
  std::string applied;
  bool operator==(const LlmClassifiedEvent&) const = default;
};

// The model was asked and its answer is not used: the rules' decision
// stands (`reason` says why: a refusal, a cut answer, 503, …).
struct LlmFailedEvent {
  static constexpr EventKind kKind = EventKind::kLlmFailed;
  std::string model;
  std::string reason;
  int64_t latency_ms = 0;
  bool operator==(const LlmFailedEvent&) const = default;
};

nlohmann::json Encode(const ReceivedEvent& e);
nlohmann::json Encode(const DuplicateEvent& e);
nlohmann::json Encode(const RoutedEvent& e);
nlohmann::json Encode(const ReassignedEvent& e);
nlohmann::json Encode(const SlaReminderEvent& e);
nlohmann::json Encode(const SlaEscalatedEvent& e);
nlohmann::json Encode(const SequenceEnrolledEvent& e);
nlohmann::json Encode(const SequenceStepSentEvent& e);
nlohmann::json Encode(const SequenceStepSkippedEvent& e);
nlohmann::json Encode(const SequenceChannelStoppedEvent& e);
nlohmann::json Encode(const SmsReplyEvent& e);
nlohmann::json Encode(const ConsentRecordedEvent& e);
nlohmann::json Encode(const AssignedEvent& e);
nlohmann::json Encode(const UnassignedEvent& e);
nlohmann::json Encode(const ClaimedEvent& e);
nlohmann::json Encode(const ClaimTimeoutEvent& e);
nlohmann::json Encode(const ContactedEvent& e);
nlohmann::json Encode(const SlackPostedEvent& e);
nlohmann::json Encode(const CrmOverrideEvent& e);
nlohmann::json Encode(const OptedOutEvent& e);
nlohmann::json Encode(const OptedInEvent& e);
nlohmann::json Encode(const DeadLetterReplayedEvent& e);
nlohmann::json Encode(const DeadLetterDroppedEvent& e);
nlohmann::json Encode(const PoolSkippedEvent& e);
nlohmann::json Encode(const EmailReceivedEvent& e);
nlohmann::json Encode(const EnrichmentRequestedEvent& e);
nlohmann::json Encode(const EnrichedEvent& e);
nlohmann::json Encode(const EnrichmentFailedEvent& e);
nlohmann::json Encode(const EnrichmentDeadlineEvent& e);
nlohmann::json Encode(const ResegmentedEvent& e);
nlohmann::json Encode(const LlmRequestedEvent& e);
nlohmann::json Encode(const LlmClassifiedEvent& e);
nlohmann::json Encode(const LlmFailedEvent& e);

void DecodeInto(const nlohmann::json& detail, ReceivedEvent& out);
void DecodeInto(const nlohmann::json& detail, DuplicateEvent& out);
void DecodeInto(const nlohmann::json& detail, RoutedEvent& out);
void DecodeInto(const nlohmann::json& detail, ReassignedEvent& out);
void DecodeInto(const nlohmann::json& detail, SlaReminderEvent& out);
void DecodeInto(const nlohmann::json& detail, SlaEscalatedEvent& out);
void DecodeInto(const nlohmann::json& detail, SequenceEnrolledEvent& out);
void DecodeInto(const nlohmann::json& detail, SequenceStepSentEvent& out);
void DecodeInto(const nlohmann::json& detail, SequenceStepSkippedEvent& out);
void DecodeInto(const nlohmann::json& detail, SequenceChannelStoppedEvent& out);
void DecodeInto(const nlohmann::json& detail, SmsReplyEvent& out);
void DecodeInto(const nlohmann::json& detail, ConsentRecordedEvent& out);
void DecodeInto(const nlohmann::json& detail, AssignedEvent& out);
void DecodeInto(const nlohmann::json& detail, UnassignedEvent& out);
void DecodeInto(const nlohmann::json& detail, ClaimedEvent& out);
void DecodeInto(const nlohmann::json& detail, ClaimTimeoutEvent& out);
void DecodeInto(const nlohmann::json& detail, ContactedEvent& out);
void DecodeInto(const nlohmann::json& detail, SlackPostedEvent& out);
void DecodeInto(const nlohmann::json& detail, CrmOverrideEvent& out);
void DecodeInto(const nlohmann::json& detail, OptedOutEvent& out);
void DecodeInto(const nlohmann::json& detail, OptedInEvent& out);
void DecodeInto(const nlohmann::json& detail, DeadLetterReplayedEvent& out);
void DecodeInto(const nlohmann::json& detail, DeadLetterDroppedEvent& out);
void DecodeInto(const nlohmann::json& detail, PoolSkippedEvent& out);
void DecodeInto(const nlohmann::json& detail, EmailReceivedEvent& out);
void DecodeInto(const nlohmann::json& detail, EnrichmentRequestedEvent& out);
void DecodeInto(const nlohmann::json& detail, EnrichedEvent& out);
void DecodeInto(const nlohmann::json& detail, EnrichmentFailedEvent& out);
void DecodeInto(const nlohmann::json& detail, EnrichmentDeadlineEvent& out);
void DecodeInto(const nlohmann::json& detail, ResegmentedEvent& out);
void DecodeInto(const nlohmann::json& detail, LlmRequestedEvent& out);
void DecodeInto(const nlohmann::json& detail, LlmClassifiedEvent& out);
void DecodeInto(const nlohmann::json& detail, LlmFailedEvent& out);

// The detail as `T`: `DecodeEvent<RoutedEvent>(e.detail)`.
template <typename T>
T DecodeEvent(const nlohmann::json& detail) {
  T out;
  DecodeInto(detail, out);
  return out;
}

}  // namespace leadrouter::storage
