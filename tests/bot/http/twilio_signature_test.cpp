#include "bot/http/twilio_signature.h"

#include <catch2/catch.hpp>

namespace leadrouter {
namespace {

// The example in Twilio's request-validation documentation.
constexpr char kToken[] = "12345";
constexpr char kUrl[] = "https://mycompany.com/myapp.php?foo=1&bar=2";
constexpr char kSignature[] = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

FormParams DocumentedParams() {
  // Deliberately not in name order: the signer sorts.
  return {{"To", "+18005551212"},
          {"CallSid", "CA1234567890ABCDE"},
          {"From", "+14158675309"},
          {"Caller", "+14158675309"},
          {"Digits", "1234"}};
}

}  // namespace

TEST_CASE("SignTwilioRequest reproduces Twilio's documented signature",
          "[http][twilio]") {
  CHECK(SignTwilioRequest(kToken, kUrl, DocumentedParams()) == kSignature);
}

TEST_CASE("a Twilio signature is checked against token, URL and every param",
          "[http][twilio]") {
  FormParams params = DocumentedParams();
  CHECK(VerifyTwilioSignature(kToken, kUrl, params, kSignature));
  SECTION("another token") {
    CHECK_FALSE(VerifyTwilioSignature("54321", kUrl, params, kSignature));
  }
  SECTION("another URL, even by a trailing slash or the scheme") {
    CHECK_FALSE(VerifyTwilioSignature(
        kToken, "https://mycompany.com/myapp.php?foo=1&bar=3", params,
        kSignature));
    CHECK_FALSE(VerifyTwilioSignature(
        kToken, "http://mycompany.com/myapp.php?foo=1&bar=2", params,
        kSignature));
  }
  SECTION("a changed or an added parameter") {
    params[4].second = "1235";
    CHECK_FALSE(VerifyTwilioSignature(kToken, kUrl, params, kSignature));
    FormParams added = DocumentedParams();
    added.emplace_back("Body", "STOP");
    CHECK_FALSE(VerifyTwilioSignature(kToken, kUrl, added, kSignature));
  }
  SECTION("no signature, or no token, never passes") {
    CHECK_FALSE(VerifyTwilioSignature(kToken, kUrl, params, ""));
    CHECK_FALSE(VerifyTwilioSignature("", kUrl, params, kSignature));
  }
}

TEST_CASE("a form body decodes into its pairs, in order", "[http][form]") {
  FormParams params = ParseFormBody(
      "From=%2B12125550199&Body=Stop+it%21&&Empty=&Flag&From=%2B1");
  REQUIRE(params.size() == 5);
  CHECK(params[0] == std::pair<std::string, std::string>("From", "+12125550199"));
  CHECK(params[1].second == "Stop it!");
  CHECK(params[2] == std::pair<std::string, std::string>("Empty", ""));
  CHECK(params[3] == std::pair<std::string, std::string>("Flag", ""));
  CHECK(FormValue(params, "From") == "+12125550199");
  CHECK(FormValue(params, "Missing") == "");
  CHECK(ParseFormBody("").empty());
}

TEST_CASE("a signature over a decoded form body matches the raw form",
          "[http][twilio]") {
  // What the daemon does: decode the body, then sign the decoded values.
  FormParams decoded = ParseFormBody(
      "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&"
      "From=%2B14158675309&To=%2B18005551212");
  CHECK(VerifyTwilioSignature(kToken, kUrl, decoded, kSignature));
}

}  // namespace leadrouter
