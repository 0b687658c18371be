// CRM events: the override webhook a CRM fires when a human takes a contact
// over (new status, new owner, contacted, opted out). Parsing and checking
// only; what the event does to a lead is decided by its caller. Pure; never
// throws.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/status.h"

namespace leadrouter::pipeline {

enum class CrmEventType {
  kStatusChanged,
  kOwnerChanged,
  kContacted,
  kOptedOut
};

// "status_changed", "owner_changed", "contacted", "opted_out": the wire names.
std::string ToString(CrmEventType type);
std::optional<CrmEventType> CrmEventTypeFromString(std::string_view name);

// The contact as the CRM names it. `keys` are the lead dedupe keys the
// e-mail and phone map to ("email:…", then "phone:…", in the format of
// DedupeKeys), so an event finds the lead its intake stored.
struct CrmContact {
  std::string crm_id;      // as sent, trimmed; "" when absent
  std::string email;       // normalized; "" when absent or not usable
  std::string phone_e164;  // "" when absent or not a valid number
  std::vector<std::string> keys;
};

// Who owns the contact in the CRM; at least one of the two is set.
struct CrmOwner {
  std::string email;     // normalized (lower-case)
  std::string slack_id;  // as sent
};

struct CrmEvent {
  std::string event_id;
  CrmEventType type = CrmEventType::kStatusChanged;
  CrmContact contact;
  std::optional<std::string> status;  // cleaned to one line
  std::optional<CrmOwner> owner;
  std::optional<std::chrono::system_clock::time_point> occurred_at;
  std::string occurred_at_text;  // as sent, "" when absent
  nlohmann::json raw;            // the payload as received
};

// Checks `payload` and returns the event, or Status::InvalidField naming the
// dotted field at fault:
//   "body"                    not a JSON object
//   "event_id"                missing, not a string, empty or too long
//   "type"                    missing or not one of the four names
//   "contact"                 missing, not an object, or without any of
//                             crm_id / email / phone
//   "contact.crm_id", "contact.email", "contact.phone"
//                             of the wrong type; the e-mail or phone also
//                             when it is the only key given and unusable
//                             (an unusable one beside a usable key is
//                             ignored, as intake keeps such leads)
//   "status"                  not a string, or missing for status_changed
//   "owner"                   not an object, without email and slack_id, or
//                             missing for owner_changed
//   "owner.email", "owner.slack_id"
//                             of the wrong type or malformed
//   "occurred_at"             not an RFC 3339 timestamp
// Phones are read as dialled from `default_region` ("US").
Result<CrmEvent> ParseCrmEvent(const nlohmann::json& payload,
                               const std::string& default_region);

// Same, from the raw request body (see ParseJsonObject for "body" errors).
Result<CrmEvent> ParseCrmEventBody(std::string_view body,
                                   const std::string& default_region);

}  // namespace leadrouter::pipeline
