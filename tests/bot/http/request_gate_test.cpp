#include "bot/http/request_gate.h"

#include <catch2/catch.hpp>

namespace leadrouter {
namespace {

const auto kWall =
    std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
const auto kMono =
    std::chrono::steady_clock::time_point(std::chrono::seconds(50));

HttpRequest JsonPost(std::string auth) {
  HttpRequest r;
  r.method = "POST";
  r.path = r.target = "/v1/leads";
  r.remote_ip = "10.0.0.1";
  r.body = "{}";
  r.headers["Content-Type"] = "application/json";
  if (!auth.empty()) r.headers["Authorization"] = std::move(auth);
  return r;
}

RequestGateOptions Options() {
  RequestGateOptions o;
  o.bearer_token = "tok";
  o.webhook_secret = "whsec";
  o.rate_burst = 2;
  o.rate_per_second = 1;
  return o;
}

TEST_CASE("the gate checks auth, then rate, then content type",
          "[http][gate]") {
  RequestGate gate(Options());
  SECTION("a good request passes") {
    CHECK_FALSE(gate.Check(JsonPost("Bearer tok"), kWall, kMono));
  }
  SECTION("missing auth is 401 with WWW-Authenticate, and costs no token") {
    for (int i = 0; i < 5; ++i) {
      auto r = gate.Check(JsonPost(""), kWall, kMono);
      REQUIRE(r);
      CHECK(r->status == 401);
      CHECK(r->headers == decltype(r->headers){{"WWW-Authenticate", "Bearer"}});
    }
    CHECK_FALSE(gate.Check(JsonPost("Bearer tok"), kWall, kMono));
  }
  SECTION("a signed request passes") {
    HttpRequest r = JsonPost("");
    r.headers["X-Leadrouter-Timestamp"] = "1700000000";
    r.headers["X-Leadrouter-Signature"] = SignV0("whsec", "1700000000", "{}");
    CHECK_FALSE(gate.Check(r, kWall, kMono));
  }
  SECTION(
      "past the burst is 429 with Retry-After, even with a bad content type") {
    CHECK_FALSE(gate.Check(JsonPost("Bearer tok"), kWall, kMono));
    CHECK_FALSE(gate.Check(JsonPost("Bearer tok"), kWall, kMono));
    HttpRequest text = JsonPost("Bearer tok");
    text.headers["Content-Type"] = "text/plain";
    auto r = gate.Check(text, kWall, kMono);
    REQUIRE(r);
    CHECK(r->status == 429);
    CHECK(r->headers == decltype(r->headers){{"Retry-After", "1"}});
    HttpRequest other = JsonPost("Bearer tok");
    other.remote_ip = "10.0.0.2";
    CHECK_FALSE(gate.Check(other, kWall, kMono));
  }
  SECTION("content type: parameters and case are fine, others are 415") {
    HttpRequest r = JsonPost("Bearer tok");
    r.headers["Content-Type"] = "Application/JSON; charset=utf-8";
    CHECK_FALSE(gate.Check(r, kWall, kMono));
    r.headers["Content-Type"] = "text/plain";
    auto bad = gate.Check(r, kWall, kMono);
    REQUIRE(bad);
    CHECK(bad->status == 415);
    CHECK(nlohmann::json::parse(bad->body)["field"] == "Content-Type");
  }
}

TEST_CASE("X-Forwarded-For is the client key only when configured",
          "[http][gate]") {
  HttpRequest r = JsonPost("");
  r.headers["X-Forwarded-For"] = " 203.0.113.9 , 10.0.0.1";
  CHECK(RequestGate(Options()).ClientKey(r) == "10.0.0.1");
  RequestGateOptions proxied = Options();
  proxied.trust_forwarded_for = true;
  CHECK(RequestGate(proxied).ClientKey(r) == "203.0.113.9");
}

}  // namespace
}  // namespace leadrouter
