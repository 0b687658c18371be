#include "pipeline/crm_event.h"

#include <array>
#include <exception>
#include <utility>

#include "pipeline/date.h"
#include "pipeline/dedupe.h"
#include "pipeline/email.h"
#include "pipeline/json_body.h"
#include "pipeline/lead.h"
#include "pipeline/phone.h"
#include "pipeline/sanitize.h"

namespace leadrouter::pipeline {
namespace {

using json = nlohmann::json;

constexpr std::array<std::pair<CrmEventType, const char*>, 4> kTypeNames = {{
    {CrmEventType::kStatusChanged, "status_changed"},
    {CrmEventType::kOwnerChanged, "owner_changed"},
    {CrmEventType::kContacted, "contacted"},
    {CrmEventType::kOptedOut, "opted_out"},
}};

// Length caps (bytes). An event id is the CRM's opaque key and is stored as
// a primary key; a status is a pipeline stage name shown in a Slack note.
constexpr size_t kMaxEventId = 255;
constexpr size_t kMaxStatus = 128;
constexpr size_t kMaxShortField = 256;
constexpr size_t kMaxSlackId = 64;

// The member `name` of `object`, or nullptr when absent or null (CRMs send
// null for "no value" as often as they leave the key out).
const json* Member(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

// A one-line text field: a string, or also an integer where CRMs are known
// to send numbers (ids, phone numbers). nullopt for any other type.
std::optional<std::string> TextField(const json& value, bool allow_integer,
                                     size_t max_length) {
  std::string text;
  if (value.is_string()) {
    text = value.get_ref<const std::string&>();
  } else if (allow_integer &&
             (value.is_number_integer() || value.is_number_unsigned())) {
    text = value.dump();
  } else {
    return std::nullopt;
  }
  return SanitizeField(text, max_length).text;
}

bool IsSlackIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9');
}

Status ParseContact(const json& payload, const std::string& default_region,
                    CrmContact& contact) {
  const json* object = Member(payload, "contact");
  if (object == nullptr) return Status::InvalidField("contact", "is required");
  if (!object->is_object()) {
    return Status::InvalidField("contact", "must be an object");
  }
  std::string email_in, phone_in;
  if (const json* v = Member(*object, "crm_id")) {
    std::optional<std::string> text = TextField(*v, true, kMaxShortField);
    if (!text)
      return Status::InvalidField("contact.crm_id", "must be a string");
    contact.crm_id = *text;
  }
  if (const json* v = Member(*object, "email")) {
    std::optional<std::string> text = TextField(*v, false, kMaxShortField);
    if (!text) return Status::InvalidField("contact.email", "must be a string");
    email_in = *text;
  }
  if (const json* v = Member(*object, "phone")) {
    std::optional<std::string> text = TextField(*v, true, kMaxShortField);
    if (!text) return Status::InvalidField("contact.phone", "must be a string");
    phone_in = *text;
  }

  // The same normalization as intake, and DedupeKeys itself, so the keys
  // are byte for byte the ones the lead was stored under.
  ProcessedLead as_lead;
  EmailAddress email = NormalizeEmail(email_in);
  as_lead.email = email.address;
  as_lead.email_valid = email.valid;
  if (!phone_in.empty())
    as_lead.phone = NormalizePhone(phone_in, default_region);
  contact.keys = DedupeKeys(as_lead);
  if (email.valid) contact.email = email.address;
  if (as_lead.phone.valid) contact.phone_e164 = as_lead.phone.e164;

  if (!contact.crm_id.empty() || !contact.keys.empty()) return Status::Ok();
  if (!email_in.empty()) {
    return Status::InvalidField(
        "contact.email",
        "\"" + email.address + "\" is not a valid e-mail address");
  }
  if (!phone_in.empty()) {
    return Status::InvalidField(
        "contact.phone", "\"" + phone_in + "\" is not a valid phone number");
  }
  return Status::InvalidField("contact", "crm_id, email or phone is required");
}

Status ParseOwner(const json& payload, std::optional<CrmOwner>& owner) {
  const json* object = Member(payload, "owner");
  if (object == nullptr) return Status::Ok();
  if (!object->is_object()) {
    return Status::InvalidField("owner", "must be an object");
  }
  CrmOwner o;
  if (const json* v = Member(*object, "email")) {
    std::optional<std::string> text = TextField(*v, false, kMaxShortField);
    if (!text) return Status::InvalidField("owner.email", "must be a string");
    EmailAddress email = NormalizeEmail(*text);
    if (!email.address.empty() && !email.valid) {
      return Status::InvalidField(
          "owner.email",
          "\"" + email.address + "\" is not a valid e-mail address");
    }
    o.email = email.address;
  }
  if (const json* v = Member(*object, "slack_id")) {
    if (!v->is_string()) {
      return Status::InvalidField("owner.slack_id", "must be a string");
    }
    const std::string& id = v->get_ref<const std::string&>();
    bool well_formed = id.size() <= kMaxSlackId;
    for (char c : id) well_formed = well_formed && IsSlackIdChar(c);
    if (!well_formed) {
      return Status::InvalidField("owner.slack_id",
                                  "must be a Slack user id such as U0123ABCD");
    }
    o.slack_id = id;
  }
  if (o.email.empty() && o.slack_id.empty()) {
    return Status::InvalidField("owner", "email or slack_id is required");
  }
  owner = std::move(o);
  return Status::Ok();
}

Result<CrmEvent> Parse(const json& payload, const std::string& default_region) {
  CrmEvent event;
  event.raw = payload;

  const json* id = Member(payload, "event_id");
  if (id == nullptr) return Status::InvalidField("event_id", "is required");
  if (!id->is_string()) {
    return Status::InvalidField("event_id", "must be a string");
  }
  // Not cleaned: the id is the CRM's key and must round-trip exactly.
  event.event_id = id->get<std::string>();
  if (event.event_id.empty()) {
    return Status::InvalidField("event_id", "must not be empty");
  }
  if (event.event_id.size() > kMaxEventId) {
    return Status::InvalidField("event_id", "must be at most 255 bytes");
  }

  const json* type = Member(payload, "type");
  if (type == nullptr) return Status::InvalidField("type", "is required");
  std::optional<CrmEventType> parsed_type =
      type->is_string()
          ? CrmEventTypeFromString(type->get_ref<const std::string&>())
          : std::nullopt;
  if (!parsed_type) {
    return Status::InvalidField(
        "type",
        "must be one of status_changed, owner_changed, contacted, opted_out");
  }
  event.type = *parsed_type;

  if (Status s = ParseContact(payload, default_region, event.contact);
      !s.ok()) {
    return s;
  }

  if (const json* v = Member(payload, "status")) {
    std::optional<std::string> text = TextField(*v, false, kMaxStatus);
    if (!text) return Status::InvalidField("status", "must be a string");
    if (!text->empty()) event.status = *text;
  }
  if (event.type == CrmEventType::kStatusChanged && !event.status) {
    return Status::InvalidField("status", "is required for status_changed");
  }

  if (Status s = ParseOwner(payload, event.owner); !s.ok()) return s;
  if (event.type == CrmEventType::kOwnerChanged && !event.owner) {
    return Status::InvalidField("owner", "is required for owner_changed");
  }

  if (const json* v = Member(payload, "occurred_at")) {
    if (v->is_string()) {
      event.occurred_at = ParseTimestamp(v->get_ref<const std::string&>());
    }
    if (!event.occurred_at) {
      return Status::InvalidField(
          "occurred_at",
          "must be an RFC 3339 time such as 2026-03-14T22:19:03Z");
    }
    event.occurred_at_text = v->get<std::string>();
  }
  return event;
}

}  // namespace

std::string ToString(CrmEventType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) return name;
  }
  return "status_changed";
}

std::optional<CrmEventType> CrmEventTypeFromString(std::string_view name) {
  for (const auto& [t, n] : kTypeNames) {
    if (name == n) return t;
  }
  return std::nullopt;
}

Result<CrmEvent> ParseCrmEvent(const nlohmann::json& payload,
                               const std::string& default_region) {
  if (!payload.is_object()) {
    return Status::InvalidField("body", "must be a JSON object");
  }
  try {
    return Parse(payload, default_region);
  } catch (const std::exception& e) {
    // Only allocation failure is expected here; callers get a value anyway.
    return Status::Internal(std::string("parsing the CRM event failed: ") +
                            e.what());
  }
}

Result<CrmEvent> ParseCrmEventBody(std::string_view body,
                                   const std::string& default_region) {
  Result<nlohmann::json> payload = ParseJsonObject(body);
  if (!payload.ok()) return payload.status();
  return ParseCrmEvent(payload.value(), default_region);
}

}  // namespace leadrouter::pipeline
