// WebhookSender against the generic webhook receiver of
// tests/support/twilio_sim.py: what arrives must pass our own intake's
// signature check, and the receiver's answers classify as documented.
#include "bot/delivery/webhook_sender.h"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "bot/http/intake_auth.h"
#include "tests/support/daemon_process.h"
#include "tests/support/run_until.h"
#include "tests/support/fake_clock.h"
#include "tests/support/log_capture.h"
#include "tests/support/twilio_sim.h"

using leadrouter::DeliveryResult;
using leadrouter::IntakeSecrets;
using leadrouter::JobOutcome;
using leadrouter::VerifyIntakeAuth;
using leadrouter::WebhookOptions;
using leadrouter::WebhookSender;
using leadrouter::testing::FakeClock;
using leadrouter::testing::RunUntil;
using leadrouter::testing::TwilioSim;
using nlohmann::json;
using namespace std::chrono_literals;

namespace asio = boost::asio;

namespace {

constexpr char kSecret[] = "whsec-test-8d1f0c7b2a";

WebhookOptions HookOptions(const std::string& url) {
  WebhookOptions options;
  options.url = url;
  options.secret = kSecret;
  options.timeout = 5s;
  return options;
}

int64_t UnixSeconds(const FakeClock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch())
      .count();
}

json Event() {
  return {{"type", "follow_up.step"},
          {"lead_id", 7},
          {"step", 2},
          {"lead", {{"first_name", "Zoë"}, {"email", "zoe@example.com"}, {"phone", "+13125550199"}}}};
}

struct Harness {
  explicit Harness(WebhookOptions options) : sender(loop, clock, std::move(options)) {}

  DeliveryResult Send(std::string key, json event = Event()) {
    std::optional<DeliveryResult> result;
    sender.Send(std::move(key), std::move(event), [&](DeliveryResult r) { result = std::move(r); });
    REQUIRE(RunUntil(loop, [&] { return result.has_value(); }));
    return *result;
  }

  asio::io_context loop;
  FakeClock clock;
  WebhookSender sender;
};

}  // namespace

TEST_CASE("webhook: the step arrives as JSON signed the way our own intake checks",
          "[bot][delivery][webhook]") {
  TwilioSim sim;
  Harness h(HookOptions(sim.hook_url("crm")));
  REQUIRE(h.sender.status().ok());
  DeliveryResult result = h.Send("lead-7.step-2");
  INFO(result.detail);
  CHECK(result.outcome.kind == JobOutcome::Kind::kDone);
  CHECK_FALSE(result.recipient_refused);

  json hooks = sim.Hooks();
  REQUIRE(hooks.size() == 1);
  const json& headers = hooks[0]["headers"];
  const std::string body = hooks[0]["body"];
  CHECK(hooks[0]["path"] == "/hook/crm");
  CHECK(json::parse(body) == Event());
  CHECK(body == Event().dump());
  CHECK(headers["Content-Type"] == "application/json");
  CHECK(headers["Idempotency-Key"] == "lead-7.step-2");
  CHECK(headers["X-Leadrouter-Timestamp"] == std::to_string(UnixSeconds(h.clock)));
  const std::string timestamp = headers["X-Leadrouter-Timestamp"];
  const std::string signature = headers["X-Leadrouter-Signature"];

  const IntakeSecrets ours{std::nullopt, std::string(kSecret)};
  CHECK(VerifyIntakeAuth(ours, "", timestamp, signature, body, UnixSeconds(h.clock)).ok);
  const IntakeSecrets theirs{std::nullopt, std::string("another-secret-1234")};
  CHECK_FALSE(VerifyIntakeAuth(theirs, "", timestamp, signature, body, UnixSeconds(h.clock)).ok);
  CHECK_FALSE(VerifyIntakeAuth(ours, "", timestamp, signature, body + " ", UnixSeconds(h.clock)).ok);
}

TEST_CASE("webhook: a retried step keeps its Idempotency-Key and is signed afresh",
          "[bot][delivery][webhook]") {
  TwilioSim sim;
  sim.Script({{"path", "/hook/crm"}, {"status", 503}, {"message", "maintenance"}});
  Harness h(HookOptions(sim.hook_url("crm")));
  DeliveryResult first = h.Send("lead-7.step-2");
  CHECK(first.outcome.kind == JobOutcome::Kind::kUnavailable);
  CHECK(first.detail == "webhook answered 503: maintenance");
  // The job runner's backoff, later than the receiver's 300 s window.
  h.clock.Advance(10min);
  DeliveryResult second = h.Send("lead-7.step-2");
  CHECK(second.outcome.kind == JobOutcome::Kind::kDone);

  json hooks = sim.Hooks();
  REQUIRE(hooks.size() == 2);
  CHECK(hooks[0]["headers"]["Idempotency-Key"] == hooks[1]["headers"]["Idempotency-Key"]);
  const std::string timestamp = hooks[1]["headers"]["X-Leadrouter-Timestamp"];
  CHECK(timestamp == std::to_string(UnixSeconds(h.clock)));
  CHECK(VerifyIntakeAuth({std::nullopt, std::string(kSecret)}, "", timestamp,
                         hooks[1]["headers"]["X-Leadrouter-Signature"].get<std::string>(),
                         hooks[1]["body"].get<std::string>(), UnixSeconds(h.clock))
            .ok);
}

TEST_CASE("webhook: the receiver's answer id becomes the provider id",
          "[bot][delivery][webhook]") {
  TwilioSim sim;
  sim.Script({{"path", "/hook/crm"}, {"status", 202}, {"body", {{"id", "act_9f2"}}}});
  sim.Script({{"path", "/hook/crm"}, {"status", 200}, {"body", {{"id", 4411}}}});
  Harness h(HookOptions(sim.hook_url("crm")));
  DeliveryResult text_id = h.Send("k1");
  CHECK(text_id.outcome.kind == JobOutcome::Kind::kDone);
  CHECK(text_id.provider_id == "act_9f2");
  CHECK(h.Send("k2").provider_id == "4411");
  CHECK(h.Send("k3").provider_id.empty());  // {"ok":true}
}

TEST_CASE("webhook: answers classify into done, retry, refused and dead letter",
          "[bot][delivery][webhook]") {
  TwilioSim sim;
  Harness h(HookOptions(sim.hook_url("crm")));
  auto answered = [&](int status, json extra = json::object()) {
    json rule = {{"path", "/hook/crm"}, {"status", status}};
    rule.update(extra);
    sim.Script(rule);
    return h.Send("lead-7.step-2");
  };

  SECTION("2xx: done") {
    CHECK(answered(204).outcome.kind == JobOutcome::Kind::kDone);
    CHECK(answered(201).outcome.kind == JobOutcome::Kind::kDone);
  }
  SECTION("429 waits Retry-After; 408 and 5xx retry with backoff") {
    DeliveryResult limited = answered(429, {{"retry_after", 12}});
    CHECK(limited.outcome.kind == JobOutcome::Kind::kUnavailable);
    REQUIRE(limited.outcome.retry_after.has_value());
    CHECK(*limited.outcome.retry_after == 12s);
    for (int status : {408, 500, 502, 503}) {
      DeliveryResult result = answered(status);
      INFO(status);
      CHECK(result.outcome.kind == JobOutcome::Kind::kUnavailable);
      CHECK_FALSE(result.outcome.retry_after.has_value());
    }
  }
  SECTION("410 Gone and 422: refused for this lead, the job completes") {
    for (int status : {410, 422}) {
      DeliveryResult result = answered(status, {{"message", "contact deleted"}});
      INFO(status);
      CHECK(result.recipient_refused);
      CHECK_FALSE(result.unsubscribed);
      CHECK(result.outcome.kind == JobOutcome::Kind::kDone);
      CHECK(result.detail == "webhook answered " + std::to_string(status) + ": contact deleted");
    }
  }
  SECTION("a redirect and other 4xx: a dead letter") {
    for (int status : {301, 400, 401, 403, 404, 405}) {
      DeliveryResult result = answered(status);
      INFO(status);
      CHECK(result.outcome.kind == JobOutcome::Kind::kPermanentFailure);
      CHECK_FALSE(result.recipient_refused);
    }
  }
  SECTION("nobody listening: retry") {
    Harness down(HookOptions("http://127.0.0.1:" +
                             std::to_string(leadrouter::testing::FreePort()) + "/hook"));
    DeliveryResult result = down.Send("k1");
    CHECK(result.outcome.kind == JobOutcome::Kind::kUnavailable);
    CHECK(result.detail.rfind("webhook unreachable: connect 127.0.0.1:", 0) == 0);
  }
}

TEST_CASE("webhook: the secret, the signature and the event never reach a log line",
          "[bot][delivery][webhook][secrets]") {
  TwilioSim sim;
  leadrouter::testing::LogCapture logs;
  {
    Harness h(HookOptions(sim.hook_url("crm")));
    CHECK(h.Send("lead-7.step-2").outcome.kind == JobOutcome::Kind::kDone);
    sim.Script({{"path", "/hook/crm"}, {"status", 500}});
    CHECK(h.Send("lead-7.step-3").outcome.kind == JobOutcome::Kind::kUnavailable);
    sim.Script({{"path", "/hook/crm"}, {"status", 401}});
    CHECK(h.Send("lead-7.step-4").outcome.kind == JobOutcome::Kind::kPermanentFailure);
  }
  json hooks = sim.Hooks();
  REQUIRE(hooks.size() == 3);
  const std::string text = logs.text();
  INFO(text);
  CHECK(text.find("webhook.delivered") != std::string::npos);  // the capture works
  CHECK(text.find("webhook.failed") != std::string::npos);
  CHECK(text.find(kSecret) == std::string::npos);
  for (const json& hook : hooks) {
    CHECK(text.find(hook["headers"]["X-Leadrouter-Signature"].get<std::string>()) ==
          std::string::npos);
  }
  CHECK(text.find("zoe@example.com") == std::string::npos);
}

TEST_CASE("webhook: without a url or a secret, or without a key, nothing is sent",
          "[bot][delivery][webhook]") {
  TwilioSim sim;
  SECTION("options") {
    for (WebhookOptions options :
         {HookOptions(""), HookOptions("http://crm.example.com/hook"),
          HookOptions("ftp://127.0.0.1/hook")}) {
      Harness h(options);
      INFO(options.url);
      REQUIRE_FALSE(h.sender.status().ok());
      DeliveryResult result = h.Send("k1");
      CHECK(result.outcome.kind == JobOutcome::Kind::kPermanentFailure);
      CHECK(result.detail == h.sender.status().message());
    }
    WebhookOptions unsigned_options = HookOptions(sim.hook_url("crm"));
    unsigned_options.secret.clear();
    Harness h(unsigned_options);
    REQUIRE_FALSE(h.sender.status().ok());
    CHECK(h.sender.status().message().find("LEADROUTER_WEBHOOK_SECRET") != std::string::npos);
    CHECK(h.Send("k1").outcome.kind == JobOutcome::Kind::kPermanentFailure);
  }
  SECTION("an event without an idempotency key") {
    Harness h(HookOptions(sim.hook_url("crm")));
    CHECK(h.Send("").outcome.kind == JobOutcome::Kind::kPermanentFailure);
    CHECK(h.Send("k1\r\nX-Evil: 1").outcome.kind == JobOutcome::Kind::kPermanentFailure);
  }
  CHECK(sim.Hooks().empty());
}
