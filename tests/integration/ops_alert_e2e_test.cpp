// Ops alerts end to end: the real daemon and the Slack stand-in, with the
// daemon's clock moved by the test. An outage of Slack's Web API that
// kills several jobs reaches the ops channel as one alert and, once posts
// go through again, one recovery note.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/support/slack_stack.h"
#include "tests/support/http_client.h"

using leadrouter::testing::Contains;
using leadrouter::testing::HotLead;
using leadrouter::testing::kOpsChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using nlohmann::json;

namespace {

// Polls `sql` until it gives `want`; false after a few seconds.
bool WaitForCount(SlackStack& s, const std::string& sql, int64_t want) {
  for (int i = 0; i < 500; ++i) {
    if (s.Count(sql) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string SlackState(SlackStack& s) {
  leadrouter::test::HttpClient http(s.daemon_port());
  json health = json::parse(http.Send("GET", "/healthz").body, nullptr, false);
  return health.is_object() ? health["slack"].value("state", "") : "";
}

}  // namespace

TEST_CASE("a Web API outage that kills several posts gives one ops alert and one "
          "recovery note",
          "[integration][ops_alerts]") {
  // Retries wait a minute of the daemon's clock, so the test decides when
  // they run; a job still waiting for Slack after a minute (its patience)
  // becomes a dead letter.
  SlackStack s(StackOptions{
      "[jobs]\nmax_attempts = 2\nbackoff_base = \"1m\"\nbackoff_cap = \"1m\"\n"
      "unavailable_patience = \"1m\"\n"});
  // Every chat.postMessage fails while the outage lasts: two attempts for
  // each of three shark-tank posts, and the ops alert's first try.
  s.SimPost("fault", {{"method", "chat.postMessage"}, {"count", 7}, {"status", 503}});
  for (int i = 0; i < 3; ++i) s.PostLead(HotLead(60 + i, "Outage Owner " + std::to_string(i)));
  REQUIRE(WaitForCount(s, "SELECT COUNT(*) FROM jobs WHERE kind = 'slack.post_shark_tank' "
                          "AND waiting_on = 'slack' AND state = 'pending'", 3));
  s.Advance("1m");
  INFO(s.DaemonLog());
  REQUIRE(WaitForCount(s, "SELECT COUNT(*) FROM jobs WHERE state = 'dead'", 3));
  REQUIRE(WaitForCount(s, "SELECT COUNT(*) FROM jobs WHERE kind = 'slack.ops_alert' "
                          "AND waiting_on = 'slack' AND state = 'pending'", 1));

  // Slack is back: the alert's retry goes out, and the next post closes
  // the outage.
  s.Advance("1m");
  auto alert = s.WaitFor(kOpsChannel, [](const json& m) {
    return Contains(MessageText(m), "Job moved to dead letters");
  });
  REQUIRE(alert);
  CHECK(Contains(MessageText(*alert), "slack.post_shark_tank"));
  CHECK(Contains(MessageText(*alert), "/leads dlq"));

  s.PostLead(HotLead(63, "Back Again"));
  s.WaitForPost("Back Again");
  auto note = s.WaitFor(kOpsChannel, [](const json& m) {
    return Contains(MessageText(m), "works again");
  });
  REQUIRE(note);
  CHECK(Contains(MessageText(*note), "3 dead letters"));
  CHECK(Contains(MessageText(*note), "/leads dlq to replay"));

  // Nothing more follows: no second alert, no alert about the Slack link.
  s.WaitUntilIdle();
  CHECK(s.Channel(kOpsChannel)["messages"].size() == 2);
}

TEST_CASE("a Socket Mode link down longer than slack_down_after gives one alert and "
          "one note when it is back",
          "[integration][ops_alerts][slack]") {
  SlackStack s;
  // Slack asks for a refresh and drops the old socket; the new socket's
  // apps.connections.open takes 3 s of wall time, while the test moves the
  // daemon's clock 3 min on. (A failing apps.connections.open would keep
  // the link down for a minute: the client paces that Tier 1 method.)
  s.SimPost("fault", {{"method", "apps.connections.open"}, {"count", 1}, {"delay_ms", 3000}});
  s.SimPost("disconnect", {{"reason", "refresh_requested"}, {"close_after_ms", 50}});
  bool down = false;
  for (int i = 0; i < 200 && !down; ++i) {
    down = SlackState(s) == "reconnecting";
    if (!down) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(down);
  s.Advance("3m");
  auto alert = s.WaitFor(kOpsChannel, [](const json& m) {
    return Contains(MessageText(m), "Slack connection down");
  });
  REQUIRE(alert);
  auto note = s.WaitFor(
      kOpsChannel,
      [](const json& m) { return Contains(MessageText(m), "Slack connection back after 3 min"); },
      /*ephemeral=*/false, std::chrono::seconds(30));
  INFO(s.Channel(kOpsChannel).dump());
  REQUIRE(note);
  s.WaitUntilIdle();
  CHECK(s.Channel(kOpsChannel)["messages"].size() == 2);
}

TEST_CASE("restarts leave no ops alert timer behind",
          "[integration][ops_alerts]") {
  SlackStack s;
  // Each start opens the Slack link's alert group ("connecting") and
  // closes it when connected; its timer goes with it.
  for (int restart = 0; restart < 6; ++restart) {
    s.StopDaemon(restart % 2 == 0 ? 15 : 9);
    s.StartDaemon();
  }
  REQUIRE(WaitForCount(s, "SELECT COUNT(*) FROM alert_groups WHERE key = "
                          "'slack_connection' AND open = 0", 1));
  CHECK(WaitForCount(s, "SELECT COUNT(*) FROM jobs WHERE kind = "
                        "'ops.alert_quiet_check' AND state = 'pending'", 0));
  CHECK(s.Count("SELECT COUNT(*) FROM jobs WHERE kind = 'ops.alert_quiet_check' "
                "AND state = 'cancelled'") >= 1);
  CHECK(s.Channel(kOpsChannel)["messages"].empty());
}

TEST_CASE("healthz says the Web API is failing while the socket is connected",
          "[integration][ops_alerts][healthz]") {
  SlackStack s(StackOptions{
      "[jobs]\nmax_attempts = 5\nbackoff_base = \"1m\"\nbackoff_cap = \"1m\"\n"});
  auto health = [&] {
    leadrouter::test::HttpClient http(s.daemon_port());
    return json::parse(http.Send("GET", "/healthz").body, nullptr, false);
  };
  s.SimPost("fault", {{"method", "chat.postMessage"}, {"count", 1}, {"status", 503}});
  s.PostLead(HotLead(70, "Wendy Webapi"));
  json h;
  for (int i = 0; i < 250; ++i) {
    h = health();
    // The failure shows before the writer has put the post back to wait.
    if (h["slack"]["web_api"]["state"] == "failing" && h["queue"]["scheduled"] >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  INFO(h.dump());
  CHECK(h["slack"]["state"] == "connected");
  CHECK(h["slack"]["web_api"]["state"] == "failing");
  CHECK(h["slack"]["web_api"]["last_error"] == "http_503");
  CHECK(h["slack"]["web_api"]["consecutive_failures"] == 1);
  // The post waits for its retry a minute later: scheduled, not due; the
  // claim timer is scheduled too.
  CHECK(h["queue"]["pending"] == 0);
  CHECK(h["queue"]["scheduled"] >= 2);

  s.Advance("1m");
  s.WaitForPost("Wendy Webapi");
  for (int i = 0; i < 250 && health()["slack"]["web_api"]["state"] != "ok"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(health()["slack"]["web_api"]["state"] == "ok");
}
