// Every kind of event on a lead's timeline and the fields of its detail: the
// one list the writers and `/leads show` share. Events that something reads
// field by field have a type here, encoded and decoded in one place, so a
// writer and a reader cannot disagree on a key; the others are written by
// kind from this list and shown field by field as they were stored.
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
  kEnrichmentRequested,     // lookups asked for; whether routing waits
  kEnriched,                // a provider's facts added to it
  kEnrichmentFailed,        // a lookup gave up, and why
  kEnrichmentDeadline,      // routed without the lookups it waited for
  kResegmented,             // enrichment changed its segment
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

// --- The events read field by field (by `/leads show`).

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

// The detail as `T`: `DecodeEvent<RoutedEvent>(e.detail)`.
template <typename T>
T DecodeEvent(const nlohmann::json& detail) {
  T out;
  DecodeInto(detail, out);
  return out;
}

}  // namespace leadrouter::storage
