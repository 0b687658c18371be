// Behaviour of the slack-sim binary, driven over real sockets: Socket Mode
// handshake, acks and redelivery, click payloads, rate limits, faults,
// disconnects and silence.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/slack_sim/sim_test_client.h"

using nlohmann::json;
using namespace slack_sim_test;
using namespace std::chrono_literals;

namespace {

// Reads frames until one of `type` arrives (skipping others), or times out.
std::optional<json> ReadType(WsClient& ws, const std::string& type,
                             std::chrono::milliseconds timeout = 3000ms) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto frame = ws.Read(left);
    if (!frame) return std::nullopt;
    if (frame->value("type", "") == type) return frame;
  }
  return std::nullopt;
}

json ButtonMessage() {
  return json{
      {"channel", "C0LEADS01"},
      {"text", "New lead"},
      {"blocks",
       json::array(
           {{{"type", "section"},
             {"block_id", "lead_42_text"},
             {"text", {{"type", "mrkdwn"}, {"text", "*Lead 42*"}}}},
            {{"type", "actions"},
             {"block_id", "lead_42"},
             {"elements",
              json::array(
                  {{{"type", "button"},
                    {"action_id", "claim_lead"},
                    {"text", {{"type", "plain_text"}, {"text", "Claim"}}},
                    {"value", "lead-42"},
                    {"style", "primary"}}})}}})}};
}

}  // namespace

json ClickClaim(uint16_t port, const std::string& ts, const std::string& user) {
  return Control(port, "click",
                 {{"channel", "C0LEADS01"},
                  {"ts", ts},
                  {"action_id", "claim_lead"},
                  {"user", user}});
}

TEST_CASE(
    "connections.open hands out single-use tickets and the socket says hello") {
  SimProcess sim;
  auto port = sim.port();
  auto bot = Http(port, "POST", "/api/apps.connections.open", "", "",
                  "Bearer xoxb-test")
                 .Json();
  CHECK(bot["error"] == "invalid_auth");
  auto none = Http(port, "POST", "/api/apps.connections.open").Json();
  CHECK(none["error"] == "not_authed");
  auto by_form = Http(port, "POST", "/api/apps.connections.open",
                      "token=xapp-test", "application/x-www-form-urlencoded")
                     .Json();
  CHECK(by_form["ok"] == true);

  std::string url = OpenUrl(port);
  REQUIRE(url.rfind("ws://127.0.0.1:" + std::to_string(port) + "/link/?ticket=",
                    0) == 0);
  CHECK(url.find("&app_id=A") != std::string::npos);
  WsClient ws(url);
  auto hello = ws.Read(2000ms);
  REQUIRE(hello);
  CHECK((*hello)["type"] == "hello");
  CHECK((*hello)["num_connections"] == 1);
  CHECK((*hello)["debug_info"]["host"].is_string());
  CHECK((*hello)["debug_info"]["build_number"].is_number_integer());
  CHECK((*hello)["debug_info"]["approximate_connection_time"]
            .is_number_integer());
  CHECK((*hello)["connection_info"]["app_id"].get<std::string>().rfind("A",
                                                                       0) == 0);

  CHECK_THROWS(WsClient(url));  // the ticket was used
  WsClient second(OpenUrl(port));
  auto hello2 = second.Read(2000ms);
  REQUIRE(hello2);
  CHECK((*hello2)["num_connections"] == 2);
}

TEST_CASE(
    "acks are recorded and an unacked event is redelivered with "
    "retry_attempt") {
  SimProcess sim(
      {"--ack-timeout", "300ms", "--redelivery-delays", "100ms,100ms"});
  auto port = sim.port();
  WsClient ws(OpenUrl(port));
  REQUIRE(ReadType(ws, "hello"));

  json sent = Control(port, "event",
                      {{"event", {{"type", "app_mention"}, {"text", "hi"}}}});
  auto first = ReadType(ws, "events_api");
  REQUIRE(first);
  CHECK((*first)["retry_attempt"] == 0);
  CHECK((*first)["retry_reason"] == "");
  CHECK((*first)["accepts_response_payload"] == false);
  CHECK((*first)["payload"]["event_id"] == sent["event_id"]);
  ws.SendText(json{{"envelope_id", (*first)["envelope_id"]},
                   {"payload", json::object()}}
                  .dump());

  Control(port, "event",
          {{"event", {{"type", "app_mention"}, {"text", "ignored"}}}});
  auto unacked = ReadType(ws, "events_api");
  REQUIRE(unacked);
  auto retry1 = ReadType(ws, "events_api", 2000ms);
  REQUIRE(retry1);
  CHECK((*retry1)["retry_attempt"] == 1);
  CHECK((*retry1)["retry_reason"] == "timeout");
  CHECK((*retry1)["payload"]["event_id"] == (*unacked)["payload"]["event_id"]);
  CHECK((*retry1)["envelope_id"] != (*unacked)["envelope_id"]);
  auto retry2 = ReadType(ws, "events_api", 2000ms);
  REQUIRE(retry2);
  CHECK((*retry2)["retry_attempt"] == 2);
  ws.SendText(json{{"envelope_id", (*retry2)["envelope_id"]}}.dump());
  CHECK_FALSE(ReadType(ws, "events_api", 800ms));

  json acks = ControlGet(port, "acks");
  REQUIRE(acks.size() == 4);
  CHECK(acks[0]["state"] == "acked");
  CHECK(acks[0]["acked_at_us"].get<int64_t>() >=
        acks[0]["sent_at_us"].get<int64_t>());
  CHECK(acks[0]["ack_payload"] == json::object());
  CHECK(acks[1]["state"] == "timeout");
  CHECK(acks[2]["state"] == "timeout");
  CHECK(acks[3]["state"] == "acked");
  CHECK(acks[3]["retry_attempt"] == 2);
}

TEST_CASE(
    "an unacked slash command is a user-visible timeout, not redelivered") {
  SimProcess sim({"--ack-timeout", "200ms", "--redelivery-delays", "50ms"});
  auto port = sim.port();
  WsClient ws(OpenUrl(port));
  REQUIRE(ReadType(ws, "hello"));
  json sent = Control(port, "command",
                      {{"command", "/rotation"},
                       {"text", "status"},
                       {"user", "U0ALICE01"},
                       {"channel", "C0LEADS01"}});
  REQUIRE(sent["ok"] == true);
  auto envelope = ReadType(ws, "slash_commands");
  REQUIRE(envelope);
  CHECK((*envelope)["accepts_response_payload"] == true);
  CHECK_FALSE(envelope->contains("retry_attempt"));
  const json& p = (*envelope)["payload"];
  CHECK(p["command"] == "/rotation");
  CHECK(p["text"] == "status");
  CHECK(p["user_id"] == "U0ALICE01");
  CHECK(p["channel_id"] == "C0LEADS01");
  for (const char* key : {"user_name", "channel_name", "team_id", "team_domain",
                          "api_app_id", "response_url", "trigger_id"}) {
    CHECK(p[key].is_string());
  }
  CHECK_FALSE(ReadType(ws, "slash_commands", 700ms));
  json acks = ControlGet(port, "acks");
  REQUIRE(acks.size() == 1);
  CHECK(acks[0]["state"] == "timeout");
  CHECK(acks[0]["user_visible_timeout"] == true);
}

TEST_CASE("a button on an ephemeral is clicked only by the user who sees it") {
  SimProcess sim;
  auto port = sim.port();
  WsClient ws(OpenUrl(port));
  REQUIRE(ReadType(ws, "hello"));
  json message = ButtonMessage();
  message["user"] = "U0ALICE01";
  auto posted = Api(port, "chat.postEphemeral", message).Json();
  REQUIRE(posted["ok"] == true);
  const std::string ts = posted["message_ts"];
  json click = {{"channel", "C0LEADS01"},
                {"ts", ts},
                {"action_id", "claim_lead"},
                {"user", "U0BOB0001"}};
  CHECK(Control(port, "click", click)["ok"] == false);
  click["user"] = "U0ALICE01";
  CHECK(Control(port, "click", click)["ok"] == true);
  auto envelope = ReadType(ws, "interactive");
  REQUIRE(envelope);
  const json& p = (*envelope)["payload"];
  CHECK(p["container"]["is_ephemeral"] == true);
  CHECK(p["container"]["message_ts"] == ts);
  CHECK_FALSE(p.contains("message"));
  CHECK(p["actions"][0]["value"] == "lead-42");
}

TEST_CASE("a click builds block_actions from the posted message's own blocks") {
  SimProcess sim;
  auto port = sim.port();
  WsClient ws(OpenUrl(port));
  REQUIRE(ReadType(ws, "hello"));
  auto posted = Api(port, "chat.postMessage", ButtonMessage()).Json();
  REQUIRE(posted["ok"] == true);
  std::string ts = posted["ts"];
  CHECK(ts.size() == 17);
  CHECK(ts[10] == '.');

  json missing = Control(port, "click",
                         {{"channel", "C0LEADS01"},
                          {"ts", ts},
                          {"action_id", "nope"},
                          {"user", "U0BOB0001"}});
  CHECK(missing["ok"] == false);
  ClickClaim(port, ts, "U0BOB0001");
  auto envelope = ReadType(ws, "interactive");
  REQUIRE(envelope);
  CHECK((*envelope)["accepts_response_payload"] == false);
  const json& p = (*envelope)["payload"];
  CHECK(p["type"] == "block_actions");
  CHECK(p["user"]["id"] == "U0BOB0001");
  CHECK(p["container"] == json{{"type", "message"},
                               {"message_ts", ts},
                               {"channel_id", "C0LEADS01"},
                               {"is_ephemeral", false}});
  CHECK(p["channel"]["id"] == "C0LEADS01");
  CHECK(p["message"]["ts"] == ts);
  CHECK(p["message"]["blocks"] == ButtonMessage()["blocks"]);
  REQUIRE(p["actions"].size() == 1);
  const json& action = p["actions"][0];
  CHECK(action["type"] == "button");
  CHECK(action["action_id"] == "claim_lead");
  CHECK(action["block_id"] == "lead_42");
  CHECK(action["value"] == "lead-42");
  CHECK(action["style"] == "primary");
  CHECK(action["text"]["text"] == "Claim");
  CHECK(action["action_ts"].is_string());
  CHECK(p["trigger_id"].is_string());
  CHECK(p["response_url"].is_string());
  CHECK(p["team"]["id"].is_string());
  CHECK(p["api_app_id"].is_string());
  ws.SendText(json{{"envelope_id", (*envelope)["envelope_id"]}}.dump());

  // The click reflects an update: chat.update replaces blocks, keeping history.
  auto updated = Api(port, "chat.update",
                     {{"channel", "C0LEADS01"},
                      {"ts", ts},
                      {"text", "Claimed"},
                      {"blocks", json::array()}})
                     .Json();
  CHECK(updated["ok"] == true);
  json shown = ControlGet(port, "messages?channel=C0LEADS01");
  REQUIRE(shown["messages"].size() == 1);
  CHECK(shown["messages"][0]["text"] == "Claimed");
  CHECK(shown["messages"][0]["history"].size() == 1);
  CHECK(Control(port, "click",
                {{"channel", "C0LEADS01"},
                 {"ts", ts},
                 {"action_id", "claim_lead"}})["ok"] == false);
}

TEST_CASE(
    "Web API answers with Slack's error codes and accepts all encodings") {
  SimProcess sim;
  auto port = sim.port();
  CHECK(Api(port, "auth.test", json::object(), "").Json()["error"] ==
        "not_authed");
  CHECK(Api(port, "auth.test", json::object(), "xoxb-wrong").Json()["error"] ==
        "invalid_auth");
  auto auth = Api(port, "auth.test", json::object()).Json();
  CHECK(auth["ok"] == true);
  CHECK(auth["user_id"].is_string());
  CHECK(Api(port, "chat.postMessage", {{"channel", "nope"}, {"text", "x"}})
            .Json()["error"] == "channel_not_found");
  CHECK(Api(port, "chat.postMessage", {{"channel", "C0LEADS01"}})
            .Json()["error"] == "no_text");
  CHECK(Api(port, "chat.update",
            {{"channel", "C0LEADS01"}, {"ts", "1.000001"}, {"text", "x"}})
            .Json()["error"] == "message_not_found");
  CHECK(Api(port, "users.info", {{"user", "U0NOBODY1"}}).Json()["error"] ==
        "user_not_found");
  Control(port, "users",
          {{"id", "U0ALICE01"},
           {"name", "alice"},
           {"tz", "Europe/Berlin"},
           {"real_name", "Alice A"}});
  auto user = Http(port, "GET", "/api/users.info?user=U0ALICE01", "", "",
                   "Bearer xoxb-test")
                  .Json();
  CHECK(user["user"]["tz"] == "Europe/Berlin");

  auto dm1 = Http(port, "POST", "/api/conversations.open", "users=U0ALICE01",
                  "application/x-www-form-urlencoded", "Bearer xoxb-test")
                 .Json();
  auto dm2 = Api(port, "conversations.open", {{"users", "U0ALICE01"}}).Json();
  std::string dm = dm1["channel"]["id"];
  CHECK(dm[0] == 'D');
  CHECK(dm2["channel"]["id"] == dm);
  auto form_post = Http(port, "POST", "/api/chat.postMessage",
                        "channel=" + dm + "&text=hello+there&blocks=%5B%5D",
                        "application/x-www-form-urlencoded", "Bearer xoxb-test")
                       .Json();
  CHECK(form_post["ok"] == true);
  CHECK(form_post["channel"] == dm);
  auto eph = Api(port, "chat.postEphemeral",
                 {{"channel", dm}, {"user", "U0ALICE01"}, {"text", "psst"}})
                 .Json();
  CHECK(eph["message_ts"].is_string());
  json shown = ControlGet(port, "messages?channel=" + dm);
  CHECK(shown["messages"][0]["text"] == "hello there");
  CHECK(shown["ephemerals"][0]["user"] == "U0ALICE01");

  Control(port, "channels", {{"add", json::array({"G1"})}, {"strict", true}});
  CHECK(Api(port, "chat.postMessage", {{"channel", "C0OTHER01"}, {"text", "x"}})
            .Json()["error"] == "channel_not_found");
  CHECK(Api(port, "chat.postMessage", {{"channel", "G1"}, {"text", "x"}})
            .Json()["ok"] == true);
  json calls = ControlGet(port, "calls");
  CHECK(calls.size() >= 12);
  CHECK(calls[0]["token_kind"] == "none");
}

TEST_CASE("chat.postMessage answers 429 with Retry-After after the burst") {
  SimProcess sim({"--post-rate", "1/s", "--post-burst", "2"});
  auto port = sim.port();
  json message = {{"channel", "C0LEADS01"}, {"text", "x"}};
  CHECK(Api(port, "chat.postMessage", message).status == 200);
  CHECK(Api(port, "chat.postMessage", message).status == 200);
  auto limited = Api(port, "chat.postMessage", message);
  CHECK(limited.status == 429);
  CHECK(limited.headers["retry-after"] == "1");
  CHECK(limited.Json() == json{{"ok", false}, {"error", "ratelimited"}});
  // Another channel has its own bucket.
  CHECK(Api(port, "chat.postMessage", {{"channel", "C0OTHER01"}, {"text", "x"}})
            .status == 200);
  std::this_thread::sleep_for(1100ms);
  CHECK(Api(port, "chat.postMessage", message).status == 200);
}

TEST_CASE("faults: error code, HTTP 5xx, delay and 429 for the next N calls") {
  SimProcess sim;
  auto port = sim.port();
  json message = {{"channel", "C0LEADS01"}, {"text", "x"}};
  Control(port, "fault",
          {{"method", "chat.postMessage"},
           {"count", 2},
           {"error", "internal_error"}});
  Control(port, "fault", {{"method", "chat.postMessage"}, {"status", 503}});
  Control(port, "fault", {{"method", "chat.postMessage"}, {"retry_after", 7}});
  Control(port, "fault", {{"method", "chat.postMessage"}, {"delay_ms", 400}});
  CHECK(Api(port, "chat.postMessage", message).Json()["error"] ==
        "internal_error");
  CHECK(Api(port, "chat.postMessage", message).Json()["error"] ==
        "internal_error");
  CHECK(Api(port, "chat.postMessage", message).status == 503);
  auto limited = Api(port, "chat.postMessage", message);
  CHECK(limited.status == 429);
  CHECK(limited.headers["retry-after"] == "7");
  auto start = std::chrono::steady_clock::now();
  auto slow = Api(port, "chat.postMessage", message);
  CHECK(std::chrono::steady_clock::now() - start >= 390ms);
  CHECK(slow.Json()["ok"] == true);
  CHECK(Api(port, "auth.test", json::object()).Json()["ok"] == true);
}

TEST_CASE("a fault armed for a channel is taken only by calls to that channel") {
  SimProcess sim;
  auto port = sim.port();
  Control(port, "fault",
          {{"method", "chat.postMessage"}, {"channel", "C0LEADS01"}, {"retry_after", 2}});
  CHECK(Api(port, "chat.postMessage", {{"channel", "C0OTHER01"}, {"text", "x"}}).status ==
        200);
  auto limited = Api(port, "chat.postMessage", {{"channel", "C0LEADS01"}, {"text", "x"}});
  CHECK(limited.status == 429);
  CHECK(limited.headers["retry-after"] == "2");
  CHECK(Api(port, "chat.postMessage", {{"channel", "C0LEADS01"}, {"text", "x"}}).status ==
        200);
}

TEST_CASE(
    "disconnect messages: reasons, short and long forms, too_many_websockets") {
  SimProcess sim({"--max-sockets", "1"});
  auto port = sim.port();
  WsClient ws(OpenUrl(port));
  REQUIRE(ReadType(ws, "hello"));
  for (const char* reason : {"warning", "refresh_requested", "link_disabled"}) {
    Control(port, "disconnect", {{"reason", reason}});
    auto d = ReadType(ws, "disconnect");
    REQUIRE(d);
    CHECK((*d)["reason"] == reason);
    CHECK((*d)["debug_info"]["host"].is_string());
    CHECK_FALSE(d->contains("num_connections"));
  }
  Control(port, "disconnect", {{"reason", "warning"}, {"long", true}});
  auto long_form = ReadType(ws, "disconnect");
  REQUIRE(long_form);
  CHECK((*long_form)["num_connections"] == 1);
  CHECK((*long_form)["connection_info"]["app_id"].is_string());

  WsClient extra(OpenUrl(port));
  REQUIRE(ReadType(extra, "hello"));
  auto too_many = ReadType(extra, "disconnect");
  REQUIRE(too_many);
  CHECK((*too_many)["reason"] == "too_many_websockets");

  Control(port, "disconnect",
          {{"reason", "refresh_requested"}, {"close_after_ms", 50}});
  REQUIRE(ReadType(ws, "disconnect"));
  ws.Pump(500ms);
  CHECK(ws.closed());
}

TEST_CASE("pings, pongs, duplicates and silence") {
  SimProcess sim({"--ping-interval", "200ms", "--ack-timeout", "300ms",
                  "--redelivery-delays", ""});
  auto port = sim.port();
  WsClient ws(OpenUrl(port));
  REQUIRE(ReadType(ws, "hello"));
  ws.Ping("Ping from client (1)");
  ws.Pump(700ms);
  CHECK(ws.server_pings() >= 2);
  REQUIRE_FALSE(ws.pong_payloads().empty());
  CHECK(ws.pong_payloads()[0] == "Ping from client (1)");

  Control(port, "duplicate-next");
  Control(port, "event", {{"event", {{"type", "app_mention"}}}});
  auto a = ReadType(ws, "events_api");
  auto b = ReadType(ws, "events_api");
  REQUIRE(a);
  REQUIRE(b);
  CHECK((*a)["envelope_id"] == (*b)["envelope_id"]);
  CHECK((*b)["retry_attempt"] == 0);

  const int sent_before =
      ControlGet(port, "connections")["connections"][0]["envelopes_sent"];
  Control(port, "silence", {{"on", true}});
  size_t pongs_before = ws.pong_payloads().size();
  ws.Ping("anyone there?");
  Control(port, "event", {{"event", {{"type", "app_mention"}}}});
  // The sim took our ping and dropped it, and gave the event to this
  // connection, which withholds it.
  json connections;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  do {
    ws.Pump(20ms);
    connections = ControlGet(port, "connections");
  } while ((connections["connections"][0]["bytes_dropped"].get<int64_t>() == 0 ||
            connections["connections"][0]["envelopes_sent"] == sent_before) &&
           std::chrono::steady_clock::now() < deadline);
  CHECK(connections["open"] == 1);
  CHECK(connections["connections"][0]["silent"] == true);
  REQUIRE(connections["connections"][0]["bytes_dropped"].get<int64_t>() > 0);
  REQUIRE(connections["connections"][0]["envelopes_sent"] == sent_before + 1);
  CHECK_FALSE(ws.closed());
  // Hanging up makes the sim close its side, so everything it ever sent on
  // this connection has arrived: no pong for the ping, no event, and no
  // more pings than it sent before it went silent.
  const int pings_sent = connections["connections"][0]["pings_sent"];
  REQUIRE(ws.HangUp(5s));
  CHECK(ws.server_pings() == pings_sent);
  CHECK(ws.pong_payloads().size() == pongs_before);
  CHECK(ws.unread() == 0);

  Control(port, "silence", {{"on", false}});
  WsClient fresh(OpenUrl(port));
  REQUIRE(ReadType(fresh, "hello"));
  fresh.Ping("hello again");
  fresh.Pump(300ms);
  CHECK(fresh.pong_payloads().size() == 1);
}

TEST_CASE("a post's metadata comes back from conversations.history and .replies") {
  SimProcess sim;
  auto port = sim.port();
  json metadata = {{"event_type", "leadrouter_job"},
                   {"event_payload", {{"job_id", "17"}}}};
  auto parent = Api(port, "chat.postMessage",
                    {{"channel", "C0LEADS01"}, {"text", "card"}, {"metadata", metadata}});
  CHECK(parent.headers["x-oauth-scopes"].find("channels:history") != std::string::npos);
  std::string ts = parent.Json()["ts"];
  Api(port, "chat.postMessage", {{"channel", "C0LEADS01"}, {"text", "later"}});
  Api(port, "chat.postMessage",
      {{"channel", "C0LEADS01"}, {"text", "note"}, {"thread_ts", ts}, {"metadata", metadata}});

  json history = Api(port, "conversations.history",
                     {{"channel", "C0LEADS01"}, {"include_all_metadata", true}})
                     .Json();
  REQUIRE(history["ok"] == true);
  REQUIRE(history["messages"].size() == 2);  // replies stay in their thread
  CHECK(history["messages"][0]["text"] == "later");
  CHECK(history["messages"][1]["metadata"] == metadata);

  SECTION("without include_all_metadata the metadata is left out") {
    json plain = Api(port, "conversations.history", {{"channel", "C0LEADS01"}}).Json();
    CHECK_FALSE(plain["messages"][1].contains("metadata"));
  }
  SECTION("replies show the thread, its parent included") {
    json replies = Api(port, "conversations.replies",
                       {{"channel", "C0LEADS01"}, {"ts", ts}, {"include_all_metadata", true}})
                       .Json();
    REQUIRE(replies["messages"].size() == 2);
    CHECK(replies["messages"][0]["text"] == "note");
    CHECK(replies["messages"][0]["metadata"] == metadata);
  }
  SECTION("limit keeps the newest") {
    json one = Api(port, "conversations.history", {{"channel", "C0LEADS01"}, {"limit", 1}})
                   .Json();
    REQUIRE(one["messages"].size() == 1);
    CHECK(one["messages"][0]["text"] == "later");
  }
}

TEST_CASE("without a history scope, history answers missing_scope") {
  SimProcess sim({"--scopes", "chat:write,im:write"});
  auto port = sim.port();
  auto posted = Api(port, "chat.postMessage", {{"channel", "C0LEADS01"}, {"text", "x"}});
  CHECK(posted.headers["x-oauth-scopes"] == "chat:write,im:write");
  json refused = Api(port, "conversations.history", {{"channel", "C0LEADS01"}}).Json();
  CHECK(refused["ok"] == false);
  CHECK(refused["error"] == "missing_scope");
  CHECK(refused["needed"] == "channels:history,groups:history");
  std::string dm = Api(port, "conversations.open", {{"users", "U0ANA00001"}})
                       .Json()["channel"]["id"];
  CHECK(Api(port, "conversations.history", {{"channel", dm}}).Json()["needed"] ==
        "im:history");
}

TEST_CASE("drop_answer: the post is made and the connection closes unanswered") {
  SimProcess sim;
  auto port = sim.port();
  Control(port, "fault", {{"method", "chat.postMessage"}, {"drop_answer", true}});
  json message = {{"channel", "C0LEADS01"}, {"text", "taken, never answered"}};
  CHECK_THROWS(Api(port, "chat.postMessage", message));
  json shown = ControlGet(port, "messages?channel=C0LEADS01");
  REQUIRE(shown["messages"].size() == 1);
  CHECK(shown["messages"][0]["text"] == "taken, never answered");
  // Only the next call was switched: the one after is answered.
  CHECK(Api(port, "chat.postMessage", message).Json()["ok"] == true);
}

TEST_CASE("an outage closes the sockets and fails every call until it ends") {
  SimProcess sim;
  auto port = sim.port();
  WsClient ws(OpenUrl(port));
  REQUIRE(ReadType(ws, "hello"));

  Control(port, "outage", {{"on", true}});
  for (int i = 0; i < 20 && !ws.closed(); ++i) ws.Pump(100ms);
  CHECK(ws.closed());
  CHECK(Api(port, "auth.test", json::object()).status == 503);
  auto open = Http(port, "POST", "/api/apps.connections.open", "", "",
                   "Bearer xapp-test");
  CHECK(open.status == 503);
  json calls = ControlGet(port, "calls");
  REQUIRE(calls.size() >= 2);
  CHECK(calls.back()["outage"] == true);
  CHECK(calls.back()["status"] == 503);

  Control(port, "outage", {{"on", false}});
  CHECK(Api(port, "auth.test", json::object()).Json()["ok"] == true);
  WsClient fresh(OpenUrl(port));
  CHECK(ReadType(fresh, "hello"));
}

TEST_CASE("a click's response_url answers the clicker alone, leaves the message, "
          "is logged, and can be made to fail") {
  SimProcess sim;
  auto port = sim.port();
  WsClient ws(OpenUrl(port));
  REQUIRE(ReadType(ws, "hello"));
  auto posted = Api(port, "chat.postMessage", ButtonMessage()).Json();
  const std::string ts = posted["ts"];
  ClickClaim(port, ts, "U0BOB0001");
  auto envelope = ReadType(ws, "interactive");
  REQUIRE(envelope);
  const std::string url = (*envelope)["payload"]["response_url"];
  const std::string prefix = "http://127.0.0.1:" + std::to_string(port);
  REQUIRE(url.rfind(prefix + "/_sim/response/", 0) == 0);
  const std::string target = url.substr(prefix.size());

  // Ephemeral, not replacing the original: only Bob sees it.
  auto answer = Http(port, "POST", target,
                     json{{"response_type", "ephemeral"},
                          {"replace_original", false},
                          {"text", "Sorry, lead #42 is already claimed"}}
                         .dump(),
                     "application/json");
  CHECK(answer.status == 200);
  CHECK(answer.Json()["ok"] == true);
  json shown = ControlGet(port, "messages?channel=C0LEADS01");
  REQUIRE(shown["messages"].size() == 1);
  CHECK(shown["messages"][0]["blocks"] == ButtonMessage()["blocks"]);
  CHECK(shown["messages"][0]["history"].empty());
  REQUIRE(shown["ephemerals"].size() == 1);
  CHECK(shown["ephemerals"][0]["user"] == "U0BOB0001");
  CHECK(shown["ephemerals"][0]["text"] == "Sorry, lead #42 is already claimed");

  // A fault fails the next use with the status asked for.
  Control(port, "fault", {{"method", "response_url"}, {"status", 500}});
  CHECK(Http(port, "POST", target, json{{"text", "again"}}.dump(),
             "application/json")
            .status == 500);
  // Five uses in all, as Slack; the failed one counted as a call, not a use.
  for (int use = 2; use <= 5; ++use) {
    CHECK(Http(port, "POST", target, json{{"text", "x"}}.dump(),
               "application/json")
              .status == 200);
  }
  auto sixth = Http(port, "POST", target, json{{"text", "x"}}.dump(),
                    "application/json");
  CHECK(sixth.status == 404);
  CHECK(sixth.Json()["error"] == "used_url");
  CHECK(Http(port, "POST", "/_sim/response/unknown", json{{"text", "x"}}.dump(),
             "application/json")
            .Json()["error"] == "expired_url");

  // Every use is in the calls log under its own name.
  int logged = 0, failed = 0;
  for (const json& call : ControlGet(port, "calls")) {
    if (call["method"] != "response_url") continue;
    ++logged;
    if (call["status"] != 200) ++failed;
  }
  CHECK(logged == 8);
  CHECK(failed == 3);
}
