// A burst while Slack throttles chat.postMessage to one a second per
// channel: every lead is stored and reaches Slack exactly once (hot leads
// in the shark tank, standard ones as their owner's DM card), and a hot
// lead is posted before the standard DMs of the leads that arrived with it,
// even when Slack answers its post with a 429 (it keeps its place in the
// shark tank's queue rather than going to the back of it).
// Behaviour only; the figures (intake latency, drain rate) are the
// benchmark's (tests/bench/bench_burst).
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/slack_stack.h"

using leadrouter::testing::AgentToml;
using leadrouter::testing::HotLead;
using leadrouter::testing::kIntakeToken;
using leadrouter::testing::kSharkChannel;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using leadrouter::testing::WarmLead;
using nlohmann::json;

namespace {

constexpr int kAgents = 4;
// Each wave is one hot lead and eight standard ones sent at once; the waves
// follow each other without a pause. Six waves fill each agent's DM lane
// with twelve cards: about nine seconds at Slack's pace.
constexpr int kWaves = 6;
constexpr int kStandardPerWave = 8;

std::string Agent(int i) { return "U0THROT00" + std::to_string(i); }
std::string HotName(int wave) { return "Hattie Hotwave" + std::to_string(wave); }
std::string StandardName(int n) { return "Wendy Warm" + std::to_string(n); }

// Whether `text` names `name` as a whole word ("Wendy Warm1" is not in a
// card for "Wendy Warm12").
bool Names(const std::string& text, const std::string& name) {
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    const size_t end = at + name.size();
    if (end == text.size() || !std::isdigit(static_cast<unsigned char>(text[end]))) return true;
  }
  return false;
}

// Sends every lead of `wave` at once, one connection each; true when all
// were answered 202.
bool SendWave(uint16_t port, const std::vector<json>& wave) {
  std::vector<int> status(wave.size(), 0);
  std::vector<std::thread> senders;
  for (size_t i = 0; i < wave.size(); ++i) {
    senders.emplace_back([&, i] {
      leadrouter::test::HttpClient http(port);
      status[i] = http.Send("POST", "/v1/leads",
                            {{"Content-Type", "application/json"},
                             {"Authorization", std::string("Bearer ") + kIntakeToken}},
                            wave[i].dump())
                      .status;
    });
  }
  for (std::thread& t : senders) t.join();
  for (int s : status) {
    if (s != 202) return false;
  }
  return true;
}

// The successful chat.postMessage calls, in the order Slack took them.
struct Post {
  std::string channel;
  std::string text;  // the whole call, to find a lead's name in
};
std::vector<Post> Posts(SlackStack& s) {
  std::vector<Post> out;
  for (const json& call : s.SimGet("calls")) {
    if (call.value("method", "") != "chat.postMessage" || call.value("status", 0) != 200) continue;
    out.push_back({call["params"].value("channel", ""), call["params"].dump()});
  }
  return out;
}

// Where in `posts` the one post naming `name` in a channel accepted by
// `where` is; nullopt unless there is exactly one.
template <typename Where>
std::optional<size_t> OnlyPost(const std::vector<Post>& posts, const std::string& name,
                               Where where) {
  std::optional<size_t> found;
  for (size_t i = 0; i < posts.size(); ++i) {
    if (!where(posts[i].channel) || !Names(posts[i].text, name)) continue;
    if (found) return std::nullopt;
    found = i;
  }
  return found;
}

}  // namespace

TEST_CASE("a burst under Slack's throttling loses nothing and posts hot leads first",
          "[integration][priority][burst]") {
  std::string agents = "[rotation]\ntimezone = \"UTC\"\n";
  for (int i = 0; i < kAgents; ++i) agents += AgentToml(Agent(i), "Agent " + std::to_string(i));
  SlackStack s(StackOptions{agents, "", {"--post-rate", "1/s", "--post-burst", "3"}});

  // First every agent's DM lane spends Slack's burst of three and queues a
  // fourth card, so that the waves' cards wait for Slack's pace behind it.
  // (With room in a lane, a card is posted as soon as its lead is stored:
  // holding it back for a hot lead that has not arrived yet would only slow
  // it down.)
  constexpr int kFillers = kAgents * 4;
  std::vector<json> fillers;
  for (int n = 0; n < kFillers; ++n) {
    json filler = WarmLead(1000 + n);
    char phone[32];  // WarmLead's phones repeat every 100 leads: no merges
    std::snprintf(phone, sizeof phone, "+1646555%04d", 100 + n);
    filler["phone"] = phone;
    fillers.push_back(filler);
  }
  REQUIRE(SendWave(s.daemon_port(), fillers));
  const std::string cards_done =
      "SELECT count(*) FROM jobs WHERE kind = 'slack.dm_lead_card' AND state = 'done'";
  for (int i = 0; i < 500 && s.Count(cards_done) < kAgents * 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(s.Count(cards_done) >= kAgents * 3);

  // Slack throttles the first hot lead's post once, as it does when its
  // clock and ours disagree by a few milliseconds about a second's end.
  s.SimPost("fault", {{"method", "chat.postMessage"},
                      {"channel", kSharkChannel},
                      {"count", 1},
                      {"retry_after", 1}});

  int standard = 0;
  for (int w = 0; w < kWaves; ++w) {
    std::vector<json> wave{HotLead(w, HotName(w))};
    for (int i = 0; i < kStandardPerWave; ++i) wave.push_back(WarmLead(standard++));
    INFO("wave " << w);
    REQUIRE(SendWave(s.daemon_port(), wave));
  }
  const int total = kFillers + kWaves * (1 + kStandardPerWave);
  CHECK(s.Count("SELECT count(*) FROM leads") == total);

  // Slack drains at its own pace; wait for the last card, then look.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  int64_t cards = 0, hot = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    cards = s.Count(
        "SELECT count(*) FROM jobs WHERE kind = 'slack.dm_lead_card' AND state = 'done'");
    hot = s.Count(
        "SELECT count(*) FROM jobs WHERE kind = 'slack.post_shark_tank' AND state = 'done'");
    if (cards >= kFillers + standard && hot >= kWaves) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  REQUIRE(cards == kFillers + standard);
  REQUIRE(hot == kWaves);
  s.WaitUntilIdle();
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE state = 'dead'") == 0);

  const std::vector<Post> posts = Posts(s);
  bool throttled = false;
  for (const json& call : s.SimGet("calls")) {
    throttled = throttled || (call.value("status", 0) == 429 &&
                              call["params"].value("channel", "") == kSharkChannel &&
                              Names(call["params"].dump(), HotName(0)));
  }
  CHECK(throttled);
  auto in_shark_tank = [](const std::string& c) { return c == kSharkChannel; };
  auto in_a_dm = [](const std::string& c) { return !c.empty() && c[0] == 'D'; };
  // Exactly once each: a hot lead in the shark tank, a standard one in a DM.
  std::vector<size_t> hot_at, standard_at;
  for (int w = 0; w < kWaves; ++w) {
    INFO(HotName(w));
    auto at = OnlyPost(posts, HotName(w), in_shark_tank);
    REQUIRE(at);
    hot_at.push_back(*at);
  }
  for (int n = 0; n < standard; ++n) {
    INFO(StandardName(n));
    auto at = OnlyPost(posts, StandardName(n), in_a_dm);
    REQUIRE(at);
    standard_at.push_back(*at);
  }
  // A hot lead goes ahead of the standard leads that arrived with it, and
  // its own lane (the shark tank's) fills up too.
  for (int w = 0; w < kWaves; ++w) {
    for (int i = 0; i < kStandardPerWave; ++i) {
      const int n = w * kStandardPerWave + i;
      INFO(HotName(w) << " posted " << hot_at[w] << "th, " << StandardName(n) << "'s card "
                      << standard_at[n] << "th");
      CHECK(hot_at[w] < standard_at[n]);
    }
  }
}
