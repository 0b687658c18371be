// The kill drill: leads keep arriving while the daemon is killed with
// SIGKILL again and again (and Slack now and then takes a post without
// answering, or holds one until after the kill). Afterwards no accepted
// lead is missing, and no lead has two shark-tank posts or two DM cards.
// Bounded: 10 kills, a few seconds each.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/run_until.h"
#include "tests/support/slack_stack.h"

using leadrouter::testing::AgentToml;
using leadrouter::testing::Contains;
using leadrouter::testing::HasButton;
using leadrouter::testing::kIntakeToken;
using leadrouter::testing::kSharkChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using nlohmann::json;

namespace {

// The suite runs ten rounds; LEADROUTER_DRILL_KILLS=100 runs the long drill.
int Kills() {
  const char* value = std::getenv("LEADROUTER_DRILL_KILLS");
  const int n = value ? std::atoi(value) : 0;
  return n > 0 ? n : 10;
}
constexpr int kLeadsPerRound = 12;
const std::vector<std::string> kAgentIds = {"U0DRILLANA", "U0DRILLBEN", "U0DRILLCAT"};

// "Dora Drill0007": four digits, so no name is a prefix of another.
std::string NameOf(int n, bool hot) {
  char name[32];
  std::snprintf(name, sizeof name, "%s Drill%04d", hot ? "Hugo" : "Dora", n);
  return name;
}

json DrillLead(int n, bool hot) {
  // 555-0100 to 555-0199 are the fictional numbers: a hundred per area
  // code, and a different area code for each hundred leads, so no two
  // leads of the long drill (1,200) share a phone and merge.
  static const char* kAreas[] = {"415", "212", "617", "206", "303", "312", "213",
                                 "305", "404", "512", "602", "702", "801"};
  char phone[32];
  std::snprintf(phone, sizeof phone, "+1%s555%04d",
                kAreas[(n / 100) % std::size(kAreas)], 100 + n % 100);
  json lead = {{"name", NameOf(n, hot)},
               {"email", "drill" + std::to_string(n) + "@example.com"},
               {"phone", phone}};
  if (hot) {
    lead["message"] = "Pre-approved and paying cash, can we see it today?";
    lead["listing"] = {{"price", 650000}, {"days_on_market", 3}};
    lead["address"] = "12 Elm St, Chicago, IL 60601";
  } else {
    lead["message"] = "Interested in the 3 bedroom on Elm, is it still available?";
  }
  return lead;
}

// Every "Hugo Drill0123" / "Dora Drill0123" in `text`.
std::vector<std::string> DrillNames(const std::string& text) {
  std::vector<std::string> out;
  for (const char* prefix : {"Hugo Drill", "Dora Drill"}) {
    for (size_t at = text.find(prefix); at != std::string::npos;
         at = text.find(prefix, at + 1)) {
      out.push_back(text.substr(at, 14));
    }
  }
  return out;
}

// chat.postMessage calls slack-sim has logged (a held one when it lands).
size_t PostCalls(SlackStack& s) {
  size_t n = 0;
  for (const json& call : s.SimGet("calls")) {
    if (call.value("method", "") == "chat.postMessage") ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("kill -9 under load: no lead lost, no post or DM twice",
          "[integration][drill]") {
  std::string agents = "[rotation]\ntimezone = \"UTC\"\n";
  for (const auto& id : kAgentIds) agents += AgentToml(id, id.substr(7));
  SlackStack s(StackOptions{agents, "post_interval = \"25ms\"\npost_burst = 3\n",
                            {"--post-rate", "50/s", "--post-burst", "3"}});
  std::mt19937 random(20260314);
  std::map<std::string, bool> accepted;  // name -> hot
  int n = 0;
  const int kills = Kills();
  for (int kill = 0; kill < kills; ++kill) {
    // Every other round, Slack takes one post and drops the connection; in
    // the others it holds one post for 1.5 s and takes it after the kill,
    // so every kill of those rounds finds a post in flight. (The restart
    // waits for it to land: a post Slack takes only after the restarted
    // daemon looked for it is posted twice; see bot/slack/once_poster.h.)
    if (kill % 2 == 1) {
      s.SimPost("fault", {{"method", "chat.postMessage"}, {"drop_answer", true}});
    } else {
      s.SimPost("fault", {{"method", "chat.postMessage"}, {"delay_ms", 1500}});
    }
    leadrouter::test::HttpClient http(s.daemon_port());
    for (int i = 0; i < kLeadsPerRound; ++i, ++n) {
      const bool hot = i % 3 == 0;
      auto r = http.Send("POST", "/v1/leads",
                         {{"Content-Type", "application/json"},
                          {"Authorization", std::string("Bearer ") + kIntakeToken}},
                         DrillLead(n, hot).dump());
      if (r.status == 202) accepted[NameOf(n, hot)] = hot;
    }
    // Kill while the leads' Slack work is under way.
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 400)(random)));
    s.StopDaemon(SIGKILL);
    if (kill % 2 == 0) {
      // Nothing else posts while the daemon is down: the next post logged
      // is the held one.
      const size_t before = PostCalls(s);
      leadrouter::testing::PollUntil([&] { return PostCalls(s) != before; },
                                     std::chrono::seconds(5));
    }
    s.StartDaemon();
  }
  REQUIRE(accepted.size() == static_cast<size_t>(kills * kLeadsPerRound));
  // The kills did land mid-work: some start found jobs a kill left running.
  CHECK(Contains(s.DaemonLog(), "jobs.recovered"));

  // Let the last start drain the work: every Slack job finished.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  const std::string open_slack_jobs =
      "SELECT count(*) FROM jobs WHERE (kind LIKE 'slack.%' OR kind LIKE 'route.%') "
      "AND state IN ('pending', 'running') AND due_at <= "
      "(SELECT max(due_at) FROM jobs WHERE kind = 'slack.dm_lead_card')";
  while (s.Count(open_slack_jobs) > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(s.Count(open_slack_jobs) == 0);
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE state = 'dead'") == 0);

  // 0 lost: every accepted lead is stored.
  for (const auto& [name, hot] : accepted) {
    INFO(name);
    CHECK(s.Count("SELECT count(*) FROM leads WHERE name = '" + name + "'") == 1);
  }

  // 0 duplicates: each hot lead once in the shark tank, each standard lead
  // one DM card in all the agents' DMs together.
  std::map<std::string, int> posts;
  const json shown = s.Channel(kSharkChannel);
  for (const auto& m : shown["messages"]) {
    if (m.contains("thread_ts") && m["thread_ts"] != m["ts"]) continue;  // notes
    for (const auto& name : DrillNames(MessageText(m))) ++posts[name];
  }
  std::map<std::string, int> cards;
  for (const auto& agent : kAgentIds) {
    const std::string dm = s.DmChannel(agent);
    if (dm.empty()) continue;
    const json dm_shown = s.Channel(dm);
    for (const auto& m : dm_shown["messages"]) {
      if (!HasButton(m, "mark_contacted")) continue;
      for (const auto& name : DrillNames(MessageText(m))) ++cards[name];
    }
  }
  for (const auto& [name, hot] : accepted) {
    INFO(name);
    if (hot) {
      CHECK(posts[name] == 1);
    } else {
      CHECK(cards[name] == 1);
    }
  }
  for (const auto& [name, count] : posts) {
    INFO(name);
    CHECK(count == 1);
  }
  for (const auto& [name, count] : cards) {
    INFO(name);
    CHECK(count == 1);
  }
}
