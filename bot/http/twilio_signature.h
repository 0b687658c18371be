// Twilio's request signature (X-Twilio-Signature): base64 of HMAC-SHA1,
// keyed with the account's auth token, over the full URL Twilio requested
// followed by every POST parameter's name and value, sorted by name. It
// proves a webhook came from Twilio; the URL must be exactly the one Twilio
// was given (scheme, host, port, path and query). Pure.
#pragma once

#include <string>
#include <string_view>

#include "bot/http/form_body.h"

namespace leadrouter {

// The signature Twilio sends for a POST of `params` to `url`. Parameters
// are ordered by name (byte order), a repeated name by value.
std::string SignTwilioRequest(std::string_view auth_token, std::string_view url,
                              FormParams params);

// True when `signature` (the header's value) matches, compared in constant
// time; false for an empty signature or an empty token.
bool VerifyTwilioSignature(std::string_view auth_token, std::string_view url,
                           const FormParams& params,
                           std::string_view signature);

}  // namespace leadrouter
