#include "bot/slack/endpoint_url.h"

#include <catch2/catch.hpp>

using leadrouter::slack::ParseEndpointUrl;

TEST_CASE("an endpoint URL is taken apart into what a connection needs",
          "[bot][slack][url]") {
  SECTION("the secure scheme, default port, path and query") {
    auto u = ParseEndpointUrl("wss://WSS-Primary.Slack.com/link/?ticket=1&app_id=A1",
                              "wss", "ws");
    REQUIRE(u.ok());
    CHECK(u->tls);
    CHECK(u->host == "wss-primary.slack.com");
    CHECK(u->port == "443");
    CHECK(u->authority == "WSS-Primary.Slack.com");
    CHECK(u->target == "/link/?ticket=1&app_id=A1");
  }
  SECTION("the plain scheme with a port, no path, a fragment dropped") {
    auto u = ParseEndpointUrl("http://127.0.0.1:8089#x", "https", "http");
    REQUIRE(u.ok());
    CHECK_FALSE(u->tls);
    CHECK(u->port == "8089");
    CHECK(u->target == "/");
  }
  SECTION("an IPv6 literal") {
    auto u = ParseEndpointUrl("ws://[::1]:9000/link", "wss", "ws");
    REQUIRE(u.ok());
    CHECK(u->host == "::1");
    CHECK(u->port == "9000");
    CHECK(u->authority == "[::1]:9000");
  }
}

TEST_CASE("a malformed endpoint URL says what is wrong", "[bot][slack][url]") {
  auto message = [](const std::string& url) {
    auto u = ParseEndpointUrl(url, "https", "http");
    REQUIRE_FALSE(u.ok());
    return u.status().message();
  };
  CHECK(message("ftp://slack.com/") == "must start with https:// or http://");
  CHECK(message("https://user@slack.com/") == "needs a host and no user info");
  CHECK(message("https:///api/") == "needs a host and no user info");
  CHECK(message("https://slack.com:0/") == "has a bad port");
  CHECK(message("https://slack.com:99999/") == "has a bad port");
  CHECK(message("https://slack.com:8a/") == "has a bad port");
  CHECK(message("https://[::1/") == "has an unclosed '['");
  CHECK(message("https://[::1]x/") == "has a bad port");
  CHECK(message("https://:443/") == "needs a host");
}
