#include "tests/support/slack_stack.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <thread>

#include "tests/slack_sim/sim_test_client.h"
#include "tests/support/http_client.h"

namespace leadrouter::testing {
namespace {

using nlohmann::json;

void CollectText(const json& node, std::string& out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "text" && value.is_string()) {
        out += value.get<std::string>();
        out += "\n";
      } else {
        CollectText(value, out);
      }
    }
  } else if (node.is_array()) {
    for (const auto& v : node) CollectText(v, out);
  }
}

}  // namespace

json HotLead(int n, const std::string& name) {
  char phone[32];
  std::snprintf(phone, sizeof phone, "+1312555%04d", 100 + n % 100);
  return {{"name", name},
          {"email", "hot" + std::to_string(n) + "@example.com"},
          {"phone", phone},
          {"message", "Pre-approved and paying cash, can we see it today?"},
          {"listing", {{"price", 650000}, {"days_on_market", 3}}},
          {"address", "12 Elm St, Chicago, IL 60601"}};
}

json WarmLead(int n, const std::string& email) {
  char phone[32];
  std::snprintf(phone, sizeof phone, "+1415555%04d", 100 + n % 100);
  return {{"name", "Wendy Warm" + std::to_string(n)},
          {"email", email.empty() ? "warm" + std::to_string(n) + "@example.com" : email},
          {"phone", phone},
          {"message", "Interested in the 3 bedroom on Elm, is it still available?"}};
}

std::string AgentToml(const std::string& id, const std::string& name,
                      const std::string& extra) {
  return "[[agents]]\nslack_id = \"" + id + "\"\nname = \"" + name + "\"\n" + extra;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string MessageText(const json& message) {
  std::string out;
  if (message.contains("blocks") && message["blocks"].is_array() &&
      !message["blocks"].empty()) {
    CollectText(message["blocks"], out);
    return out;
  }
  return message.value("text", "");
}

bool HasButton(const json& message, const std::string& action_id) {
  if (!message.contains("blocks")) return false;
  for (const auto& block : message["blocks"]) {
    if (block.value("type", "") != "actions") continue;
    for (const auto& e : block["elements"]) {
      if (e.value("action_id", "") == action_id) return true;
    }
  }
  return false;
}

SlackStack::SlackStack(StackOptions options)
    : options_(std::move(options)), daemon_port_(FreePort()) {
  sim_ = std::make_unique<slack_sim_test::SimProcess>(options_.sim_args);
  const std::string api =
      "http://127.0.0.1:" + std::to_string(sim_->port()) + "/api/";
  WriteFile(dir_.File("leadrouter.toml"),
            "[server]\nlisten = \"127.0.0.1:" + std::to_string(daemon_port_) +
                "\"\nrate_limit_burst = 100000\nrate_limit_per_second = 100000\n"
                "[storage]\npath = \"" + dir_.File("leads.db") + "\"\n"
                "[testing]\nmovable_clock = true\n"
                "[slack]\napi_url = \"" + api + "\"\n"
                "shark_tank_channel = \"" + kSharkChannel + "\"\n"
                "ops_channel = \"" + kOpsChannel + "\"\n"
                "triage_channel = \"" + kTriageChannel + "\"\n"
                "managers = [\"" + kManager + "\"]\n" +
                options_.slack_config + "\n" + options_.extra_config + "\n");
  StartDaemon();
}

SlackStack::~SlackStack() = default;

uint16_t SlackStack::sim_port() const { return sim_->port(); }

void SlackStack::StartDaemon() {
  daemon_.reset();
  std::map<std::string, std::string> env = {{"LEADROUTER_INTAKE_TOKEN", kIntakeToken},
                                            {"SLACK_BOT_TOKEN", "xoxb-test"},
                                            {"SLACK_APP_TOKEN", "xapp-test"}};
  for (const auto& [name, value] : options_.env) env[name] = value;
  daemon_ = std::make_unique<DaemonProcess>(
      std::vector<std::string>{"serve", "--config", dir_.File("leadrouter.toml"),
                               "--log-format", "json"},
      env,
      dir_.File("daemon-" + std::to_string(++starts_) + ".log"));
  REQUIRE(daemon_->WaitForPort(daemon_port_));
  test::HttpClient http(daemon_port_);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    auto r = http.Send("GET", "/healthz");
    json health = json::parse(r.body, nullptr, false);
    if (health.is_object() && health["slack"]["state"] == "connected") break;
    if (std::chrono::steady_clock::now() > deadline) {
      FAIL("Slack never connected: " << r.body << "\n" << DaemonLog());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void SlackStack::StopDaemon(int signal) {
  if (daemon_) daemon_->Stop(signal);
}

void SlackStack::SignalDaemon(int signal) {
  if (daemon_) ::kill(daemon_->pid(), signal);
}

json SlackStack::PostLead(const json& lead) {
  test::HttpClient http(daemon_port_);
  auto r = http.Send("POST", "/v1/leads",
                     {{"Content-Type", "application/json"},
                      {"Authorization", std::string("Bearer ") + kIntakeToken}},
                     lead.dump());
  INFO(r.body);
  REQUIRE(r.status == 202);
  return json::parse(r.body);
}

int64_t SlackStack::Advance(const std::string& duration) {
  test::HttpClient http(daemon_port_);
  auto r = http.Send("POST", "/v1/testing/clock",
                     {{"Content-Type", "application/json"},
                      {"Authorization", std::string("Bearer ") + kIntakeToken}},
                     json{{"advance", duration}}.dump());
  INFO(r.body);
  REQUIRE(r.status == 200);
  return json::parse(r.body, nullptr, false).value("now_unix_ms", int64_t{0});
}

json SlackStack::Health() {
  test::HttpClient http(daemon_port_);
  return json::parse(http.Send("GET", "/healthz").body, nullptr, false);
}

void SlackStack::WaitUntilIdle() {
  test::HttpClient http(daemon_port_);
  std::string last;
  for (int i = 0; i < 1000; ++i) {
    auto r = http.Send("GET", "/v1/testing/jobs");
    last = r.body;
    const json body = json::parse(r.body, nullptr, false);
    if (r.status == 200 && body.is_object() && body.value("idle", false)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("the daemon's job runner never became idle; last answer: " << last << "\n"
                                                                   << DaemonLog());
}

json SlackStack::SimGet(const std::string& what) {
  return slack_sim_test::ControlGet(sim_->port(), what);
}

json SlackStack::SimPost(const std::string& what, const json& body) {
  return slack_sim_test::Control(sim_->port(), what, body);
}

json SlackStack::Channel(const std::string& channel) {
  // {"channel","name","messages":[…],"ephemerals":[…]}
  json c = SimGet("messages?channel=" + channel);
  if (!c.is_object() || !c.contains("messages")) {
    return json{{"messages", json::array()}, {"ephemerals", json::array()}};
  }
  return c;
}

std::optional<json> SlackStack::WaitFor(
    const std::string& channel, const std::function<bool(const json&)>& pred,
    bool ephemeral, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    json c = Channel(channel);
    const json& list = c[ephemeral ? "ephemerals" : "messages"];
    if (list.is_array()) {
      for (const auto& m : list) {
        if (pred(m)) return m;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return std::nullopt;
}

std::string SlackStack::DmChannel(const std::string& user) {
  json calls = SimGet("calls");
  for (const auto& call : calls) {
    if (call.value("method", "") != "conversations.open") continue;
    // A call refused in an outage carries no answer worth reading.
    const json params = call.value("params", json::object());
    const json response = call.value("response", json::object());
    if (!params.is_object() || !response.is_object()) continue;
    if (params.value("users", "") == user && response.value("ok", false) &&
        response.contains("channel") && response["channel"].is_object()) {
      return response["channel"].value("id", "");
    }
  }
  return "";
}

std::string SlackStack::WaitForDm(const std::string& user) {
  for (int i = 0; i < 500; ++i) {
    std::string dm = DmChannel(user);
    if (!dm.empty()) return dm;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("no DM opened for " << user << "\n" << DaemonLog());
  return "";
}

json SlackStack::WaitForPost(const std::string& name) {
  auto post = WaitFor(kSharkChannel, [&](const json& m) {
    return HasButton(m, "claim_lead") && Contains(MessageText(m), name);
  });
  if (!post) {
    FAIL("no shark-tank post for " << name << "\n"
                                    << Channel(kSharkChannel).dump() << "\n"
                                    << DaemonLog());
  }
  return *post;
}

std::string SlackStack::OwnerOf(int64_t id, const std::string& other_than) {
  const std::string sql =
      "SELECT owner_slack_id FROM leads WHERE id = " + std::to_string(id);
  for (int i = 0; i < 500; ++i) {
    std::string owner = QueryString(sql);
    if (!owner.empty() && owner != other_than) return owner;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return "";
}

json SlackStack::Click(const std::string& channel, const std::string& ts,
                       const std::string& action_id, const std::string& user) {
  return slack_sim_test::Control(
      sim_->port(), "click",
      {{"channel", channel}, {"ts", ts}, {"action_id", action_id}, {"user", user}});
}

json SlackStack::Command(const std::string& command, const std::string& text,
                         const std::string& user, const std::string& channel) {
  return slack_sim_test::Control(
      sim_->port(), "command",
      {{"command", command}, {"text", text}, {"user", user}, {"channel", channel}});
}

std::string SlackStack::CommandReply(const std::string& command,
                                     const std::string& text,
                                     const std::string& user) {
  const std::string channel = "C0GENERAL1";
  const size_t before = Channel(channel)["ephemerals"].size();
  Command(command, text, user, channel);
  // Commands are answered one ephemeral each, in order: the answer is the
  // first one after those that were there before.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const json ephemerals = Channel(channel)["ephemerals"];
    if (ephemerals.size() > before) {
      const json& reply = ephemerals[before];
      CHECK(reply.value("user", "") == user);
      return reply.value("text", "");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("no answer to " << command << " " << text << "\n" << DaemonLog());
  return "";
}

int64_t SlackStack::Count(const std::string& sql) const {
  SQLite::Database db(dir_.File("leads.db"), SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

std::string SlackStack::QueryString(const std::string& sql) const {
  SQLite::Database db(dir_.File("leads.db"), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, sql);
  if (!q.executeStep() || q.isColumnNull(0)) return "";
  return q.getColumn(0).getString();
}

void SlackStack::Execute(const std::string& sql) {
  SQLite::Database db(dir_.File("leads.db"), SQLite::OPEN_READWRITE);
  db.exec(sql);
}

std::string SlackStack::DaemonLog() const {
  std::string out;
  for (int i = 1; i <= starts_; ++i) {
    out += ReadFile(dir_.File("daemon-" + std::to_string(i) + ".log"));
  }
  return out;
}

}  // namespace leadrouter::testing
