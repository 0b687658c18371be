// SocketModeClient against the real slack-sim binary (hello, acks,
// redeliveries, disconnects, silence, fatal errors) and against a local
// wss:// server with a certificate made at test time. The client's loop
// runs on the test thread; session time comes from a FakeClock that the
// tests move, so no test sleeps for a timeout.
#include "bot/slack/socket_mode_client.h"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "bot/slack/web_api_client.h"
#include "tests/slack_sim/sim_test_client.h"
#include "tests/support/daemon_process.h"
#include "tests/support/fake_clock.h"
#include "tests/support/tls_test_server.h"

using leadrouter::slack::Envelope;
using leadrouter::slack::EnvelopeType;
using leadrouter::slack::SessionState;
using leadrouter::slack::SocketModeClient;
using leadrouter::slack::SocketModeClientOptions;
using leadrouter::slack::WebApiClient;
using leadrouter::slack::WebApiOptions;
using leadrouter::testing::FakeClock;
using nlohmann::json;
using namespace std::chrono_literals;

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr char kBotToken[] = "xoxb-test";
constexpr char kAppToken[] = "xapp-test";

SocketModeClientOptions ClientOptions() {
  SocketModeClientOptions options;
  options.session.silence_limit = 10s;
  options.session.attempt_timeout = 10s;
  options.session.backoff_base = 1s;
  options.session.backoff_cap = 4s;
  options.ping_interval = 200ms;
  return options;
}

// Runs the loop until `done()` or the (real) timeout; true when done.
template <typename Done>
bool RunUntil(asio::io_context& loop, Done done,
              std::chrono::milliseconds timeout = 5s) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!done() && SteadyClock::now() < deadline) {
    // Waits for one handler, then runs every other that is ready, so a
    // predicate that asks the sim over HTTP cannot starve the client.
    loop.run_one_for(10ms);
    loop.poll();
    if (loop.stopped()) loop.restart();
  }
  return done();
}

// Runs every handler that is ready now, without waiting for I/O: after it,
// whatever a synchronous call (a tick, Stop) set in motion on the loop has
// had its turn.
void RunReady(asio::io_context& loop) {
  loop.restart();
  loop.poll();
}

// A sim, a Web API client and a Socket Mode client on one loop, recording
// what the client hands on.
struct Harness {
  explicit Harness(std::vector<std::string> sim_args = {},
                   std::string app_token = kAppToken)
      : sim(SimArgs(std::move(sim_args))),
        api(loop, ApiOptions(sim.port(), std::move(app_token))),
        client(loop, api, clock, ClientOptions()) {
    client.OnEnvelope([this](const Envelope& e) { applied.push_back(e); });
    client.OnDuplicate([this](const Envelope& e) { duplicates.push_back(e); });
    client.OnStateChange([this](SessionState state, const std::string& detail) {
      states.emplace_back(state, detail);
    });
    client.OnAttempt([this] { ++attempts; });
  }

  static std::vector<std::string> SimArgs(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--bot-token",     kBotToken,
                                     "--app-token",     kAppToken,
                                     "--ping-interval", "200ms"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  static WebApiOptions ApiOptions(uint16_t port, std::string app_token) {
    WebApiOptions options;
    options.api_url = "http://127.0.0.1:" + std::to_string(port) + "/api/";
    options.timeout = 5s;
    options.bot_token = kBotToken;
    options.app_token = std::move(app_token);
    return options;
  }

  bool Connect() {
    client.Start();
    return RunUntil(loop,
                    [&] { return client.state() == SessionState::kConnected; });
  }

  // Sends an events_api envelope through the sim; returns its event_id.
  std::string SendEvent() {
    json answer = slack_sim_test::Control(
        sim.port(), "event",
        {{"event", {{"type", "app_mention"}, {"text", "hi"}}}});
    return answer.value("event_id", "");
  }

  std::size_t AppliedWithEvent(const std::string& event_id) const {
    std::size_t n = 0;
    for (const Envelope& e : applied) {
      if (e.payload.value("event_id", "") == event_id) ++n;
    }
    return n;
  }

  // Sends one more event and runs until it is applied: the sim writes to
  // one socket in order, so everything it sent before has been handled.
  bool Settle() {
    const std::string marker = SendEvent();
    return RunUntil(loop, [&] { return AppliedWithEvent(marker) == 1; });
  }

  json Acks() { return slack_sim_test::ControlGet(sim.port(), "acks"); }
  json Connections() {
    return slack_sim_test::ControlGet(sim.port(), "connections");
  }

  bool AllAcked() {
    json acks = Acks();
    if (acks.empty()) return false;
    for (const json& a : acks) {
      if (a["state"] != "acked") return false;
    }
    return true;
  }

  slack_sim_test::SimProcess sim;
  asio::io_context loop;
  FakeClock clock;
  WebApiClient api;
  SocketModeClient client;
  std::vector<Envelope> applied;
  std::vector<Envelope> duplicates;
  std::vector<std::pair<SessionState, std::string>> states;
  int attempts = 0;  // connection attempts begun
};

}  // namespace

TEST_CASE("the client connects, gets hello and reports connected",
          "[slack][socket_mode]") {
  Harness h;
  REQUIRE(h.client.state() == SessionState::kDisabled);
  REQUIRE(h.Connect());
  REQUIRE(h.states.size() == 2);
  CHECK(h.states[0].first == SessionState::kConnecting);
  CHECK(h.states[1].first == SessionState::kConnected);
  CHECK(h.Connections()["open"] == 1);
  CHECK(h.client.open_sockets() == 1);

  SECTION("and it pings the server") {
    RunUntil(h.loop, [&] {
      json conns = h.Connections()["connections"];
      return !conns.empty() && conns[0]["client_pings"].get<int>() >= 2;
    });
    CHECK(h.Connections()["connections"][0]["client_pings"].get<int>() >= 2);
  }
}

TEST_CASE("every envelope is acked at once and handed on once",
          "[slack][socket_mode]") {
  Harness h;
  REQUIRE(h.Connect());
  const std::string event_id = h.SendEvent();
  json command = slack_sim_test::Control(h.sim.port(), "command",
                                         {{"command", "/leads"},
                                          {"text", "mine"},
                                          {"user", "U0SALES01"},
                                          {"channel", "C0LEADS01"}});
  REQUIRE(command["ok"] == true);

  REQUIRE(
      RunUntil(h.loop, [&] { return h.applied.size() == 2 && h.AllAcked(); }));
  REQUIRE(h.Settle());
  REQUIRE(h.applied.size() == 3);
  CHECK(h.applied[0].type == EnvelopeType::kEventsApi);
  CHECK(h.AppliedWithEvent(event_id) == 1);
  CHECK(h.applied[1].type == EnvelopeType::kSlashCommands);
  CHECK(h.applied[1].envelope_id == command["envelope_id"]);
  CHECK(h.applied[1].payload["command"] == "/leads");
  CHECK(h.duplicates.empty());
  CHECK(h.client.acks_sent() == 3);
  for (const json& ack : h.Acks()) {
    CHECK(ack["state"] == "acked");
    CHECK(ack["ack_latency_us"].get<long long>() < 1000000);
  }
}

TEST_CASE("an envelope delivered twice is acked twice and applied once",
          "[slack][socket_mode]") {
  Harness h;
  REQUIRE(h.Connect());
  slack_sim_test::Control(h.sim.port(), "duplicate-next");
  const std::string event_id = h.SendEvent();

  REQUIRE(RunUntil(h.loop,
                   [&] { return h.duplicates.size() == 1 && h.AllAcked(); }));
  REQUIRE(h.Settle());
  json acks = h.Acks();
  REQUIRE(acks.size() == 3);
  CHECK(acks[0]["envelope_id"] == acks[1]["envelope_id"]);
  CHECK(h.client.acks_sent() == 3);
  CHECK(h.AppliedWithEvent(event_id) == 1);
  CHECK(h.duplicates.size() == 1);
  CHECK(h.applied.size() == 2);
}

TEST_CASE(
    "a redelivery after a lost ack (new envelope_id, same event_id) is applied "
    "once",
    "[slack][socket_mode]") {
  Harness h;
  REQUIRE(h.Connect());
  const std::string event_id = h.SendEvent();
  REQUIRE(
      RunUntil(h.loop, [&] { return h.applied.size() == 1 && h.AllAcked(); }));

  json again = slack_sim_test::Control(
      h.sim.port(), "redeliver", {{"envelope_id", h.applied[0].envelope_id}});
  REQUIRE(again.contains("envelope_id"));
  REQUIRE(RunUntil(h.loop,
                   [&] { return h.duplicates.size() == 1 && h.AllAcked(); }));
  CHECK(h.duplicates[0].envelope_id == again["envelope_id"]);
  CHECK(h.duplicates[0].envelope_id != h.applied[0].envelope_id);
  CHECK(h.duplicates[0].retry_attempt == 1);
  CHECK(h.duplicates[0].retry_reason == "timeout");
  CHECK(h.AppliedWithEvent(event_id) == 1);
  CHECK(h.applied.size() == 1);
}

TEST_CASE(
    "on refresh_requested or warning the new socket opens before the old one "
    "closes "
    "and no envelope is lost",
    "[slack][socket_mode]") {
  const std::string reason =
      GENERATE(std::string("refresh_requested"), std::string("warning"));
  INFO(reason);
  // An ack that misses the old socket's close makes the sim redeliver soon.
  // The sim picks a socket at random while both are open, so a slow run
  // (sanitizers, a loaded machine) can hand one event to the closing socket
  // several times: enough redeliveries that it always reaches the new one.
  Harness h({"--ack-timeout", "300ms", "--redelivery-delays",
             "100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms"});
  REQUIRE(h.Connect());
  REQUIRE(slack_sim_test::Control(h.sim.port(), "disconnect",
                                  {{"reason", reason}})["sent"] == 1);

  // Keep envelopes coming through the whole switch-over. Both sockets open
  // at once is read from the sim's own count: sampling the client between
  // loop turns can miss an overlap that opened and closed in one turn.
  std::set<std::string> sent;
  const bool switched = RunUntil(h.loop, [&] {
    sent.insert(h.SendEvent());
    const json connections = h.Connections();
    return connections["most_open"] == 2 && connections["open"] == 1 &&
           h.client.open_sockets() == 1;
  }, 15s);
  REQUIRE(switched);
  CHECK(h.client.state() == SessionState::kConnected);
  CHECK(h.Connections()["total_opened"] == 2);
  // The client never lost its connected state during the switch.
  CHECK(h.states.back().first == SessionState::kConnected);
  CHECK(h.states.size() == 2);
  for (int i = 0; i < 3; ++i) sent.insert(h.SendEvent());

  REQUIRE(RunUntil(h.loop, [&] {
    for (const std::string& id : sent) {
      if (h.AppliedWithEvent(id) != 1) return false;
    }
    return true;
  }));
  for (const std::string& id : sent) CHECK(h.AppliedWithEvent(id) == 1);
  CHECK(h.applied.size() == sent.size());
}

TEST_CASE("a silent link is closed and replaced", "[slack][socket_mode]") {
  Harness h;
  REQUIRE(h.Connect());
  slack_sim_test::Control(h.sim.port(), "silence", {{"on", true}});
  // Pings that get no answer: the sim reads and drops them.
  REQUIRE(RunUntil(h.loop, [&] {
    json conns = h.Connections()["connections"];
    return !conns.empty() && conns[0]["bytes_dropped"].get<int64_t>() > 0;
  }));
  h.clock.Advance(ClientOptions().session.silence_limit + 1s);
  h.client.TEST_Tick();
  CHECK(h.client.state() == SessionState::kReconnecting);
  CHECK(h.client.detail() == "connection went silent");

  slack_sim_test::Control(h.sim.port(), "silence", {{"on", false}});
  h.clock.Advance(ClientOptions().session.backoff_cap);
  h.client.TEST_Tick();
  REQUIRE(RunUntil(
      h.loop, [&] { return h.client.state() == SessionState::kConnected; }));
  CHECK(h.Connections()["total_opened"] == 2);
  REQUIRE(RunUntil(h.loop, [&] { return h.Connections()["open"] == 1; }));

  const std::string event_id = h.SendEvent();
  REQUIRE(RunUntil(h.loop, [&] { return h.AppliedWithEvent(event_id) == 1; }));
}

TEST_CASE("too_many_websockets closes first and reconnects after a backoff",
          "[slack][socket_mode]") {
  Harness h;
  REQUIRE(h.Connect());
  slack_sim_test::Control(h.sim.port(), "disconnect",
                          {{"reason", "too_many_websockets"}});
  REQUIRE(RunUntil(h.loop, [&] {
    return h.client.state() == SessionState::kReconnecting &&
           h.client.open_sockets() == 0;
  }));
  // Closed, and no new attempt until the backoff has passed.
  h.client.TEST_Tick();
  RunReady(h.loop);
  CHECK(h.attempts == 1);
  CHECK(h.client.state() == SessionState::kReconnecting);
  CHECK(h.Connections()["total_opened"] == 1);
  CHECK(h.Connections()["open"] == 0);

  h.clock.Advance(ClientOptions().session.backoff_cap);
  h.client.TEST_Tick();
  REQUIRE(RunUntil(
      h.loop, [&] { return h.client.state() == SessionState::kConnected; }));
  CHECK(h.Connections()["total_opened"] == 2);
}

TEST_CASE("link_disabled is fatal and the client does not reconnect",
          "[slack][socket_mode]") {
  Harness h;
  REQUIRE(h.Connect());
  slack_sim_test::Control(h.sim.port(), "disconnect",
                          {{"reason", "link_disabled"}});
  REQUIRE(RunUntil(h.loop,
                   [&] { return h.client.state() == SessionState::kFatal; }));
  CHECK(h.client.detail().find("link_disabled") != std::string::npos);
  CHECK(h.client.detail().find("Socket Mode") != std::string::npos);
  REQUIRE(RunUntil(h.loop, [&] { return h.client.open_sockets() == 0; }));

  h.clock.Advance(1h);
  h.client.TEST_Tick();
  RunReady(h.loop);
  CHECK(h.client.state() == SessionState::kFatal);
  CHECK(h.attempts == 1);
  CHECK(h.Connections()["total_opened"] == 1);
}

TEST_CASE("an app token that Slack refuses is fatal and names SLACK_APP_TOKEN",
          "[slack][socket_mode]") {
  Harness h({}, "xapp-wrong");
  h.client.Start();
  REQUIRE(RunUntil(h.loop,
                   [&] { return h.client.state() == SessionState::kFatal; }));
  CHECK(h.client.detail().find("SLACK_APP_TOKEN") != std::string::npos);
  CHECK(h.client.detail().find("invalid_auth") != std::string::npos);
  CHECK(h.Connections()["total_opened"] == 0);
}

TEST_CASE("Stop closes the socket and no callback runs afterwards",
          "[slack][socket_mode]") {
  Harness h;
  REQUIRE(h.Connect());
  const std::size_t states_before = h.states.size();
  h.client.Stop();
  h.SendEvent();
  // Once both ends have closed the socket nothing more can arrive on it.
  REQUIRE(RunUntil(h.loop, [&] {
    return h.client.open_sockets() == 0 && h.Connections()["open"] == 0;
  }));
  RunReady(h.loop);
  CHECK(h.applied.empty());
  CHECK(h.attempts == 1);
  CHECK(h.states.size() == states_before);
}

TEST_CASE("wss:// verifies the server certificate against ca_file",
          "[slack][socket_mode][tls]") {
  leadrouter::testing::TempDir dir;
  const auto certificate = leadrouter::testing::MakeSelfSignedCertificate(dir);
  asio::io_context loop;
  leadrouter::testing::TlsTestServer server(loop, certificate);
  const std::string authority = "localhost:" + std::to_string(server.port());
  server.SetBody([&](const std::string&) {
    return json{{"ok", true},
                {"url", "wss://" + authority + "/link/?ticket=t1"}}
        .dump();
  });

  WebApiOptions api_options;
  api_options.api_url = "https://" + authority + "/api/";
  api_options.ca_file = certificate.cert_file;
  api_options.app_token = kAppToken;
  WebApiClient api(loop, api_options);
  FakeClock clock;
  SocketModeClientOptions options = ClientOptions();

  SECTION("trusted through ca_file: hello arrives") {
    options.ca_file = certificate.cert_file;
    SocketModeClient client(loop, api, clock, options);
    client.Start();
    REQUIRE(RunUntil(
        loop, [&] { return client.state() == SessionState::kConnected; }));
    CHECK(server.upgraded() == 1);
  }

  SECTION("refused without ca_file") {
    SocketModeClient client(loop, api, clock, options);
    client.Start();
    REQUIRE(RunUntil(loop, [&] {
      return client.detail() == "connection closed before hello";
    }));
    CHECK(client.state() == SessionState::kConnecting);
    CHECK(server.upgraded() == 0);
  }
}

TEST_CASE("wss:// refuses a trusted certificate that names another host",
          "[slack][socket_mode][tls]") {
  leadrouter::testing::TempDir dir;
  // The Web API half trusts the right certificate; the socket gets one for
  // other names, trusted through its own ca_file, so only the name is wrong.
  leadrouter::testing::TempDir other_dir;
  const auto right = leadrouter::testing::MakeSelfSignedCertificate(dir);
  const auto other = leadrouter::testing::MakeSelfSignedCertificate(
      other_dir, "DNS:slack.example.com,IP:10.9.8.7");
  asio::io_context loop;
  leadrouter::testing::TlsTestServer api_server(loop, right);
  leadrouter::testing::TlsTestServer socket_server(loop, other);
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    INFO(host);
    const std::string url = "wss://" + host + ":" +
                            std::to_string(socket_server.port()) +
                            "/link/?ticket=t1";
    api_server.SetBody([url](const std::string&) {
      return json{{"ok", true}, {"url", url}}.dump();
    });
    WebApiOptions api_options;
    api_options.api_url =
        "https://localhost:" + std::to_string(api_server.port()) + "/api/";
    api_options.ca_file = right.cert_file;
    api_options.app_token = kAppToken;
    WebApiClient api(loop, api_options);
    FakeClock clock;
    SocketModeClientOptions options = ClientOptions();
    options.ca_file = other.cert_file;
    SocketModeClient client(loop, api, clock, options);
    client.Start();
    REQUIRE(RunUntil(loop, [&] {
      return client.detail() == "connection closed before hello";
    }));
    CHECK(client.state() == SessionState::kConnecting);
  }
  CHECK(socket_server.upgraded() == 0);
}

TEST_CASE("a plain ws:// URL to a host that is not loopback is refused",
          "[slack][socket_mode][tls]") {
  leadrouter::testing::TempDir dir;
  const auto certificate = leadrouter::testing::MakeSelfSignedCertificate(dir);
  asio::io_context loop;
  leadrouter::testing::TlsTestServer server(loop, certificate);
  server.SetBody([](const std::string&) {
    return json{{"ok", true}, {"url", "ws://example.com/link/?ticket=t1"}}
        .dump();
  });
  WebApiOptions api_options;
  api_options.api_url =
      "https://localhost:" + std::to_string(server.port()) + "/api/";
  api_options.ca_file = certificate.cert_file;
  api_options.app_token = kAppToken;
  WebApiClient api(loop, api_options);
  FakeClock clock;
  SocketModeClient client(loop, api, clock, ClientOptions());
  client.Start();
  REQUIRE(RunUntil(loop, [&] {
    return client.detail() == "connection closed before hello";
  }));
  CHECK(client.open_sockets() == 0);
  CHECK(server.served() == 1);
}
