#include "bot/http/intake_auth.h"

#include <catch2/catch.hpp>

namespace leadrouter {
namespace {

// Slack's documented signing example (slack-protocol.md §8).
constexpr char kSlackSecret[] = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr char kSlackTs[] = "1531420618";
constexpr char kSlackBody[] =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
    "channel_id="
    "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
    "command=%2Fwebhook-"
    "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%"
    "2FT1DC2JH3J%"
    "2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015."
    "47445629121."
    "803a0bc887a14d10d2c447fce8b6703c";
constexpr char kSlackSig[] =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
constexpr int64_t kNow = 1531420618;

TEST_CASE("SignV0 reproduces Slack's documented signature", "[http][auth]") {
  CHECK(SignV0(kSlackSecret, kSlackTs, kSlackBody) == kSlackSig);
}

TEST_CASE("signed requests are checked against secret, body and window",
          "[http][auth]") {
  IntakeSecrets secrets{std::nullopt, std::string(kSlackSecret)};
  SECTION("good signature passes") {
    CHECK(VerifyIntakeAuth(secrets, "", kSlackTs, kSlackSig, kSlackBody, kNow)
              .ok);
  }
  SECTION("a changed body is a mismatch") {
    auto r = VerifyIntakeAuth(secrets, "", kSlackTs, kSlackSig, "x", kNow);
    CHECK_FALSE(r.ok);
    CHECK(r.reason == "signature mismatch");
  }
  SECTION("300 s skew is allowed, 301 s is not") {
    CHECK(VerifyIntakeAuth(secrets, "", kSlackTs, kSlackSig, kSlackBody,
                           kNow + 300)
              .ok);
    CHECK(VerifyIntakeAuth(secrets, "", kSlackTs, kSlackSig, kSlackBody,
                           kNow - 300)
              .ok);
    auto r = VerifyIntakeAuth(secrets, "", kSlackTs, kSlackSig, kSlackBody,
                              kNow + 301);
    CHECK_FALSE(r.ok);
    CHECK(r.reason == "timestamp outside the 300 s window");
  }
  SECTION("a non-numeric timestamp is refused") {
    CHECK_FALSE(
        VerifyIntakeAuth(secrets, "", "12a", kSlackSig, kSlackBody, kNow).ok);
  }
  SECTION("a bearer token is refused when only signing is configured") {
    CHECK_FALSE(
        VerifyIntakeAuth(secrets, "Bearer x", "", "", kSlackBody, kNow).ok);
  }
}

TEST_CASE("bearer tokens must match exactly", "[http][auth]") {
  IntakeSecrets secrets{std::string("s3cret"), std::nullopt};
  CHECK(VerifyIntakeAuth(secrets, "Bearer s3cret", "", "", "{}", kNow).ok);
  CHECK(VerifyIntakeAuth(secrets, "bearer s3cret", "", "", "{}", kNow).ok);
  auto bad = VerifyIntakeAuth(secrets, "Bearer s3cres", "", "", "{}", kNow);
  CHECK_FALSE(bad.ok);
  CHECK(bad.reason == "bad token");
  CHECK_FALSE(
      VerifyIntakeAuth(secrets, "Bearer s3cret2", "", "", "{}", kNow).ok);
  CHECK_FALSE(
      VerifyIntakeAuth(secrets, "Basic czNjcmV0", "", "", "{}", kNow).ok);
  auto missing = VerifyIntakeAuth(secrets, "", "", "", "{}", kNow);
  CHECK_FALSE(missing.ok);
  CHECK(missing.reason.find("missing credentials") == 0);
}

TEST_CASE("with no secret configured every request is refused",
          "[http][auth]") {
  IntakeSecrets none;
  CHECK_FALSE(VerifyIntakeAuth(none, "Bearer anything", "", "", "{}", kNow).ok);
  CHECK_FALSE(
      VerifyIntakeAuth(none, "", kSlackTs, kSlackSig, kSlackBody, kNow).ok);
}

TEST_CASE("ConstantTimeEquals compares contents and lengths", "[http][auth]") {
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abcd"));
}

}  // namespace
}  // namespace leadrouter
