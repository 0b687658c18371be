// WebApiClient against the slack-sim binary (Web API, faults, per-channel
// 429s) and against a local TLS server with a certificate made at test time.
#include "bot/slack/web_api_client.h"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include "tests/slack_sim/sim_test_client.h"
#include "tests/support/daemon_process.h"
#include "tests/support/tls_test_server.h"

using leadrouter::JobOutcome;
using leadrouter::slack::ApiResult;
using leadrouter::slack::CallId;
using leadrouter::slack::TokenKind;
using leadrouter::slack::ToJobOutcome;
using leadrouter::slack::WebApiClient;
using leadrouter::slack::WebApiOptions;
using nlohmann::json;
using namespace std::chrono_literals;

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr char kBotToken[] = "xoxb-test";
constexpr char kAppToken[] = "xapp-test";

slack_sim_test::SimProcess StartSim(std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--bot-token", kBotToken, "--app-token", kAppToken};
  args.insert(args.end(), extra.begin(), extra.end());
  return slack_sim_test::SimProcess(args);
}

WebApiOptions SimOptions(uint16_t port) {
  WebApiOptions options;
  options.api_url = "http://127.0.0.1:" + std::to_string(port) + "/api/";
  options.timeout = 5s;
  options.bot_token = kBotToken;
  options.app_token = kAppToken;
  return options;
}

// Runs the loop until `done()` or the timeout; true when done.
template <typename Done>
bool RunUntil(asio::io_context& loop, Done done, std::chrono::milliseconds timeout = 10s) {
  auto deadline = SteadyClock::now() + timeout;
  while (!done() && SteadyClock::now() < deadline) {
    loop.run_one_for(20ms);
    if (loop.stopped()) loop.restart();
  }
  return done();
}

// A callback that stores the result.
struct Capture {
  std::optional<ApiResult> result;
  SteadyClock::time_point at{};
  leadrouter::slack::ApiCallback Callback() {
    return [this](ApiResult r) {
      result = std::move(r);
      at = SteadyClock::now();
    };
  }
  bool done() const { return result.has_value(); }
};

json CallsOf(uint16_t port, const std::string& method) {
  json out = json::array();
  for (const json& call : slack_sim_test::ControlGet(port, "calls")) {
    if (call.value("method", "") == method) out.push_back(call);
  }
  return out;
}

// The sim answers the next `count` posts to `channel` with 429 and
// Retry-After: 1.
void Refuse429(uint16_t port, const std::string& channel, int count) {
  slack_sim_test::Control(port, "fault",
                          {{"method", "chat.postMessage"},
                           {"channel", channel},
                           {"count", count},
                           {"retry_after", 1}});
}

}  // namespace

TEST_CASE("auth.test succeeds with the bot token") {
  auto sim = StartSim();
  asio::io_context loop;
  WebApiClient client(loop, SimOptions(sim.port()));
  REQUIRE(client.status().ok());
  Capture auth;
  client.AuthTest(auth.Callback());
  REQUIRE(RunUntil(loop, [&] { return auth.done(); }));
  CHECK(auth.result->ok);
  CHECK(auth.result->http_status == 200);
  CHECK(auth.result->error.empty());
  CHECK(auth.result->body["ok"] == true);
  CHECK(ToJobOutcome(*auth.result).kind == JobOutcome::Kind::kDone);
}

TEST_CASE("chat.postMessage returns ts and is sent as JSON with the bot token") {
  auto sim = StartSim();
  asio::io_context loop;
  WebApiClient client(loop, SimOptions(sim.port()));
  Capture post;
  client.PostMessage("C0LEADS01", {{"text", "New lead"}}, post.Callback());
  REQUIRE(RunUntil(loop, [&] { return post.done(); }));
  REQUIRE(post.result->ok);
  REQUIRE(post.result->body.contains("ts"));
  CHECK(post.result->body["ts"].is_string());
  CHECK(post.result->body["channel"] == "C0LEADS01");

  json calls = CallsOf(sim.port(), "chat.postMessage");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0]["token_kind"] == "bot");
  CHECK(calls[0]["http_method"] == "POST");
  CHECK(calls[0]["content_type"].get<std::string>().find("application/json") == 0);
  CHECK(calls[0]["params"]["channel"] == "C0LEADS01");
  CHECK(calls[0]["params"]["text"] == "New lead");
}

TEST_CASE("apps.connections.open uses the app token with an empty form") {
  auto sim = StartSim();
  asio::io_context loop;
  WebApiClient client(loop, SimOptions(sim.port()));
  Capture open;
  client.ConnectionsOpen(open.Callback());
  REQUIRE(RunUntil(loop, [&] { return open.done(); }));
  REQUIRE(open.result->ok);
  CHECK(open.result->body["url"].get<std::string>().rfind("ws://", 0) == 0);
  json calls = CallsOf(sim.port(), "apps.connections.open");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0]["token_kind"] == "app");
  CHECK(calls[0]["content_type"].get<std::string>().find("application/x-www-form-urlencoded") == 0);
}

TEST_CASE("ok:false keeps Slack's error code and is a permanent failure") {
  auto sim = StartSim();
  asio::io_context loop;
  WebApiClient client(loop, SimOptions(sim.port()));
  Capture post;
  client.PostMessage("not-a-channel", {{"text", "hi"}}, post.Callback());
  REQUIRE(RunUntil(loop, [&] { return post.done(); }));
  CHECK_FALSE(post.result->ok);
  CHECK(post.result->http_status == 200);
  CHECK(post.result->error == "channel_not_found");
  CHECK_FALSE(post.result->retryable);
  JobOutcome outcome = ToJobOutcome(*post.result);
  CHECK(outcome.kind == JobOutcome::Kind::kPermanentFailure);
  CHECK(outcome.error == "channel_not_found");
}

TEST_CASE("a 5xx answer and a server-side error code are retryable") {
  auto sim = StartSim();
  slack_sim_test::Control(sim.port(), "fault", {{"method", "auth.test"}, {"status", 503}});
  slack_sim_test::Control(sim.port(), "fault",
                          {{"method", "users.info"}, {"error", "internal_error"}});
  asio::io_context loop;
  WebApiClient client(loop, SimOptions(sim.port()));
  Capture auth;
  Capture info;
  client.AuthTest(auth.Callback());
  client.UsersInfo("U0SALES01", info.Callback());
  REQUIRE(RunUntil(loop, [&] { return auth.done() && info.done(); }));

  CHECK_FALSE(auth.result->ok);
  CHECK(auth.result->http_status == 503);
  CHECK(auth.result->retryable);
  JobOutcome outcome = ToJobOutcome(*auth.result);
  CHECK(outcome.kind == JobOutcome::Kind::kUnavailable);
  CHECK(outcome.service == "slack");
  CHECK_FALSE(outcome.retry_after.has_value());

  CHECK(info.result->error == "internal_error");
  CHECK(info.result->retryable);
  CHECK(ToJobOutcome(*info.result).kind == JobOutcome::Kind::kUnavailable);
}

TEST_CASE("after a 429 the throttled channel waits Retry-After while another channel goes at once") {
  auto sim = StartSim({"--post-rate", "1/s", "--post-burst", "1"});
  asio::io_context loop;
  WebApiOptions options = SimOptions(sim.port());
  options.rate_limited_retries = 0;  // the 429 is the caller's at once
  WebApiClient client(loop, options);

  Capture first;
  Capture limited;
  client.PostMessage("C0LEADS01", {{"text", "one"}}, first.Callback());
  client.PostMessage("C0LEADS01", {{"text", "two"}}, limited.Callback());
  REQUIRE(RunUntil(loop, [&] { return first.done() && limited.done(); }));
  CHECK(first.result->ok);
  REQUIRE_FALSE(limited.result->ok);
  CHECK(limited.result->http_status == 429);
  CHECK(limited.result->error == "ratelimited");
  REQUIRE(limited.result->retry_after.has_value());
  CHECK(*limited.result->retry_after >= 1s);
  CHECK(limited.result->retryable);
  JobOutcome outcome = ToJobOutcome(*limited.result);
  CHECK(outcome.kind == JobOutcome::Kind::kUnavailable);
  REQUIRE(outcome.retry_after.has_value());
  CHECK(*outcome.retry_after == *limited.result->retry_after);

  Capture same_channel;
  Capture other_channel;
  auto start = SteadyClock::now();
  client.PostMessage("C0LEADS01", {{"text", "three"}}, same_channel.Callback());
  client.PostMessage("C0OTHER01", {{"text", "elsewhere"}}, other_channel.Callback());
  REQUIRE(RunUntil(loop, [&] { return same_channel.done() && other_channel.done(); }));
  CHECK(other_channel.result->ok);
  CHECK(same_channel.result->ok);
  CHECK(other_channel.at - start < 500ms);
  // Measured from the 429's arrival, which the limiter counts from.
  CHECK(same_channel.at - limited.at >= *limited.result->retry_after - 10ms);
  CHECK(same_channel.at > other_channel.at);
}

TEST_CASE("a call answered 429 goes again after Retry-After, ahead of the calls made after it") {
  auto sim = StartSim();
  asio::io_context loop;
  WebApiClient client(loop, SimOptions(sim.port()));
  Refuse429(sim.port(), "C0LEADS01", 1);
  Capture first;
  Capture second;
  client.PostMessage("C0LEADS01", {{"text", "first"}}, first.Callback());
  client.PostMessage("C0LEADS01", {{"text", "second"}}, second.Callback());
  REQUIRE(RunUntil(loop, [&] { return first.done() && second.done(); }));
  // The caller sees only the post that worked.
  CHECK(first.result->ok);
  CHECK(second.result->ok);
  const json posts = CallsOf(sim.port(), "chat.postMessage");
  REQUIRE(posts.size() == 3);
  CHECK(posts[0]["status"] == 429);
  CHECK(posts[0]["params"]["text"] == "first");
  CHECK(posts[1]["params"]["text"] == "first");
  CHECK(posts[1]["status"] == 200);
  CHECK(posts[2]["params"]["text"] == "second");
  CHECK(posts[1]["time_us"].get<int64_t>() - posts[0]["time_us"].get<int64_t>() >= 990'000);
}

TEST_CASE("a message with bad UTF-8 goes out with U+FFFD in its place, the same on every try") {
  auto sim = StartSim();
  asio::io_context loop;
  WebApiClient client(loop, SimOptions(sim.port()));
  Refuse429(sim.port(), "C0LEADS01", 1);
  Capture post;
  client.PostMessage("C0LEADS01", {{"text", std::string("Caf\xC3 lead")}}, post.Callback());
  REQUIRE(RunUntil(loop, [&] { return post.done(); }));
  CHECK(post.result->ok);
  const json posts = CallsOf(sim.port(), "chat.postMessage");
  REQUIRE(posts.size() == 2);
  CHECK(posts[0]["status"] == 429);
  CHECK(posts[1]["status"] == 200);
  for (const json& p : posts) CHECK(p["params"]["text"] == "Caf\xEF\xBF\xBD lead");
}

TEST_CASE("a call Slack keeps refusing is the caller's after rate_limited_retries") {
  auto sim = StartSim();
  asio::io_context loop;
  WebApiOptions options = SimOptions(sim.port());
  options.rate_limited_retries = 1;
  WebApiClient client(loop, options);
  Refuse429(sim.port(), "C0LEADS01", 2);
  Capture refused;
  Capture after;
  client.PostMessage("C0LEADS01", {{"text", "refused"}}, refused.Callback());
  client.PostMessage("C0LEADS01", {{"text", "after"}}, after.Callback());
  REQUIRE(RunUntil(loop, [&] { return refused.done() && after.done(); }));
  CHECK(refused.result->http_status == 429);
  CHECK(ToJobOutcome(*refused.result).kind == JobOutcome::Kind::kUnavailable);
  CHECK(after.result->ok);
  CHECK(CallsOf(sim.port(), "chat.postMessage").size() == 3);
}

TEST_CASE("the pace counts from a call's answer, so a slow answer never makes the next call early") {
  // Slack's bucket: one a second, no burst; ours the same.
  auto sim = StartSim({"--post-rate", "1/s", "--post-burst", "1"});
  asio::io_context loop;
  WebApiOptions options = SimOptions(sim.port());
  options.post_burst = 1;
  options.rate_limited_retries = 0;
  WebApiClient client(loop, options);
  // The first post reaches Slack's limiter only 400 ms after it was sent
  // (as if held up on its way); a pace counted from the send would send
  // the second 600 ms after Slack counted the first.
  slack_sim_test::Control(sim.port(), "fault",
                          {{"method", "chat.postMessage"}, {"count", 1}, {"delay_ms", 400}});
  Capture first;
  Capture second;
  client.PostMessage("C0LEADS01", {{"text", "slow"}}, first.Callback());
  client.PostMessage("C0LEADS01", {{"text", "next"}}, second.Callback());
  REQUIRE(RunUntil(loop, [&] { return first.done() && second.done(); }));
  CHECK(first.result->ok);
  CHECK(second.result->ok);
  CHECK(second.result->http_status == 200);
}

TEST_CASE("calls made in a row reuse one keep-alive connection") {
  auto sim = StartSim();
  asio::io_context loop;
  WebApiClient client(loop, SimOptions(sim.port()));
  int ok_count = 0;
  int answered = 0;
  std::function<void(ApiResult)> next = [&](ApiResult result) {
    if (result.ok) ++ok_count;
    if (++answered < 4) client.AuthTest(next);
  };
  client.AuthTest(next);
  REQUIRE(RunUntil(loop, [&] { return answered == 4; }));
  CHECK(ok_count == 4);
  CHECK(client.connections_opened() == 1);
  CHECK(CallsOf(sim.port(), "auth.test").size() == 4);
}

TEST_CASE("a slow answer times out as a retryable transport error") {
  auto sim = StartSim();
  slack_sim_test::Control(sim.port(), "fault", {{"method", "auth.test"}, {"delay_ms", 2000}});
  asio::io_context loop;
  WebApiOptions options = SimOptions(sim.port());
  options.timeout = 300ms;
  WebApiClient client(loop, options);
  Capture auth;
  auto start = SteadyClock::now();
  client.AuthTest(auth.Callback());
  REQUIRE(RunUntil(loop, [&] { return auth.done(); }));
  CHECK(auth.at - start < 1500ms);
  CHECK_FALSE(auth.result->ok);
  CHECK(auth.result->http_status == 0);
  CHECK(auth.result->error.rfind("transport_error", 0) == 0);
  CHECK(auth.result->retryable);
  CHECK(ToJobOutcome(*auth.result).kind == JobOutcome::Kind::kUnavailable);
}

TEST_CASE("destroying the client drops pending calls without calling back") {
  auto sim = StartSim();
  slack_sim_test::Control(sim.port(), "fault", {{"method", "auth.test"}, {"delay_ms", 300}});
  asio::io_context loop;
  Capture slow;
  Capture queued;
  {
    WebApiClient client(loop, SimOptions(sim.port()));
    client.AuthTest(slow.Callback());
    client.AuthTest(queued.Callback());
    loop.run_for(50ms);
  }
  loop.restart();
  loop.run_for(600ms);
  CHECK_FALSE(slow.done());
  CHECK_FALSE(queued.done());
}

TEST_CASE("plain http is refused unless the host is loopback") {
  asio::io_context loop;
  WebApiOptions options;
  options.bot_token = kBotToken;

  options.api_url = "http://slack.com/api/";
  WebApiClient insecure(loop, options);
  REQUIRE_FALSE(insecure.status().ok());
  CHECK(insecure.status().message().rfind("insecure_url", 0) == 0);
  Capture auth;
  insecure.AuthTest(auth.Callback());
  REQUIRE(RunUntil(loop, [&] { return auth.done(); }));
  CHECK_FALSE(auth.result->ok);
  CHECK(auth.result->error.rfind("insecure_url", 0) == 0);
  CHECK_FALSE(auth.result->retryable);
  CHECK(auth.result->http_status == 0);
  CHECK(ToJobOutcome(*auth.result).kind == JobOutcome::Kind::kPermanentFailure);
  CHECK(insecure.connections_opened() == 0);

  for (const char* url : {"http://10.0.0.1:8080/api/", "http://127.example.com/api/",
                          "http://[::2]/api/"}) {
    options.api_url = url;
    CHECK_FALSE(WebApiClient(loop, options).status().ok());
  }
  for (const char* url : {"http://127.0.0.1:1/api/", "http://127.3.4.5/api/",
                          "http://localhost:9/api/", "http://[::1]:9/api/",
                          "https://slack.com/api/"}) {
    options.api_url = url;
    CHECK(WebApiClient(loop, options).status().ok());
  }
  options.api_url = "ftp://127.0.0.1/api/";
  CHECK(WebApiClient(loop, options).status().message().rfind("invalid_url", 0) == 0);
}

TEST_CASE("https verifies the server certificate against ca_file") {
  leadrouter::testing::TempDir dir;
  const auto certificate = leadrouter::testing::MakeSelfSignedCertificate(dir);
  const std::string cert = certificate.cert_file;
  asio::io_context loop;
  leadrouter::testing::TlsTestServer server(loop, certificate);
  std::string port = std::to_string(server.port());

  WebApiOptions options;
  options.bot_token = kBotToken;
  options.timeout = 5s;

  SECTION("trusted through ca_file, by name and by address") {
    options.ca_file = cert;
    for (const std::string host : {"localhost", "127.0.0.1"}) {
      options.api_url = "https://" + host + ":" + port + "/api/";
      WebApiClient client(loop, options);
      REQUIRE(client.status().ok());
      Capture auth;
      client.AuthTest(auth.Callback());
      REQUIRE(RunUntil(loop, [&] { return auth.done(); }));
      INFO(host << ": " << auth.result->error);
      CHECK(auth.result->ok);
    }
    CHECK(server.served() == 2);
  }

  SECTION("refused without ca_file") {
    options.api_url = "https://localhost:" + port + "/api/";
    WebApiClient client(loop, options);
    Capture auth;
    client.AuthTest(auth.Callback());
    REQUIRE(RunUntil(loop, [&] { return auth.done(); }));
    CHECK_FALSE(auth.result->ok);
    CHECK(auth.result->http_status == 0);
    CHECK(auth.result->error.find("certificate verify failed") != std::string::npos);
    CHECK(server.served() == 0);
  }

  SECTION("a missing ca_file is a setup error") {
    options.api_url = "https://localhost:" + port + "/api/";
    options.ca_file = dir.File("missing.pem");
    WebApiClient client(loop, options);
    CHECK_FALSE(client.status().ok());
    CHECK(client.status().message().rfind("ca_file", 0) == 0);
  }
}

TEST_CASE("a call still waiting for its turn can be cancelled and is never sent") {
  auto sim = StartSim();
  asio::io_context loop;
  WebApiClient client(loop, SimOptions(sim.port()));
  // apps.connections.open is Tier 1: a burst of two, then one a minute.
  Capture first;
  Capture second;
  bool third_called = false;
  client.ConnectionsOpen(first.Callback());
  client.ConnectionsOpen(second.Callback());
  const CallId third = client.ConnectionsOpen([&](ApiResult) { third_called = true; });
  REQUIRE(RunUntil(loop, [&] { return first.done() && second.done(); }));
  CHECK(client.Cancel(third));
  CHECK_FALSE(client.Cancel(third));
  // The queue is empty again, so nothing is left to go out when the pace
  // allows: the cancelled call is gone, not merely late.
  CHECK(client.waiting() == 0);
  CHECK_FALSE(third_called);
  CHECK(CallsOf(sim.port(), "apps.connections.open").size() == 2);
}

TEST_CASE("calls Slack did not serve spend no pace, and Slack answering again is "
          "reported once") {
  auto sim = StartSim();
  asio::io_context loop;
  WebApiClient client(loop, SimOptions(sim.port()));
  int answering = 0;
  client.OnAnsweringAgain([&] { ++answering; });
  slack_sim_test::Control(sim.port(), "outage", {{"on", true}});
  // Ten failed apps.connections.open calls in a row: far beyond Tier 1's
  // burst of two, yet none waits for the pace.
  for (int i = 0; i < 10; ++i) {
    Capture open;
    client.ConnectionsOpen(open.Callback());
    REQUIRE(RunUntil(loop, [&] { return open.done(); }));
    CHECK(open.result->http_status == 503);
  }
  CHECK(answering == 0);  // apps.connections.open alone says nothing
  Capture down;
  client.AuthTest(down.Callback());
  REQUIRE(RunUntil(loop, [&] { return down.done(); }));
  CHECK(client.failing());

  slack_sim_test::Control(sim.port(), "outage", {{"on", false}});
  Capture open;
  const auto start = SteadyClock::now();
  client.ConnectionsOpen(open.Callback());
  REQUIRE(RunUntil(loop, [&] { return open.done(); }));
  CHECK(open.result->ok);
  CHECK(open.at - start < 1s);
  CHECK(answering == 0);
  Capture up;
  Capture again;
  client.AuthTest(up.Callback());
  client.AuthTest(again.Callback());
  REQUIRE(RunUntil(loop, [&] { return up.done() && again.done(); }));
  CHECK(answering == 1);
  CHECK_FALSE(client.failing());
}
