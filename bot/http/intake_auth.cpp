#include "bot/http/intake_auth.h"

#include <openssl/crypto.h>
#include <strings.h>

#include <charconv>
#include <cstdlib>

#include "bot/runtime/digest.h"

namespace leadrouter {
namespace {
// The replay window Slack uses for its own signed requests.
constexpr int64_t kMaxSkewSeconds = 300;
}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string SignV0(std::string_view secret, std::string_view timestamp,
                   std::string_view body) {
  std::string base;
  base.reserve(4 + timestamp.size() + body.size());
  base.append("v0:").append(timestamp).append(":").append(body);
  return "v0=" + HmacSha256Hex(secret, base);
}

AuthResult VerifyIntakeAuth(const IntakeSecrets& secrets,
                            std::string_view authorization,
                            std::string_view timestamp,
                            std::string_view signature, std::string_view body,
                            int64_t now_unix) {
  if (!secrets.bearer_token && !secrets.webhook_secret) {
    return {
        false,
        "intake is locked: no intake token or webhook secret is configured"};
  }
  if (!authorization.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.size() <= kBearer.size() ||
        strncasecmp(authorization.data(), kBearer.data(), kBearer.size()) !=
            0) {
      return {false, "Authorization must be \"Bearer <token>\""};
    }
    if (!secrets.bearer_token)
      return {false, "bearer tokens are not accepted here"};
    if (!ConstantTimeEquals(authorization.substr(kBearer.size()),
                            *secrets.bearer_token)) {
      return {false, "bad token"};
    }
    return {true, ""};
  }
  if (!signature.empty() || !timestamp.empty()) {
    if (!secrets.webhook_secret)
      return {false, "signed requests are not accepted here"};
    if (timestamp.empty()) return {false, "X-Leadrouter-Timestamp is missing"};
    if (signature.empty()) return {false, "X-Leadrouter-Signature is missing"};
    int64_t ts = 0;
    auto [end, ec] = std::from_chars(timestamp.data(),
                                     timestamp.data() + timestamp.size(), ts);
    if (ec != std::errc() || end != timestamp.data() + timestamp.size()) {
      return {false, "X-Leadrouter-Timestamp must be unix seconds"};
    }
    if (std::llabs(now_unix - ts) > kMaxSkewSeconds) {
      return {false, "timestamp outside the 300 s window"};
    }
    if (!ConstantTimeEquals(signature,
                            SignV0(*secrets.webhook_secret, timestamp, body))) {
      return {false, "signature mismatch"};
    }
    return {true, ""};
  }
  return {false, "missing credentials: send a bearer token or a signature"};
}

}  // namespace leadrouter
