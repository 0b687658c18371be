#include "bot/email/webhook_auth.h"

#include <catch2/catch.hpp>

using namespace leadrouter;

namespace {

// Mailgun's example token and timestamp, signed with a made-up key; the
// expected value computed apart (Python's hmac module).
constexpr char kKey[] = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
constexpr char kTimestamp[] = "1770920772";
constexpr char kToken[] = "e0b5477167110d68991efc6b9f89f0a11066af27834600e123";
constexpr char kSignature[] = "3f9f9869e390626cfa401e164e5cd201b24d153eafc2004a69d41c945dc93c1e";
constexpr int64_t kNow = 1770920772;
constexpr std::chrono::seconds kMaxAge{900};

}  // namespace

TEST_CASE("a Mailgun signature is HMAC-SHA256 of timestamp and token",
          "[bot][email][webhook_auth]") {
  CHECK(SignMailgun(kKey, kTimestamp, kToken) == kSignature);
  CHECK(VerifyMailgun(kKey, kTimestamp, kToken, kSignature, kNow + 60, kMaxAge).ok);
}

TEST_CASE("a Mailgun post is refused for a wrong key, a stale timestamp or a missing field",
          "[bot][email][webhook_auth]") {
  SECTION("another key") {
    AuthResult r = VerifyMailgun("key-other", kTimestamp, kToken, kSignature, kNow, kMaxAge);
    CHECK_FALSE(r.ok);
    CHECK(r.reason.find("does not match") != std::string::npos);
    CHECK(r.reason.find("key-other") == std::string::npos);
  }
  SECTION("older than the max age, or from the future") {
    CHECK_FALSE(VerifyMailgun(kKey, kTimestamp, kToken, kSignature, kNow + 901, kMaxAge).ok);
    AuthResult r = VerifyMailgun(kKey, kTimestamp, kToken, kSignature, kNow - 901, kMaxAge);
    CHECK_FALSE(r.ok);
    CHECK(r.reason.find("replay") != std::string::npos);
  }
  SECTION("a field missing or not a number") {
    CHECK_FALSE(VerifyMailgun(kKey, kTimestamp, "", kSignature, kNow, kMaxAge).ok);
    CHECK_FALSE(VerifyMailgun(kKey, "soon", kToken, kSignature, kNow, kMaxAge).ok);
  }
}

TEST_CASE("basic auth matches the user and password of the webhook URL",
          "[bot][email][webhook_auth]") {
  CHECK(BasicAuthorization("postmark", "s3cret-pass") == "Basic cG9zdG1hcms6czNjcmV0LXBhc3M=");
  CHECK(VerifyBasicAuth("Basic cG9zdG1hcms6czNjcmV0LXBhc3M=", "postmark", "s3cret-pass").ok);
  CHECK(VerifyBasicAuth("basic cG9zdG1hcms6czNjcmV0LXBhc3M=", "postmark", "s3cret-pass").ok);
  CHECK_FALSE(VerifyBasicAuth("Basic cG9zdG1hcms6czNjcmV0LXBhc3M=", "postmark", "other").ok);
  CHECK_FALSE(VerifyBasicAuth("Bearer s3cret-pass", "postmark", "s3cret-pass").ok);
  AuthResult missing = VerifyBasicAuth("", "postmark", "s3cret-pass");
  CHECK_FALSE(missing.ok);
  CHECK(missing.reason.find("missing") != std::string::npos);
}
