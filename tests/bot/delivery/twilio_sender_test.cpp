// TwilioSender against tests/support/twilio_sim.py, a stand-in that checks
// credentials and parameters the way Twilio's Messages API does and answers
// in its shape, errors included.
#include "bot/delivery/twilio_sender.h"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <set>
#include <string>

#include "bot/delivery/mime_message.h"
#include "tests/support/daemon_process.h"
#include "tests/support/run_until.h"
#include "tests/support/log_capture.h"
#include "tests/support/twilio_sim.h"

using leadrouter::DeliveryResult;
using leadrouter::HttpsResponse;
using leadrouter::JobOutcome;
using leadrouter::SmsMessage;
using leadrouter::TwilioOptions;
using leadrouter::TwilioSender;
using leadrouter::testing::RunUntil;
using leadrouter::testing::TwilioSim;
using nlohmann::json;
using namespace std::chrono_literals;

namespace asio = boost::asio;

namespace {

constexpr char kFrom[] = "+13125550100";
constexpr char kTo[] = "+13125550199";
constexpr char kService[] = "MG0123456789abcdef0123456789abcdef";

TwilioOptions SimOptions(const TwilioSim& sim, std::string from = kFrom) {
  TwilioOptions options;
  options.base_url = sim.base_url();
  options.account_sid = sim.account_sid();
  options.auth_token = sim.auth_token();
  options.from = std::move(from);
  options.timeout = 5s;
  return options;
}

struct Harness {
  explicit Harness(TwilioOptions options) : sender(loop, std::move(options)) {}

  DeliveryResult Send(SmsMessage message) {
    std::optional<DeliveryResult> result;
    sender.Send(std::move(message), [&](DeliveryResult r) { result = std::move(r); });
    REQUIRE(RunUntil(loop, [&] { return result.has_value(); }));
    return *result;
  }

  asio::io_context loop;
  TwilioSender sender;
};

std::set<std::string> Keys(const json& object) {
  std::set<std::string> out;
  for (auto it = object.begin(); it != object.end(); ++it) out.insert(it.key());
  return out;
}

}  // namespace

TEST_CASE("twilio: an SMS is a form POST with basic auth, and Twilio's sid comes back",
          "[bot][delivery][twilio]") {
  TwilioSim sim;
  Harness h(SimOptions(sim));
  REQUIRE(h.sender.status().ok());
  DeliveryResult result =
      h.Send({kTo, "Hi Dana, got your inquiry for 12 Elm St. Call me? – Ana, Elm Realty"});
  INFO(result.detail);
  CHECK(result.outcome.kind == JobOutcome::Kind::kDone);
  CHECK_FALSE(result.recipient_refused);

  json requests = sim.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0]["path"] ==
        "/2010-04-01/Accounts/" + std::string(TwilioSim::kAccountSid) + "/Messages.json");
  CHECK(requests[0]["content_type"].get<std::string>().rfind(
            "application/x-www-form-urlencoded", 0) == 0);
  CHECK(requests[0]["auth_user"] == TwilioSim::kAccountSid);
  CHECK(Keys(requests[0]["form"]) == std::set<std::string>{"To", "From", "Body"});

  json messages = sim.Messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0]["to"] == kTo);
  CHECK(messages[0]["from"] == kFrom);
  CHECK(messages[0]["messaging_service_sid"].is_null());
  CHECK(messages[0]["body"] == "Hi Dana, got your inquiry for 12 Elm St. Call me? – Ana, Elm Realty");
  const std::string sid = messages[0]["sid"];
  CHECK(result.provider_id == sid);
  CHECK(sid.size() == 34);
  CHECK(sid.rfind("SM", 0) == 0);
  CHECK(result.detail.find(sid) != std::string::npos);
}

TEST_CASE("twilio: a messaging service sid goes as MessagingServiceSid, not From",
          "[bot][delivery][twilio]") {
  TwilioSim sim;
  Harness h(SimOptions(sim, kService));
  DeliveryResult result = h.Send({kTo, "Hello"});
  CHECK(result.outcome.kind == JobOutcome::Kind::kDone);
  json requests = sim.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(Keys(requests[0]["form"]) == std::set<std::string>{"To", "MessagingServiceSid", "Body"});
  json messages = sim.Messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0]["messaging_service_sid"] == kService);
  CHECK(messages[0]["from"].is_null());
}

TEST_CASE("twilio: a body with non-ASCII text and form specials arrives intact",
          "[bot][delivery][twilio]") {
  TwilioSim sim;
  Harness h(SimOptions(sim));
  const std::string body = "Zoë, «Ångström» 🏡 & co: 100% = +1 ? a=b&c\nnew line";
  REQUIRE(h.Send({kTo, body}).outcome.kind == JobOutcome::Kind::kDone);
  json messages = sim.Messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0]["body"] == body);
  CHECK(messages[0]["to"] == kTo);  // the '+' was not read as a space
}

TEST_CASE("twilio: form encoding escapes every byte but the unreserved ones",
          "[bot][delivery][twilio]") {
  CHECK(leadrouter::FormEncode({{"To", "+1 312"}, {"Body", "é&=%~._-"}}) ==
        "To=%2B1%20312&Body=%C3%A9%26%3D%25~._-");
  CHECK(leadrouter::FormEncode({}).empty());
}

TEST_CASE("twilio: answers about the recipient stop the channel, others do not",
          "[bot][delivery][twilio]") {
  TwilioSim sim;
  Harness h(SimOptions(sim));

  SECTION("21211 invalid To: refused for this lead, the job completes") {
    sim.Script({{"status", 400}, {"code", 21211},
                {"message", "The 'To' number +1312555 is not a valid phone number."}});
    DeliveryResult result = h.Send({"+1312555", "Hi"});
    CHECK(result.recipient_refused);
    CHECK_FALSE(result.unsubscribed);
    CHECK(result.outcome.kind == JobOutcome::Kind::kDone);
    CHECK(result.detail.rfind("21211 The 'To' number", 0) == 0);
  }
  SECTION("21610 the recipient replied STOP: refused and unsubscribed") {
    sim.Script({{"to", kTo}, {"status", 400}, {"code", 21610},
                {"message", "Attempt to send to unsubscribed recipient"}});
    DeliveryResult result = h.Send({kTo, "Hi"});
    CHECK(result.recipient_refused);
    CHECK(result.unsubscribed);
    CHECK(result.outcome.kind == JobOutcome::Kind::kDone);
    CHECK(result.detail.find("21610") != std::string::npos);
  }
  SECTION("21614 not a mobile number and 21612 unreachable: refused") {
    sim.Script({{"status", 400}, {"code", 21614}, {"message", "'To' number is not a valid mobile number"}});
    sim.Script({{"status", 400}, {"code", 21612}, {"message", "The 'To' phone number is not currently reachable via SMS"}});
    for (int i = 0; i < 2; ++i) {
      DeliveryResult result = h.Send({kTo, "Hi"});
      CHECK(result.recipient_refused);
      CHECK_FALSE(result.unsubscribed);
      CHECK(result.outcome.kind == JobOutcome::Kind::kDone);
    }
  }
  SECTION("21408 region not enabled is ours to fix: a dead letter, not a refusal") {
    sim.Script({{"status", 400}, {"code", 21408},
                {"message", "Permission to send an SMS has not been enabled for the region indicated by the 'To' number"}});
    DeliveryResult result = h.Send({"+447700900123", "Hi"});
    CHECK_FALSE(result.recipient_refused);
    CHECK(result.outcome.kind == JobOutcome::Kind::kPermanentFailure);
    CHECK(result.outcome.error.find("21408") != std::string::npos);
  }
  SECTION("a refused recipient is not recorded as sent, the next one is") {
    sim.Script({{"to", "+13125550142"}, {"status", 400}, {"code", 21211}});
    CHECK(h.Send({"+13125550142", "Hi"}).recipient_refused);
    CHECK_FALSE(h.Send({kTo, "Hi"}).recipient_refused);
    json messages = sim.Messages();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0]["to"] == kTo);
  }
}

TEST_CASE("twilio: wrong credentials are a dead letter (401, code 20003)",
          "[bot][delivery][twilio]") {
  TwilioSim sim;
  TwilioOptions options = SimOptions(sim);
  options.auth_token = "not-the-token";
  Harness h(options);
  DeliveryResult result = h.Send({kTo, "Hi"});
  CHECK(result.outcome.kind == JobOutcome::Kind::kPermanentFailure);
  CHECK_FALSE(result.recipient_refused);
  CHECK(result.detail.find("20003") != std::string::npos);
  CHECK(result.detail.find("401") != std::string::npos);
  CHECK(sim.Messages().empty());
}

TEST_CASE("twilio: 429 retries after Retry-After, 5xx and transport errors retry",
          "[bot][delivery][twilio]") {
  TwilioSim sim;
  Harness h(SimOptions(sim));

  SECTION("429 with Retry-After: retry after that delay") {
    sim.Script({{"status", 429}, {"code", 20429}, {"message", "Too Many Requests"},
                {"retry_after", 30}});
    DeliveryResult result = h.Send({kTo, "Hi"});
    CHECK(result.outcome.kind == JobOutcome::Kind::kUnavailable);
    REQUIRE(result.outcome.retry_after.has_value());
    CHECK(*result.outcome.retry_after == 30s);
    CHECK_FALSE(result.recipient_refused);
  }
  SECTION("429 without Retry-After: the runner's backoff") {
    sim.Script({{"status", 429}, {"code", 20429}});
    DeliveryResult result = h.Send({kTo, "Hi"});
    CHECK(result.outcome.kind == JobOutcome::Kind::kUnavailable);
    CHECK_FALSE(result.outcome.retry_after.has_value());
  }
  SECTION("500, then the retry goes through") {
    sim.Script({{"status", 500}, {"code", 20500}, {"message", "Internal Server Error"}});
    DeliveryResult failed = h.Send({kTo, "Hi"});
    CHECK(failed.outcome.kind == JobOutcome::Kind::kUnavailable);
    CHECK_FALSE(failed.outcome.retry_after.has_value());
    CHECK(sim.Messages().empty());
    CHECK(h.Send({kTo, "Hi"}).outcome.kind == JobOutcome::Kind::kDone);
    CHECK(sim.Messages().size() == 1);
  }
  SECTION("nobody listening: a retryable transport error") {
    TwilioOptions options = SimOptions(sim);
    options.base_url = "http://127.0.0.1:" + std::to_string(leadrouter::testing::FreePort());
    Harness down(options);
    DeliveryResult result = down.Send({kTo, "Hi"});
    CHECK(result.outcome.kind == JobOutcome::Kind::kUnavailable);
    CHECK(result.detail.find("Connection refused") != std::string::npos);
  }
  SECTION("a slow answer: a retryable timeout") {
    sim.Script({{"status", 201}, {"delay_ms", 1500}});
    TwilioOptions options = SimOptions(sim);
    options.timeout = 300ms;
    Harness slow(options);
    DeliveryResult result = slow.Send({kTo, "Hi"});
    CHECK(result.outcome.kind == JobOutcome::Kind::kUnavailable);
    CHECK(result.detail.find("within 300 ms") != std::string::npos);
  }
}

TEST_CASE("twilio: the auth token and the message never reach a log line",
          "[bot][delivery][twilio][secrets]") {
  TwilioSim sim;
  leadrouter::testing::LogCapture logs;
  const std::string body = "Private note for Dana about 12 Elm St";
  {
    Harness h(SimOptions(sim));
    CHECK(h.Send({kTo, body}).outcome.kind == JobOutcome::Kind::kDone);
    sim.Script({{"status", 500}});
    CHECK(h.Send({kTo, body}).outcome.kind == JobOutcome::Kind::kUnavailable);
    sim.Script({{"status", 400}, {"code", 21610}});
    CHECK(h.Send({kTo, body}).recipient_refused);
  }
  {
    TwilioOptions options = SimOptions(sim);
    options.base_url = "http://127.0.0.1:" + std::to_string(leadrouter::testing::FreePort());
    Harness down(options);
    CHECK(down.Send({kTo, body}).outcome.kind == JobOutcome::Kind::kUnavailable);
  }
  {
    TwilioOptions options = SimOptions(sim);
    options.auth_token += "-wrong";
    Harness wrong(options);
    CHECK(wrong.Send({kTo, body}).outcome.kind == JobOutcome::Kind::kPermanentFailure);
  }
  const std::string text = logs.text();
  INFO(text);
  CHECK(text.find("twilio.delivered") != std::string::npos);  // the capture works
  CHECK(text.find("twilio.failed") != std::string::npos);
  CHECK(text.find(TwilioSim::kAuthToken) == std::string::npos);
  const std::string credentials =
      leadrouter::Base64(std::string(TwilioSim::kAccountSid) + ":" + TwilioSim::kAuthToken);
  CHECK(text.find(credentials) == std::string::npos);
  CHECK(text.find("Basic ") == std::string::npos);
  CHECK(text.find(body) == std::string::npos);
}

TEST_CASE("twilio: incomplete options make every send a dead letter without a request",
          "[bot][delivery][twilio]") {
  TwilioSim sim;
  SECTION("each of sid, token and from is required") {
    for (auto clear : {+[](TwilioOptions& o) { o.account_sid.clear(); },
                       +[](TwilioOptions& o) { o.auth_token.clear(); },
                       +[](TwilioOptions& o) { o.from.clear(); },
                       +[](TwilioOptions& o) { o.account_sid = "AC../../x"; },
                       +[](TwilioOptions& o) { o.base_url = "http://api.twilio.com"; }}) {
      TwilioOptions options = SimOptions(sim);
      clear(options);
      Harness h(options);
      REQUIRE_FALSE(h.sender.status().ok());
      DeliveryResult result = h.Send({kTo, "Hi"});
      CHECK(result.outcome.kind == JobOutcome::Kind::kPermanentFailure);
      CHECK(result.detail == h.sender.status().message());
      CHECK(result.detail.find(sim.auth_token()) == std::string::npos);
    }
  }
  SECTION("a message without To or Body") {
    Harness h(SimOptions(sim));
    CHECK(h.Send({"", "Hi"}).outcome.kind == JobOutcome::Kind::kPermanentFailure);
    CHECK(h.Send({kTo, ""}).outcome.kind == JobOutcome::Kind::kPermanentFailure);
  }
  CHECK(sim.Requests().empty());
}

TEST_CASE("twilio: classification of answers the stand-in does not script",
          "[bot][delivery][twilio]") {
  HttpsResponse response;
  SECTION("a 2xx without a JSON body is still taken: no second text") {
    response.status = 201;
    response.body = "<html>";
    DeliveryResult result = leadrouter::ClassifyTwilioResponse(response);
    CHECK(result.outcome.kind == JobOutcome::Kind::kDone);
    CHECK(result.provider_id.empty());
  }
  SECTION("a 400 with an unknown code is a dead letter") {
    response.status = 400;
    response.body = R"({"code": 21606, "message": "The From phone number is not a valid, SMS-capable inbound phone number"})";
    DeliveryResult result = leadrouter::ClassifyTwilioResponse(response);
    CHECK(result.outcome.kind == JobOutcome::Kind::kPermanentFailure);
    CHECK_FALSE(result.recipient_refused);
  }
  SECTION("403 and 404 are dead letters; 503 from a proxy retries") {
    response.status = 403;
    CHECK(leadrouter::ClassifyTwilioResponse(response).outcome.kind ==
          JobOutcome::Kind::kPermanentFailure);
    response.status = 404;
    CHECK(leadrouter::ClassifyTwilioResponse(response).outcome.kind ==
          JobOutcome::Kind::kPermanentFailure);
    response.status = 503;
    response.body = std::string(5000, 'x');
    DeliveryResult result = leadrouter::ClassifyTwilioResponse(response);
    CHECK(result.outcome.kind == JobOutcome::Kind::kUnavailable);
    CHECK(result.detail.size() < 400);
  }
}
