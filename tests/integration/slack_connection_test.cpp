// The Slack connection as an operator sees it: the real `leadrouter serve`
// against the real slack-sim, checked through /healthz, the daemon's log
// and the sim's own records of sockets and acks.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/slack_sim/sim_test_client.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"

using leadrouter::test::HttpClient;
using leadrouter::testing::DaemonProcess;
using leadrouter::testing::FreePort;
using leadrouter::testing::ReadFile;
using leadrouter::testing::TempDir;
using leadrouter::testing::WriteFile;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr char kIntakeToken[] = "intake-token-for-tests-0123456789";
constexpr char kBotToken[] = "xoxb-test";
constexpr char kAppToken[] = "xapp-test";

// Polls `done()` every 20 ms until it holds or `timeout` passes.
template <typename Done>
bool Eventually(Done done, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// slack-sim plus a daemon pointed at it, with short liveness limits.
struct SlackDaemon {
  explicit SlackDaemon(std::string bot_token = kBotToken,
                       std::string app_token = kAppToken,
                       std::vector<std::string> sim_args = {},
                       const std::function<void(uint16_t)>& before_start = {})
      : sim(SimArgs(std::move(sim_args))), port(FreePort()) {
    if (before_start) before_start(sim.port());
    WriteFile(dir.File("leadrouter.toml"),
              "[server]\nlisten = \"127.0.0.1:" + std::to_string(port) +
                  "\"\n[storage]\npath = \"" + dir.File("leads.db") +
                  "\"\n[slack]\napi_url = \"http://127.0.0.1:" +
                  std::to_string(sim.port()) +
                  "/api/\"\nsocket_ping_interval = \"200ms\"\n"
                  "socket_silence_limit = \"1s\"\n");
    process = std::make_unique<DaemonProcess>(
        std::vector<std::string>{"serve", "--config",
                                 dir.File("leadrouter.toml"), "--log-format",
                                 "json"},
        std::map<std::string, std::string>{
            {"LEADROUTER_INTAKE_TOKEN", kIntakeToken},
            {"SLACK_BOT_TOKEN", bot_token},
            {"SLACK_APP_TOKEN", app_token}},
        dir.File("daemon.log"));
    REQUIRE(process->WaitForPort(port));
  }

  static std::vector<std::string> SimArgs(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--bot-token",     kBotToken,
                                     "--app-token",     kAppToken,
                                     "--ping-interval", "200ms"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  json Health() {
    HttpClient client(port);
    return json::parse(client.Send("GET", "/healthz").body, nullptr, false);
  }

  std::string SlackState() {
    json health = Health();
    return health.is_object() ? health["slack"].value("state", "") : "";
  }

  bool WaitForState(const std::string& state) {
    return Eventually([&] { return SlackState() == state; });
  }

  // The daemon's JSON log lines whose event is `msg`.
  std::vector<json> LogLines(const std::string& msg) const {
    std::vector<json> out;
    std::istringstream in(process->Log());
    for (std::string line; std::getline(in, line);) {
      json j = json::parse(line, nullptr, false);
      if (j.is_object() && j.value("msg", "") == msg)
        out.push_back(std::move(j));
    }
    return out;
  }

  std::size_t AppliedWithEvent(const std::string& event_id) const {
    std::size_t n = 0;
    for (const json& line : LogLines("slack.envelope")) {
      if (line.value("event_id", "") == event_id) ++n;
    }
    return n;
  }

  std::string SendEvent() {
    return slack_sim_test::Control(
               sim.port(), "event",
               {{"event", {{"type", "app_mention"}, {"text", "hi"}}}})
        .value("event_id", "");
  }

  json Connections() {
    return slack_sim_test::ControlGet(sim.port(), "connections");
  }

  slack_sim_test::SimProcess sim;
  TempDir dir;
  uint16_t port;
  std::unique_ptr<DaemonProcess> process;
};

}  // namespace

TEST_CASE("serve connects to Slack, gets hello and healthz says connected",
          "[integration][slack]") {
  SlackDaemon d;
  REQUIRE(d.WaitForState("connected"));
  json health = d.Health();
  CHECK(health["slack"]["detail"] == "");
  CHECK(health["slack"].contains("since_unix"));
  CHECK(d.Connections()["open"] == 1);
  CHECK(d.LogLines("slack.auth_ok").size() == 1);

  SECTION("and closes the socket cleanly on SIGTERM") {
    CHECK(d.process->Stop(SIGTERM) == 0);
    CHECK(Eventually([&] { return d.Connections()["open"] == 0; }));
    const std::string log = d.process->Log();
    CHECK(log.find(kBotToken) == std::string::npos);
    CHECK(log.find(kAppToken) == std::string::npos);
  }
}

TEST_CASE("an envelope is acked well within Slack's 3 seconds and applied once",
          "[integration][slack]") {
  SlackDaemon d;
  REQUIRE(d.WaitForState("connected"));
  std::vector<std::string> events;
  for (int i = 0; i < 5; ++i) events.push_back(d.SendEvent());
  json acks;
  REQUIRE(Eventually([&] {
    acks = slack_sim_test::ControlGet(d.sim.port(), "acks");
    if (acks.size() != events.size()) return false;
    for (const json& a : acks) {
      if (a["state"] != "acked") return false;
    }
    return true;
  }));
  long long worst_us = 0;
  for (const json& a : acks)
    worst_us = std::max(worst_us, a["ack_latency_us"].get<long long>());
  std::cout << "ack latency, worst of " << acks.size() << ": "
            << worst_us / 1000.0 << " ms\n";
  CHECK(worst_us < 500000);
  for (const std::string& id : events) {
    REQUIRE(Eventually([&] { return d.AppliedWithEvent(id) == 1; }));
  }
  const json line = d.LogLines("slack.envelope").front();
  CHECK(line["type"] == "events_api");
  CHECK(line["retry_attempt"] == 0);
  CHECK(line["envelope_id"].is_string());
  CHECK(line["level"] == "info");
}

TEST_CASE("a refresh opens the new socket first and loses no envelope",
          "[integration][slack]") {
  SlackDaemon d(
      "xoxb-test", "xapp-test",
      {"--ack-timeout", "300ms", "--redelivery-delays", "100ms,100ms"});
  REQUIRE(d.WaitForState("connected"));
  REQUIRE(slack_sim_test::Control(d.sim.port(), "disconnect",
                                  {{"reason", "refresh_requested"}})["sent"] ==
          1);
  std::vector<std::string> events;
  json connections;
  REQUIRE(Eventually([&] {
    events.push_back(d.SendEvent());
    connections = d.Connections();
    return connections["total_opened"] == 2 && connections["open"] == 1;
  }));
  // The new socket was open before the old one closed.
  CHECK(connections["most_open"] == 2);
  events.push_back(d.SendEvent());
  for (const std::string& id : events) {
    INFO(id);
    REQUIRE(Eventually([&] { return d.AppliedWithEvent(id) == 1; }));
  }
  CHECK(d.SlackState() == "connected");
  // It never dipped out of connected during the switch.
  for (const json& line : d.LogLines("slack.state"))
    CHECK(line["state"] != "reconnecting");
  CHECK(d.LogLines("slack.state").back()["state"] == "connected");
}

TEST_CASE("a redelivered envelope is acked and applied once",
          "[integration][slack]") {
  SlackDaemon d;
  REQUIRE(d.WaitForState("connected"));

  SECTION("the same envelope delivered twice") {
    slack_sim_test::Control(d.sim.port(), "duplicate-next");
    const std::string id = d.SendEvent();
    REQUIRE(Eventually(
        [&] { return d.LogLines("slack.envelope.duplicate").size() == 1; }));
    CHECK(d.AppliedWithEvent(id) == 1);
  }

  SECTION("a retry with a new envelope_id after a lost ack") {
    const std::string id = d.SendEvent();
    REQUIRE(Eventually([&] { return d.AppliedWithEvent(id) == 1; }));
    const std::string first =
        d.LogLines("slack.envelope").front()["envelope_id"];
    REQUIRE(slack_sim_test::Control(d.sim.port(), "redeliver",
                                    {{"envelope_id", first}})
                .contains("envelope_id"));
    REQUIRE(Eventually(
        [&] { return d.LogLines("slack.envelope.duplicate").size() == 1; }));
    const json dropped = d.LogLines("slack.envelope.duplicate").front();
    CHECK(dropped["event_id"] == id);
    CHECK(dropped["retry_attempt"] == 1);
    CHECK(d.AppliedWithEvent(id) == 1);
  }
  // Both deliveries acked: the log line may come before the ack's write.
  CHECK(Eventually([&] {
    json acks = slack_sim_test::ControlGet(d.sim.port(), "acks");
    return acks.size() == 2 && acks[0]["state"] == "acked" &&
           acks[1]["state"] == "acked";
  }));
}

TEST_CASE("a link that goes silent is replaced", "[integration][slack]") {
  SlackDaemon d;
  REQUIRE(d.WaitForState("connected"));
  slack_sim_test::Control(d.sim.port(), "silence", {{"on", true}});
  REQUIRE(Eventually([&] { return d.SlackState() == "reconnecting"; }));
  slack_sim_test::Control(d.sim.port(), "silence", {{"on", false}});
  REQUIRE(d.WaitForState("connected"));
  CHECK(d.Connections()["total_opened"].get<int>() >= 2);
  const auto warnings = d.LogLines("slack.state");
  bool saw_silent = false;
  for (const json& w : warnings) {
    if (w.value("detail", "") == "connection went silent") saw_silent = true;
  }
  CHECK(saw_silent);
  const std::string id = d.SendEvent();
  CHECK(Eventually([&] { return d.AppliedWithEvent(id) == 1; }));
}

TEST_CASE(
    "a bot token that Slack refuses is fatal, named, and intake keeps working",
    "[integration][slack]") {
  SlackDaemon d("xoxb-revoked", kAppToken);
  REQUIRE(d.WaitForState("fatal"));
  const std::string detail = d.Health()["slack"]["detail"];
  CHECK(detail.find("SLACK_BOT_TOKEN") != std::string::npos);
  CHECK(detail.find("invalid_auth") != std::string::npos);
  const auto fatal = d.LogLines("slack.fatal");
  REQUIRE(fatal.size() == 1);
  CHECK(fatal[0]["level"] == "error");
  CHECK(fatal[0]["detail"].get<std::string>().find("SLACK_BOT_TOKEN") !=
        std::string::npos);
  // No Socket Mode connection without a working bot token.
  CHECK(d.Connections()["total_opened"] == 0);

  HttpClient client(d.port);
  auto r =
      client.Send("POST", "/v1/leads",
                  {{"Content-Type", "application/json"},
                   {"Authorization", std::string("Bearer ") + kIntakeToken}},
                  R"({"name":"Dana O'Connell","phone":"+12125550199"})");
  CHECK(r.status == 202);
  CHECK(d.process->running());
}

TEST_CASE(
    "an app token that Slack refuses is fatal, named, and intake keeps working",
    "[integration][slack]") {
  SlackDaemon d(kBotToken, "xapp-revoked");
  REQUIRE(d.WaitForState("fatal"));
  const std::string detail = d.Health()["slack"]["detail"];
  CHECK(detail.find("SLACK_APP_TOKEN") != std::string::npos);
  CHECK(detail.find("invalid_auth") != std::string::npos);
  const auto fatal = d.LogLines("slack.fatal");
  REQUIRE(fatal.size() == 1);
  CHECK(fatal[0]["detail"].get<std::string>().find("SLACK_APP_TOKEN") !=
        std::string::npos);

  HttpClient client(d.port);
  auto r =
      client.Send("POST", "/v1/leads",
                  {{"Content-Type", "application/json"},
                   {"Authorization", std::string("Bearer ") + kIntakeToken}},
                  R"({"name":"Dana O'Connell","phone":"+12125550199"})");
  CHECK(r.status == 202);
  CHECK(d.process->running());
}

TEST_CASE(
    "auth.test that fails on Slack's side is retried, then serve connects",
    "[integration][slack]") {
  SlackDaemon d(kBotToken, kAppToken, {}, [](uint16_t sim_port) {
    slack_sim_test::Control(
        sim_port, "fault",
        {{"method", "auth.test"}, {"status", 503}, {"count", 1}});
  });
  REQUIRE(d.WaitForState("connected"));
  bool saw_retry = false;
  for (const json& line : d.LogLines("slack.state")) {
    if (line.value("detail", "").find("auth.test failed, will retry") !=
        std::string::npos)
      saw_retry = true;
  }
  CHECK(saw_retry);
  CHECK(d.LogLines("slack.fatal").empty());
  CHECK(d.LogLines("slack.auth_ok").size() == 1);
}
