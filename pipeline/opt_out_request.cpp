#include "pipeline/opt_out_request.h"

#include <algorithm>
#include <optional>

#include "pipeline/email.h"
#include "pipeline/json_body.h"
#include "pipeline/phone.h"
#include "pipeline/sanitize.h"

namespace leadrouter::pipeline {
namespace {

using json = nlohmann::json;

// A label and a reason are shown on the lead's timeline, not stored as keys.
constexpr size_t kMaxLabel = 128;
constexpr size_t kMaxReason = 500;

// The member `name`, or nullptr when absent or null.
const json* Member(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

// A string member, cleaned; "" when absent; nullopt when of the wrong type.
std::optional<std::string> Text(const json& object, const char* name,
                                size_t max_length) {
  const json* v = Member(object, name);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return std::nullopt;
  return SanitizeField(v->get_ref<const std::string&>(), max_length).text;
}

bool Has(const std::vector<Channel>& channels, Channel c) {
  return std::find(channels.begin(), channels.end(), c) != channels.end();
}

Status ParseChannels(const json& value, std::vector<Channel>& out) {
  if (!value.is_array()) {
    return Status::InvalidField("channels",
                                "must be an array of \"sms\" and \"email\"");
  }
  for (const json& item : value) {
    std::optional<Channel> c =
        item.is_string() ? ChannelFromString(item.get<std::string>())
                         : std::nullopt;
    if (!c || *c == Channel::kWebhook) {
      return Status::InvalidField(
          "channels", (item.is_string() ? "\"" + item.get<std::string>() + "\""
                                        : item.dump()) +
                          " is not a channel one can opt out of (sms, email)");
    }
    if (!Has(out, *c)) out.push_back(*c);
  }
  if (out.empty()) {
    return Status::InvalidField("channels", "must name sms, email or both");
  }
  return Status::Ok();
}

}  // namespace

Result<OptOutRequest> ParseOptOutRequest(const json& body,
                                         const std::string& default_region) {
  if (!body.is_object()) {
    return Status::InvalidField("body", "must be a JSON object");
  }
  OptOutRequest request;

  std::optional<std::string> phone = Text(body, "phone", kMaxLabel);
  if (!phone) return Status::InvalidField("phone", "must be a string");
  if (!phone->empty()) {
    PhoneNumber number = NormalizePhone(*phone, default_region);
    if (!number.valid) {
      return Status::InvalidField(
          "phone", "\"" + *phone + "\" is not a valid phone number");
    }
    request.phone_e164 = number.e164;
  }

  std::optional<std::string> email = Text(body, "email", kMaxLabel * 2);
  if (!email) return Status::InvalidField("email", "must be a string");
  if (!email->empty()) {
    EmailAddress address = NormalizeEmail(*email);
    if (!address.valid) {
      return Status::InvalidField(
          "email", "\"" + address.address + "\" is not a valid e-mail address");
    }
    request.email = address.address;
  }
  if (request.phone_e164.empty() && request.email.empty()) {
    return Status::InvalidField("phone", "phone or email is required");
  }

  if (const json* channels = Member(body, "channels")) {
    if (Status s = ParseChannels(*channels, request.channels); !s.ok()) {
      return s;
    }
    if (Has(request.channels, Channel::kSms) && request.phone_e164.empty()) {
      return Status::InvalidField("phone", "is required to opt out of sms");
    }
    if (Has(request.channels, Channel::kEmail) && request.email.empty()) {
      return Status::InvalidField("email", "is required to opt out of email");
    }
  } else {
    if (!request.phone_e164.empty()) request.channels.push_back(Channel::kSms);
    if (!request.email.empty()) request.channels.push_back(Channel::kEmail);
  }

  std::optional<std::string> source = Text(body, "source", kMaxLabel);
  if (!source) return Status::InvalidField("source", "must be a string");
  request.source = *source;
  std::optional<std::string> reason = Text(body, "reason", kMaxReason);
  if (!reason) return Status::InvalidField("reason", "must be a string");
  request.reason = *reason;
  return request;
}

Result<OptOutRequest> ParseOptOutBody(std::string_view body,
                                      const std::string& default_region) {
  Result<json> parsed = ParseJsonObject(body);
  if (!parsed.ok()) return parsed.status();
  return ParseOptOutRequest(parsed.value(), default_region);
}

}  // namespace leadrouter::pipeline
