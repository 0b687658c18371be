#include "bot/email/webhook_auth.h"

#include <strings.h>

#include <charconv>
#include <cstdlib>

#include "bot/delivery/mime_message.h"
#include "bot/runtime/digest.h"

namespace leadrouter {

std::string SignMailgun(std::string_view signing_key, std::string_view timestamp,
                        std::string_view token) {
  std::string base;
  base.reserve(timestamp.size() + token.size());
  base.append(timestamp).append(token);
  return HmacSha256Hex(signing_key, base);
}

AuthResult VerifyMailgun(std::string_view signing_key, std::string_view timestamp,
                         std::string_view token, std::string_view signature,
                         int64_t now_unix, std::chrono::seconds max_age) {
  if (timestamp.empty() || token.empty() || signature.empty()) {
    return {false, "timestamp, token and signature are required (Mailgun signs every POST)"};
  }
  int64_t ts = 0;
  auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size()) {
    return {false, "timestamp must be unix seconds"};
  }
  const int64_t skew = std::llabs(now_unix - ts);
  if (skew > max_age.count()) {
    return {false, "timestamp is " + std::to_string(skew) + " s away from now (over " +
                       std::to_string(max_age.count()) + " s): refused as a replay"};
  }
  // Mailgun sends lower-case hex; compare case-insensitively anyway.
  std::string lower(signature);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!ConstantTimeEquals(lower, SignMailgun(signing_key, timestamp, token))) {
    return {false, "signature does not match (is MAILGUN_WEBHOOK_SIGNING_KEY the HTTP "
                   "webhook signing key?)"};
  }
  return {true, ""};
}

std::string BasicAuthorization(std::string_view user, std::string_view password) {
  std::string pair;
  pair.append(user).append(":").append(password);
  return "Basic " + Base64(pair);
}

AuthResult VerifyBasicAuth(std::string_view authorization, std::string_view user,
                           std::string_view password) {
  constexpr std::string_view kBasic = "Basic ";
  if (authorization.empty()) {
    return {false, "Authorization is missing: put the user name and password in the "
                   "webhook URL (https://user:password@host/v1/email/postmark)"};
  }
  if (authorization.size() <= kBasic.size() ||
      strncasecmp(authorization.data(), kBasic.data(), kBasic.size()) != 0) {
    return {false, "Authorization must be \"Basic <credentials>\""};
  }
  const std::string want = BasicAuthorization(user, password);
  if (!ConstantTimeEquals(authorization.substr(kBasic.size()),
                          std::string_view(want).substr(kBasic.size()))) {
    return {false, "wrong user name or password"};
  }
  return {true, ""};
}

}  // namespace leadrouter
