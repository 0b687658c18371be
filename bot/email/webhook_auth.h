// How the e-mail providers prove an inbound webhook is theirs. Pure: values
// in, a verdict out; no clock (now is passed in), no secrets kept.
//
// Mailgun signs every route POST with three form fields: `timestamp` (unix
// seconds), `token` (50 random characters) and `signature`, the hex
// HMAC-SHA256 of timestamp + token keyed with the account's HTTP webhook
// signing key. Its guide says to refuse an old timestamp, not too eagerly
// (its own delivery may lag), and a token seen before
// (documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks).
// Postmark signs nothing: the inbound webhook URL carries basic-auth
// credentials, https://user:password@host/path, which Postmark sends as an
// Authorization: Basic header
// (postmarkapp.com/developer/webhooks/webhooks-overview, "Basic HTTP
// authentication").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "bot/http/intake_auth.h"

namespace leadrouter {

// Hex HMAC-SHA256(signing_key, timestamp + token), as Mailgun sends it.
std::string SignMailgun(std::string_view signing_key, std::string_view timestamp,
                        std::string_view token);

// Checks Mailgun's three fields against `signing_key`: the timestamp must be
// unix seconds within `max_age` of `now_unix` (either way), the token
// present, the signature equal (compared in constant time). The reason
// names the field at fault and never echoes the key.
AuthResult VerifyMailgun(std::string_view signing_key, std::string_view timestamp,
                         std::string_view token, std::string_view signature,
                         int64_t now_unix, std::chrono::seconds max_age);

// "Basic " + base64(user ":" password), as a client sends it.
std::string BasicAuthorization(std::string_view user, std::string_view password);

// Checks an Authorization header for basic credentials `user`:`password`
// (the scheme name in any case; compared in constant time).
AuthResult VerifyBasicAuth(std::string_view authorization, std::string_view user,
                           std::string_view password);

}  // namespace leadrouter
