#include "bot/slack/envelope.h"

#include <catch2/catch.hpp>
#include <string>

namespace slack = leadrouter::slack;
using nlohmann::json;
using Verdict = slack::RedeliveryFilter::Verdict;
using namespace std::chrono_literals;

namespace {

const slack::RedeliveryFilter::TimePoint kT0 =
    slack::RedeliveryFilter::TimePoint(1000h);

slack::Envelope Parsed(const std::string& text) {
  slack::Frame frame = slack::ParseFrame(text);
  REQUIRE(std::holds_alternative<slack::Envelope>(frame));
  return std::get<slack::Envelope>(frame);
}

std::string EventFrame(const std::string& envelope_id,
                       const std::string& event_id, int retry_attempt) {
  return json{{"envelope_id", envelope_id},
              {"type", "events_api"},
              {"accepts_response_payload", false},
              {"retry_attempt", retry_attempt},
              {"retry_reason", retry_attempt > 0 ? "timeout" : ""},
              {"payload",
               {{"type", "event_callback"},
                {"event_id", event_id},
                {"event", {{"type", "app_mention"}}}}}}
      .dump();
}

std::string ClickFrame(const std::string& envelope_id, const std::string& user,
                       const std::string& action_ts,
                       const std::string& action_id = "claim_lead") {
  return json{{"envelope_id", envelope_id},
              {"type", "interactive"},
              {"accepts_response_payload", false},
              {"payload",
               {{"type", "block_actions"},
                {"user", {{"id", user}, {"name", "ana"}}},
                {"actions", json::array({{{"type", "button"},
                                          {"action_id", action_id},
                                          {"block_id", "lead_42_actions"},
                                          {"value", "42"},
                                          {"action_ts", action_ts}}})}}}}
      .dump();
}

}  // namespace

TEST_CASE("hello tells how many connections and how long this one lives",
          "[bot][slack][envelope]") {
  const slack::Frame frame = slack::ParseFrame(
      R"({"type":"hello","num_connections":2,
          "debug_info":{"host":"applink-7","build_number":42,
                        "approximate_connection_time":18060},
          "connection_info":{"app_id":"A0123456789"}})");
  REQUIRE(std::holds_alternative<slack::Hello>(frame));
  const auto& hello = std::get<slack::Hello>(frame);
  CHECK(hello.num_connections == 2);
  CHECK(hello.approximate_connection_time == std::chrono::seconds(18060));

  const auto bare = slack::ParseFrame(R"({"type":"hello"})");
  REQUIRE(std::holds_alternative<slack::Hello>(bare));
  CHECK_FALSE(std::get<slack::Hello>(bare).approximate_connection_time);
}

TEST_CASE("disconnect frames in short and long form give the reason",
          "[bot][slack][envelope]") {
  for (const char* text :
       {R"({"type":"disconnect","reason":"warning","debug_info":{"host":"h"}})",
        R"({"type":"disconnect","reason":"refresh_requested",
            "num_connections":1,"connection_info":{"app_id":"A1"}})"}) {
    const slack::Frame frame = slack::ParseFrame(text);
    REQUIRE(std::holds_alternative<slack::Disconnect>(frame));
    CHECK_FALSE(std::get<slack::Disconnect>(frame).reason.empty());
  }
}

TEST_CASE("an events_api redelivery is parsed with its retry fields",
          "[bot][slack][envelope]") {
  const slack::Envelope envelope = Parsed(EventFrame("env-2", "Ev01", 1));
  CHECK(envelope.envelope_id == "env-2");
  CHECK(envelope.type == slack::EnvelopeType::kEventsApi);
  CHECK(envelope.retry_attempt == 1);
  CHECK(envelope.retry_reason == "timeout");
  CHECK_FALSE(envelope.accepts_response_payload);
  CHECK(envelope.payload["event_id"] == "Ev01");
  CHECK(slack::ToString(envelope.type) == "events_api");
}

TEST_CASE("a slash command envelope accepts a response payload",
          "[bot][slack][envelope]") {
  const slack::Envelope envelope = Parsed(
      R"({"envelope_id":"1d3c","type":"slash_commands",
          "accepts_response_payload":true,
          "payload":{"command":"/rotation","text":"pause <@U02|ana>",
                     "user_id":"U01","channel_id":"C01"}})");
  CHECK(envelope.type == slack::EnvelopeType::kSlashCommands);
  CHECK(envelope.accepts_response_payload);
  CHECK(envelope.retry_attempt == 0);
  CHECK(envelope.payload["command"] == "/rotation");
}

TEST_CASE("bad frames become errors, never exceptions",
          "[bot][slack][envelope]") {
  for (const char* text :
       {"", "not json", "{", "[]", "42", "null", R"({"type":"interactive"})",
        R"({"type":"events_api","envelope_id":7})",
        R"({"type":"hello","num_connections":"many","debug_info":[]})"}) {
    INFO(text);
    slack::Frame frame;
    REQUIRE_NOTHROW(frame = slack::ParseFrame(text));
    const bool rejected = std::holds_alternative<slack::ParseError>(frame) ||
                          std::holds_alternative<slack::Hello>(frame);
    CHECK(rejected);
  }
  // Every prefix of a real frame: no throw.
  const std::string full = ClickFrame("e1", "U01", "1700000005.123456");
  for (std::size_t n = 0; n <= full.size(); ++n) {
    CHECK_NOTHROW(slack::ParseFrame(full.substr(0, n)));
  }
}

TEST_CASE(
    "an unknown type is reported with its envelope id so it can be "
    "acked",
    "[bot][slack][envelope]") {
  const slack::Frame frame =
      slack::ParseFrame(R"({"type":"brand_new","envelope_id":"e9"})");
  REQUIRE(std::holds_alternative<slack::Unknown>(frame));
  CHECK(std::get<slack::Unknown>(frame).type == "brand_new");
  CHECK(std::get<slack::Unknown>(frame).envelope_id == "e9");
}

TEST_CASE("the ack echoes the envelope id, with a payload only when given",
          "[bot][slack][envelope]") {
  CHECK(slack::BuildAck("1d3c79ab") == R"({"envelope_id":"1d3c79ab"})");
  const json ack = json::parse(slack::BuildAck(
      "1d3c79ab", json{{"text", "Lead #42 assigned to <@U02>"}}));
  CHECK(ack["envelope_id"] == "1d3c79ab");
  CHECK(ack["payload"]["text"] == "Lead #42 assigned to <@U02>");
  // Invalid UTF-8 copied from input does not throw.
  CHECK_NOTHROW(slack::BuildAck("x", json{{"text", "bad \xFF byte"}}));
}

TEST_CASE("the same envelope delivered twice is applied once",
          "[bot][slack][envelope]") {
  slack::RedeliveryFilter filter;
  const slack::Envelope envelope = Parsed(EventFrame("env-1", "Ev01", 0));
  CHECK(filter.Check(envelope, kT0) == Verdict::kApply);
  CHECK(filter.Check(envelope, kT0 + 15s) == Verdict::kDuplicate);
}

TEST_CASE(
    "a retry with a new envelope id but the same event id is a "
    "duplicate",
    "[bot][slack][envelope]") {
  slack::RedeliveryFilter filter;
  CHECK(filter.Check(Parsed(EventFrame("env-1", "Ev01", 0)), kT0) ==
        Verdict::kApply);
  CHECK(filter.Check(Parsed(EventFrame("env-2", "Ev01", 1)), kT0 + 4s) ==
        Verdict::kDuplicate);
  CHECK(filter.Check(Parsed(EventFrame("env-3", "Ev01", 2)), kT0 + 1min) ==
        Verdict::kDuplicate);
  CHECK(filter.Check(Parsed(EventFrame("env-4", "Ev02", 0)), kT0 + 1min) ==
        Verdict::kApply);
}

TEST_CASE("the same click delivered twice is a duplicate",
          "[bot][slack][envelope]") {
  slack::RedeliveryFilter filter;
  CHECK(filter.Check(Parsed(ClickFrame("e1", "U01", "1700000005.123456")),
                     kT0) == Verdict::kApply);
  CHECK(filter.Check(Parsed(ClickFrame("e2", "U01", "1700000005.123456")),
                     kT0 + 3s) == Verdict::kDuplicate);
}

TEST_CASE("different clicks are all applied", "[bot][slack][envelope]") {
  slack::RedeliveryFilter filter;
  CHECK(filter.Check(Parsed(ClickFrame("e1", "U01", "1700000005.1")), kT0) ==
        Verdict::kApply);
  // Another agent in the same instant: the claim race is settled by the
  // database, not here.
  CHECK(filter.Check(Parsed(ClickFrame("e2", "U02", "1700000005.1")), kT0) ==
        Verdict::kApply);
  // The same agent clicking again later.
  CHECK(filter.Check(Parsed(ClickFrame("e3", "U01", "1700000009.9")), kT0) ==
        Verdict::kApply);
  // Another button at the same moment.
  CHECK(filter.Check(
            Parsed(ClickFrame("e4", "U01", "1700000005.1", "mark_contacted")),
            kT0) == Verdict::kApply);
}

TEST_CASE("redelivery memory expires after its window",
          "[bot][slack][envelope]") {
  slack::RedeliveryFilter filter(std::chrono::seconds(600));
  const slack::Envelope envelope = Parsed(EventFrame("env-1", "Ev01", 0));
  CHECK(filter.Check(envelope, kT0) == Verdict::kApply);
  CHECK(filter.Check(envelope, kT0 + 599s) == Verdict::kDuplicate);
  CHECK(filter.Check(envelope, kT0 + 600s) == Verdict::kApply);
}

TEST_CASE("redelivery memory is bounded under a flood",
          "[bot][slack][envelope]") {
  slack::RedeliveryFilter filter(std::chrono::seconds(3600), 100);
  for (int i = 0; i < 1000; ++i) {
    const std::string n = std::to_string(i);
    filter.Check(Parsed(EventFrame("env-" + n, "Ev" + n, 0)), kT0);
    CHECK(filter.size() <= 100);
  }
  // Repeats of one envelope do not grow it either.
  const slack::Envelope same = Parsed(EventFrame("env-x", "Evx", 0));
  for (int i = 0; i < 1000; ++i) filter.Check(same, kT0);
  CHECK(filter.size() <= 100);
  // The newest are still recognised.
  CHECK(filter.Check(same, kT0) == Verdict::kDuplicate);
}
