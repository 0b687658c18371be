// The shark tank end to end: the real daemon, the Slack stand-in, real
// clicks. A hot lead is posted with a Claim button, the first click wins,
// everyone else is told politely, and an unclaimed lead falls back to the
// rotation on time, even across a restart.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/slack_stack.h"

using leadrouter::testing::AgentToml;
using leadrouter::testing::Contains;
using leadrouter::testing::HotLead;
using leadrouter::testing::HasButton;
using leadrouter::testing::kSharkChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using nlohmann::json;

namespace {

std::string AgentsToml(const std::vector<std::pair<std::string, std::string>>& agents) {
  std::string out = "[rotation]\ntimezone = \"UTC\"\n";
  for (const auto& [id, name] : agents) out += AgentToml(id, name);
  return out;
}

}  // namespace

TEST_CASE("a hot lead is posted to the shark tank and the first click owns it",
          "[integration][shark_tank]") {
  SlackStack s(StackOptions{AgentsToml({{"U0AGENTANA", "Ana"}, {"U0AGENTBEN", "Ben"}})});
  json accepted = s.PostLead(HotLead(1, "Dana Claimtest"));
  const int64_t id = accepted["lead_id"];

  json post = s.WaitForPost("Dana Claimtest");
  const std::string ts = post["ts"];
  CHECK(Contains(MessageText(post), "(312) 555-0101"));
  CHECK(Contains(MessageText(post), "Why it scored"));

  // Slack fails the first edit (it is retried a second or two later), so
  // the button is still there for a nervous second click by the winner.
  s.SimPost("fault", {{"method", "chat.update"}, {"count", 1}, {"status", 503}});
  REQUIRE(s.Click(kSharkChannel, ts, "claim_lead", "U0AGENTANA")["ok"] == true);
  REQUIRE(s.Click(kSharkChannel, ts, "claim_lead", "U0AGENTANA")["ok"] == true);

  auto claimed = s.WaitFor(kSharkChannel, [&](const json& m) {
    return m["ts"] == ts && !HasButton(m, "claim_lead") &&
           Contains(MessageText(m), "Claimed by <@U0AGENTANA>");
  });
  REQUIRE(claimed);
  CHECK(s.QueryString("SELECT owner_slack_id FROM leads WHERE id = " +
                      std::to_string(id)) == "U0AGENTANA");

  // The winner's DM: the full card with a Mark contacted button.
  const std::string dm = s.WaitForDm("U0AGENTANA");
  auto card = s.WaitFor(dm, [](const json& m) {
    return HasButton(m, "mark_contacted") &&
           Contains(MessageText(m), "Dana Claimtest");
  });
  REQUIRE(card);
  CHECK(Contains(MessageText(*card), "You claimed it in the shark tank"));

  SECTION("the winner's second click is harmless") {
    auto told = s.WaitFor(
        kSharkChannel,
        [](const json& e) { return Contains(e.value("text", ""), "already own"); },
        /*ephemeral=*/true);
    CHECK(told);
    CHECK(s.Count("SELECT count(*) FROM timeline_events WHERE kind = 'claimed'") == 1);
    CHECK(s.Channel(dm)["messages"].size() == 1);
  }

  SECTION("Mark contacted on the DM records first contact") {
    s.Click(dm, (*card)["ts"], "mark_contacted", "U0AGENTANA");
    auto told = s.WaitFor(
        dm, [](const json& e) { return Contains(e.value("text", ""), "as contacted"); },
        /*ephemeral=*/true);
    CHECK(told);
    CHECK(s.Count("SELECT count(*) FROM leads WHERE contacted_at IS NOT NULL AND id = " +
                  std::to_string(id)) == 1);
  }
}

TEST_CASE("ten agents clicking Claim at once produce one owner and nine refusals",
          "[integration][shark_tank]") {
  std::vector<std::pair<std::string, std::string>> agents;
  for (int i = 0; i < 10; ++i) {
    agents.push_back({"U0RACER00" + std::to_string(i), "Racer " + std::to_string(i)});
  }
  SlackStack s(StackOptions{AgentsToml(agents)});
  s.PostLead(HotLead(2, "Rachel Race"));
  const std::string ts = s.WaitForPost("Rachel Race")["ts"];
  // Every racer sees the Claim button: the winner's edit of the post lands
  // after the last click, as it may in Slack when the clicks come together.
  s.SimPost("fault", {{"method", "chat.update"}, {"count", 1}, {"delay_ms", 3000}});

  std::atomic<int> ready{0};
  std::atomic<int> clicked{0};
  std::vector<std::thread> clickers;
  for (const auto& [id, name] : agents) {
    clickers.emplace_back([&, id = id] {
      ++ready;
      while (ready.load() < 10) std::this_thread::yield();
      if (s.Click(kSharkChannel, ts, "claim_lead", id)["ok"] == true) ++clicked;
    });
  }
  for (auto& t : clickers) t.join();
  REQUIRE(clicked == 10);

  auto refusals = [&] {
    int n = 0;
    const json ephemerals = s.Channel(kSharkChannel)["ephemerals"];
    for (const auto& e : ephemerals) {
      if (Contains(e.value("text", ""), "already claimed by")) ++n;
    }
    return n;
  };
  for (int i = 0; i < 500 && refusals() < 9; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(refusals() == 9);
  const std::string owner = s.QueryString("SELECT owner_slack_id FROM leads");
  REQUIRE(!owner.empty());
  CHECK(s.Count("SELECT count(*) FROM timeline_events WHERE kind = 'claimed'") == 1);
  const json ephemerals = s.Channel(kSharkChannel)["ephemerals"];
  for (const auto& e : ephemerals) {
    CHECK(e["user"] != owner);
    CHECK(Contains(e.value("text", ""), "<@" + owner + ">"));
  }
  auto claimed = s.WaitFor(kSharkChannel, [&](const json& m) {
    return m["ts"] == ts && Contains(MessageText(m), "Claimed by <@" + owner + ">");
  });
  CHECK(claimed);
}

TEST_CASE("everyone who lost a claim race is told within 2 s, through the click's "
          "response_url",
          "[integration][shark_tank]") {
  constexpr int kClickers = 20;
  std::vector<std::pair<std::string, std::string>> agents;
  for (int i = 0; i < kClickers; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "U0LATE%04d", i);
    agents.push_back({id, "Late " + std::to_string(i)});
  }
  SlackStack s(StackOptions{AgentsToml(agents)});
  s.PostLead(HotLead(3, "Rita Rush"));
  const std::string ts = s.WaitForPost("Rita Rush")["ts"];
  // chat.postEphemeral would take 3 s a call: only response_url can be on
  // time.
  s.SimPost("fault", {{"method", "chat.postEphemeral"},
                      {"count", kClickers},
                      {"delay_ms", 3000}});
  // Every clicker sees the Claim button: the winner's edit lands later.
  s.SimPost("fault", {{"method", "chat.update"}, {"count", 1}, {"delay_ms", 5000}});

  std::atomic<int> ready{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> clickers;
  for (const auto& [id, name] : agents) {
    clickers.emplace_back([&, id = id] {
      ++ready;
      while (ready.load() < kClickers) std::this_thread::yield();
      if (s.Click(kSharkChannel, ts, "claim_lead", id)["ok"] == true) ++answered;
    });
  }
  for (auto& t : clickers) t.join();
  REQUIRE(answered == kClickers);
  const auto clicked = std::chrono::steady_clock::now();

  auto refusals = [&] {
    int n = 0;
    const nlohmann::json channel = s.Channel(kSharkChannel);
    for (const auto& e : channel["ephemerals"]) {
      if (Contains(e.value("text", ""), "already claimed by")) ++n;
    }
    return n;
  };
  while (refusals() < kClickers - 1 &&
         std::chrono::steady_clock::now() - clicked < std::chrono::seconds(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto told = std::chrono::steady_clock::now() - clicked;
  REQUIRE(refusals() == kClickers - 1);
  CHECK(told < std::chrono::seconds(2));

  int by_response_url = 0, by_post_ephemeral = 0;
  for (const json& call : s.SimGet("calls")) {
    if (call["method"] == "response_url") {
      ++by_response_url;
      CHECK(call["params"]["response_type"] == "ephemeral");
      CHECK(call["params"]["replace_original"] == false);
    }
    if (call["method"] == "chat.postEphemeral") ++by_post_ephemeral;
  }
  CHECK(by_response_url == kClickers - 1);
  CHECK(by_post_ephemeral == 0);
  // The post itself is updated for the winner, not replaced by a refusal.
  const std::string owner = s.QueryString("SELECT owner_slack_id FROM leads");
  CHECK(s.WaitFor(kSharkChannel, [&](const json& m) {
    return m["ts"] == ts && Contains(MessageText(m), "Claimed by <@" + owner + ">");
  }));
}

TEST_CASE("a click whose response_url fails is still answered, by "
          "chat.postEphemeral",
          "[integration][shark_tank]") {
  SlackStack s(StackOptions{AgentsToml({{"U0AGENTANA", "Ana"}, {"U0AGENTBEN", "Ben"}})});
  s.PostLead(HotLead(4, "Fay Fallback"));
  const std::string ts = s.WaitForPost("Fay Fallback")["ts"];
  // Slack is slow to take the claimed post's edit, so Ben still sees a
  // Claim button when he clicks (once the edit lands there is none).
  s.SimPost("fault", {{"method", "chat.update"}, {"count", 1}, {"delay_ms", 5000}});
  REQUIRE(s.Click(kSharkChannel, ts, "claim_lead", "U0AGENTANA")["ok"] == true);
  REQUIRE(s.OwnerOf(1) == "U0AGENTANA");
  s.SimPost("fault", {{"method", "response_url"}, {"status", 500}});
  REQUIRE(s.Click(kSharkChannel, ts, "claim_lead", "U0AGENTBEN")["ok"] == true);
  auto told = s.WaitFor(
      kSharkChannel,
      [](const json& e) {
        return e.value("user", "") == "U0AGENTBEN" &&
               Contains(e.value("text", ""), "already claimed by <@U0AGENTANA>");
      },
      /*ephemeral=*/true);
  CHECK(told);
  int by_post_ephemeral = 0;
  for (const json& call : s.SimGet("calls")) {
    if (call["method"] == "chat.postEphemeral") ++by_post_ephemeral;
  }
  CHECK(by_post_ephemeral == 1);
}

TEST_CASE("an unclaimed hot lead falls back to the rotation on time, across a restart",
          "[integration][shark_tank]") {
  SlackStack s(StackOptions{AgentsToml({{"U0AGENTANA", "Ana"}, {"U0AGENTBEN", "Ben"}}),
                "claim_timeout = \"5m\"\n"});
  s.PostLead(HotLead(3, "Tim Timeout"));
  const std::string ts = s.WaitForPost("Tim Timeout")["ts"];

  s.StopDaemon(SIGTERM);
  s.StartDaemon();
  s.Advance("4m");
  // Not yet: a minute early changes nothing.
  s.WaitUntilIdle();
  CHECK(s.QueryString("SELECT owner_slack_id FROM leads") == "");

  // Slack fails the first edit (retried a second or two later), so Ben
  // still sees a Claim button.
  s.SimPost("fault", {{"method", "chat.update"}, {"count", 1}, {"status", 503}});
  s.Advance("1m");
  REQUIRE(s.OwnerOf(1) == "U0AGENTANA");
  REQUIRE(s.Click(kSharkChannel, ts, "claim_lead", "U0AGENTBEN")["ok"] == true);
  auto fallen = s.WaitFor(kSharkChannel, [&](const json& m) {
    return m["ts"] == ts && !HasButton(m, "claim_lead") &&
           Contains(MessageText(m), "Unclaimed after 5 min");
  });
  REQUIRE(fallen);
  auto note = s.WaitFor(kSharkChannel, [&](const json& m) {
    return m.value("thread_ts", "") == ts &&
           Contains(MessageText(m), "Nobody claimed this lead within 5 min");
  });
  REQUIRE(note);
  // The timeout is said once, then the rotation's own reason.
  CHECK(Contains(MessageText(*note),
                 "Nobody claimed this lead within 5 min, so the rotation gave "
                 "it to <@U0AGENTANA> (turn "));
  CHECK_FALSE(Contains(MessageText(*note), "claim timeout"));
  note = s.WaitFor(kSharkChannel, [&](const json& m) {
    return m.value("thread_ts", "") == ts &&
           Contains(MessageText(m), "<@U0AGENTANA>");
  });
  CHECK(note);
  const std::string dm = s.WaitForDm("U0AGENTANA");
  CHECK(s.WaitFor(dm, [](const json& m) { return HasButton(m, "mark_contacted"); }));
  // Ben's late click is told who has it.
  CHECK(s.WaitFor(
      kSharkChannel,
      [](const json& e) { return Contains(e.value("text", ""), "<@U0AGENTANA>"); },
      /*ephemeral=*/true));
}

namespace {

// Slack's 429 on the next chat.postMessage, with Retry-After: 1.
void RateLimitNextPost(SlackStack& s) {
  s.SimPost("fault", {{"method", "chat.postMessage"},
                      {"status", 429},
                      {"error", "ratelimited"},
                      {"retry_after", 1}});
}

int RateLimitedPosts(SlackStack& s) {
  int n = 0;
  for (const json& call : s.SimGet("calls")) {
    if (call.value("method", "") == "chat.postMessage" && call.value("status", 200) == 429) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("by default a post Slack answers 429 goes again from the client, its job unaware",
          "[integration][shark]") {
  SlackStack s;
  s.WaitUntilIdle();
  RateLimitNextPost(s);
  s.PostLead(HotLead(1, "Rita Retry"));
  s.WaitForPost("Rita Retry");
  s.WaitUntilIdle();
  INFO(s.DaemonLog());
  CHECK(RateLimitedPosts(s) == 1);
  CHECK_FALSE(Contains(s.DaemonLog(), "job.waiting"));
}

TEST_CASE("with slack.rate_limited_retries = 0 Slack's 429 goes to the job, which waits and posts",
          "[integration][shark]") {
  SlackStack s(StackOptions{"", "rate_limited_retries = 0\n"});
  s.WaitUntilIdle();
  RateLimitNextPost(s);
  s.PostLead(HotLead(1, "Rita Retry"));
  s.WaitForPost("Rita Retry");
  INFO(s.DaemonLog());
  CHECK(RateLimitedPosts(s) == 1);
  // The job was told and waited for Slack, as after any refusal.
  CHECK(Contains(s.DaemonLog(), "job.waiting"));
}
