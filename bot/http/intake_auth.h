// Who may post leads: a bearer token, or a body signed with the webhook
// secret (Slack's v0 scheme: HMAC-SHA256 over "v0:" + timestamp + ":" + body,
// refused when the timestamp is more than 300 s from now). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leadrouter {

struct IntakeSecrets {
  std::optional<std::string> bearer_token;
  std::optional<std::string> webhook_secret;
};

struct AuthResult {
  bool ok = false;
  std::string reason;  // why not, for the 401 body; never echoes a secret
};

// `authorization`, `timestamp` and `signature` are the raw header values
// ("" when absent); `now_unix` is the current time in seconds.
AuthResult VerifyIntakeAuth(const IntakeSecrets& secrets,
                            std::string_view authorization,
                            std::string_view timestamp,
                            std::string_view signature, std::string_view body,
                            int64_t now_unix);

// "v0=" + lower-case hex HMAC-SHA256(secret, "v0:" + timestamp + ":" + body).
std::string SignV0(std::string_view secret, std::string_view timestamp,
                   std::string_view body);

// Compares in time that depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace leadrouter
