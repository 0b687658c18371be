// Opt-out requests: the body of POST /v1/optout, checked and normalized.
// Who asks to hear no more (a phone, an e-mail or both) and on which
// channels. Parsing and checking only; storing it is the caller's. Pure;
// never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/sequence.h"
#include "pipeline/status.h"

namespace leadrouter::pipeline {

struct OptOutRequest {
  std::string phone_e164;  // "" when not given
  std::string email;       // normalized (lower-case); "" when not given
  // Each at most once, in the order given; kSms or kEmail only.
  std::vector<Channel> channels;
  std::string source;  // the caller's own label, cleaned; may be empty
  std::string reason;  // cleaned to one line; may be empty
};

// Checks a parsed body, or returns Status::InvalidField naming the field:
//   "body"      not a JSON object
//   "phone"     not a string, not a valid number (read as dialled from
//               `default_region`), missing when neither phone nor e-mail is
//               given, or missing when "channels" names sms
//   "email"     not a string, not a valid address, or missing when
//               "channels" names email
//   "channels"  not an array of "sms" / "email" names, or empty
//   "source", "reason"  not a string
// Without "channels", the channels of the addresses given: a phone opts out
// of sms, an e-mail of email.
Result<OptOutRequest> ParseOptOutRequest(const nlohmann::json& body,
                                         const std::string& default_region);

// Same, from the raw request body (see ParseJsonObject for "body" errors).
Result<OptOutRequest> ParseOptOutBody(std::string_view body,
                                      const std::string& default_region);

}  // namespace leadrouter::pipeline
