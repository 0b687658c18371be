// Hot leads first, always: a burst of standard leads queues a thousand DMs
// behind Slack's pace, and a hot lead that arrives after them still reaches
// the shark tank at once; every DM is still delivered, at the allowed pace,
// with one conversations.open per agent.
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/slack_stack.h"
#include "tests/support/http_client.h"

using leadrouter::testing::AgentToml;
using leadrouter::testing::Contains;
using leadrouter::testing::HasButton;
using leadrouter::testing::HotLead;
using leadrouter::testing::kIntakeToken;
using leadrouter::testing::kSharkChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using nlohmann::json;

namespace {

constexpr int kAgents = 10;
constexpr int kStandardLeads = 1000;

std::string Agent(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "U0BURST%03d", i);
  return id;
}

// A standard lead, unique for n below 1,000 (ten area codes × 555-01xx).
json StandardLead(int n) {
  static const char* kAreas[] = {"415", "212", "617", "206", "303",
                                 "512", "404", "305", "702", "503"};
  char phone[32];
  std::snprintf(phone, sizeof phone, "+1%s555%04d", kAreas[(n / 100) % 10], 100 + n % 100);
  return {{"name", "Wendy Burst" + std::to_string(n)},
          {"email", "burst" + std::to_string(n) + "@example.com"},
          {"phone", phone},
          {"message", "Interested in the 3 bedroom on Elm, is it still available?"}};
}

int Accepted(leadrouter::test::HttpClient& http, const json& lead) {
  auto r = http.Send("POST", "/v1/leads",
                     {{"Content-Type", "application/json"},
                      {"Authorization", std::string("Bearer ") + kIntakeToken}},
                     lead.dump());
  return r.status;
}

}  // namespace

TEST_CASE("a hot lead behind 1,000 standard leads reaches the shark tank within 1 s",
          "[integration][priority]") {
  std::string agents = "[rotation]\ntimezone = \"UTC\"\n";
  for (int i = 0; i < kAgents; ++i) agents += AgentToml(Agent(i), "Agent " + std::to_string(i));
  // Slack's own pace: one post a second per channel, a short burst
  // allowed (leadrouter keeps to its defaults, a little under it).
  SlackStack s(StackOptions{agents, "", {"--post-rate", "1/s", "--post-burst", "5"}});

  leadrouter::test::HttpClient http(s.daemon_port());
  for (int n = 0; n < kStandardLeads; ++n) {
    INFO("lead " << n);
    REQUIRE(Accepted(http, StandardLead(n)) == 202);
  }
  // The DM backlog is real: most DMs are still waiting for their lanes.
  const int64_t pending_dms = s.Count(
      "SELECT count(*) FROM jobs WHERE kind IN ('slack.dm_lead_card', "
      "'route.assign_round_robin') AND state IN ('pending', 'running')");
  INFO("DM work still queued when the hot lead arrived: " << pending_dms);
  CHECK(pending_dms > 100);

  const auto sent = std::chrono::steady_clock::now();
  REQUIRE(Accepted(http, HotLead(1, "Harriet Hotfirst")) == 202);
  auto post = s.WaitFor(
      kSharkChannel,
      [](const json& m) {
        return HasButton(m, "claim_lead") && Contains(MessageText(m), "Harriet Hotfirst");
      },
      false, std::chrono::seconds(10));
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - sent);
  REQUIRE(post);
  INFO("the hot lead reached the shark tank after " << waited.count() << " ms");
  CHECK(waited < std::chrono::milliseconds(1000));

  // Every standard lead's DM is delivered, one each.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(200);
  int64_t done = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    done = s.Count("SELECT count(*) FROM jobs WHERE kind = 'slack.dm_lead_card' AND state = 'done'");
    if (done >= kStandardLeads) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  REQUIRE(done == kStandardLeads);
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE state = 'dead'") == 0);

  json calls = s.SimGet("calls");
  std::map<std::string, int> opens;
  std::map<std::string, int> cards;  // DM channel -> lead cards
  std::vector<std::string> rate_limited;
  for (const auto& call : calls) {
    const std::string method = call.value("method", "");
    if (call.value("status", 200) == 429) rate_limited.push_back(call["params"].dump());
    if (method == "conversations.open") ++opens[call["params"].value("users", "")];
  }
  // Each agent's DM channel was opened once and remembered.
  CHECK(opens.size() == static_cast<size_t>(kAgents));
  for (const auto& [user, count] : opens) {
    INFO(user);
    CHECK(count == 1);
  }
  // The daemon kept to Slack's pace: Slack never had to say "slow down".
  INFO("answered 429: " << json(rate_limited).dump());
  CHECK(rate_limited.empty());
  // One card per lead: 1,000 distinct leads across the agents' DMs.
  std::set<std::string> names;
  int total = 0;
  for (int i = 0; i < kAgents; ++i) {
    const std::string dm = s.DmChannel(Agent(i));
    REQUIRE_FALSE(dm.empty());
    const json shown = s.Channel(dm);
    for (const auto& m : shown["messages"]) {
      if (!HasButton(m, "mark_contacted")) continue;
      ++total;
      std::string text = MessageText(m);
      auto at = text.find("Wendy Burst");
      REQUIRE(at != std::string::npos);
      size_t end = at + 11;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
      names.insert(text.substr(at, end - at));
    }
  }
  CHECK(total == kStandardLeads);
  CHECK(names.size() == static_cast<size_t>(kStandardLeads));
}
