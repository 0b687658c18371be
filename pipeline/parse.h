// Parsing: pulls our fields out of the payload shapes lead sources send.
// Recognized shapes: nested (`contact`, `property_inquiry`, `property`,
// `lead`, `attribution`, `utm`, `consent` objects), flat camelCase or
// snake_case fields, and CRM-style `properties.NAME.value`. Configured
// FieldMappings take precedence when their `when` matches. Pure; never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/lead.h"
#include "pipeline/rules.h"

namespace leadrouter::pipeline {

// The fields as found, before any cleaning (strings only trimmed).
struct ParsedPayload {
  std::string source, submitted_at, crm_id;
  std::string first_name, last_name, full_name;
  std::string email, phone, message;
  std::string mls_id, address, zip, listed_at;
  nlohmann::json price, budget, days_on_market;  // null when absent
  Attribution attribution;
  Consent consent;
  std::string honeypot_field;  // the first honeypot field found filled
  std::string mapping;         // name of the FieldMapping applied, if any
};

// Extracts the fields of `payload`. REQUIRES: payload.is_object().
ParsedPayload ParsePayload(const nlohmann::json& payload, const Rules& rules);

// The value of query parameter `name` in `url`, %-decoded; empty if absent.
std::string QueryParameter(std::string_view url, std::string_view name);

// A JSON scalar as text: strings as is, integers without a decimal point,
// booleans as "true"/"false"; empty for null, objects and arrays.
std::string ScalarToString(const nlohmann::json& value);

// Reads a consent flag: true/false, 1/0, "yes"/"no", "true"/"false", "on".
std::optional<bool> ParseFlag(const nlohmann::json& value);

}  // namespace leadrouter::pipeline
