#include "bot/slack/web_api_health.h"

#include <catch2/catch.hpp>

namespace leadrouter::slack {
namespace {

const SystemTime kT0 = SystemTime(std::chrono::seconds(1'800'000'000));

TEST_CASE("web api health: failing while calls do not reach Slack, ok once "
          "one does",
          "[slack][health]") {
  WebApiHealth health;
  CHECK(health.ToJson()["state"] == "unknown");
  health.Record(200, "", kT0);
  CHECK(health.ToJson()["state"] == "ok");
  CHECK(health.ToJson()["last_ok_unix"] == 1'800'000'000);

  health.Record(503, "http_503", kT0 + std::chrono::seconds(10));
  health.Record(0, "transport_error: connection refused",
                kT0 + std::chrono::seconds(20));
  nlohmann::json failing = health.ToJson();
  CHECK(health.failing());
  CHECK(failing["state"] == "failing");
  CHECK(failing["consecutive_failures"] == 2);
  CHECK(failing["last_error"] == "transport_error: connection refused");
  CHECK(failing["failing_since_unix"] == 1'800'000'010);

  // Slack answering with an error of its own, or a 429, is Slack reachable.
  health.Record(429, "ratelimited", kT0 + std::chrono::seconds(30));
  CHECK(health.ToJson()["state"] == "ok");
  health.Record(200, "channel_not_found", kT0 + std::chrono::seconds(40));
  CHECK(health.ToJson()["state"] == "ok");
  CHECK_FALSE(health.ToJson().contains("failing_since_unix"));
}

}  // namespace
}  // namespace leadrouter::slack
