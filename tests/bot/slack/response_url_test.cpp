#include "bot/slack/response_url.h"

#include <catch2/catch.hpp>

namespace leadrouter::slack {
namespace {

TEST_CASE("a response_url is only posted to Slack's hooks host or the api_url's "
          "own host",
          "[slack][response_url]") {
  const std::string api = "https://slack.com/api/";
  CHECK(CheckResponseUrl("https://hooks.slack.com/actions/T01/111/xxx", api) == "");
  CHECK(CheckResponseUrl("https://hooks.slack.com:443/commands/T01/1/y", api) == "");
  // A stand-in on loopback, where api_url points.
  CHECK(CheckResponseUrl("http://127.0.0.1:4100/_sim/response/abc",
                         "http://127.0.0.1:4100/api/") == "");
  // Anything else is refused: a forged payload cannot send us elsewhere.
  CHECK(CheckResponseUrl("http://hooks.slack.com/actions/T01/1/x", api) != "");
  CHECK(CheckResponseUrl("https://hooks.slack.com.evil.example/x", api) != "");
  CHECK(CheckResponseUrl("https://evil.example/actions", api) != "");
  CHECK(CheckResponseUrl("http://127.0.0.1:4101/_sim/response/abc",
                         "http://127.0.0.1:4100/api/") != "");
  CHECK(CheckResponseUrl("ftp://hooks.slack.com/x", api).rfind("refused_url", 0) ==
        0);
  CHECK(CheckResponseUrl("", api) != "");
}

TEST_CASE("the answer is ephemeral and leaves the clicked message alone",
          "[slack][response_url]") {
  const nlohmann::json body = EphemeralResponse(
      {{"text", "Sorry, lead #4 is already claimed by <@U1>."},
       {"blocks", nlohmann::json::array({{{"type", "section"}}})},
       {"channel", "C1"}});
  CHECK(body["response_type"] == "ephemeral");
  CHECK(body["replace_original"] == false);
  CHECK(body["text"] == "Sorry, lead #4 is already claimed by <@U1>.");
  CHECK(body["blocks"].size() == 1);
  CHECK_FALSE(body.contains("channel"));
}

}  // namespace
}  // namespace leadrouter::slack
