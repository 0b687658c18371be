// Slack pushing back, end to end: a throttled channel waits for its own
// Retry-After without holding up any other channel, and a Slack outage
// delays posts without losing or doubling any.
#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/slack_stack.h"

using leadrouter::testing::HotLead;
using leadrouter::testing::HasButton;
using leadrouter::testing::kSharkChannel;
using leadrouter::testing::kTriageChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using nlohmann::json;

namespace {

json SupportLead() {
  return {{"firstName", "Owen"},
          {"lastName", "Tran"},
          {"email", "owen.tran@example.com"},
          {"message", "I can't log into my account, can someone reset my password?"}};
}

size_t Count(const json& list, const std::function<bool(const json&)>& pred) {
  size_t n = 0;
  for (const auto& item : list) n += pred(item) ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("a 429 on the shark-tank channel delays only that channel",
          "[integration][slack][rate_limit]") {
  // One post a second with no burst: the second hot lead is throttled.
  SlackStack s(StackOptions{"[jobs]\nbackoff_base = \"50ms\"\n", "",
                {"--post-rate", "1/s", "--post-burst", "1"}});
  for (int i = 0; i < 4; ++i) s.PostLead(HotLead(i, "Burst Buyer " + std::to_string(i)));
  s.PostLead(SupportLead());

  auto triage = s.WaitFor(kTriageChannel, [](const json& m) {
    return MessageText(m).find("Needs an owner") != std::string::npos;
  });
  REQUIRE(triage);
  // Every hot lead arrives in the end, once each.
  for (int i = 0; i < 200; ++i) {
    if (s.Channel(kSharkChannel)["messages"].size() >= 4) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  json shark = s.Channel(kSharkChannel)["messages"];
  REQUIRE(shark.size() == 4);
  CHECK(Count(shark, [](const json& m) { return HasButton(m, "claim_lead"); }) == 4);

  json calls = s.SimGet("calls");
  const size_t throttled = Count(calls, [](const json& c) {
    return c.value("method", "") == "chat.postMessage" && c.value("status", 0) == 429 &&
           c["params"].value("channel", "") == kSharkChannel;
  });
  CHECK(throttled >= 1);
  // The triage post did not queue behind the throttled channel: it went
  // out before the last hot lead, which had to wait for Retry-After.
  int64_t last_shark = 0;
  for (const auto& m : shark) last_shark = std::max<int64_t>(last_shark, m["posted_at_us"]);
  CHECK((*triage)["posted_at_us"].get<int64_t>() < last_shark);
}

TEST_CASE("posts held up by a Slack outage all arrive once Slack is back",
          "[integration][slack][outage]") {
  SlackStack s(StackOptions{"[jobs]\nbackoff_base = \"50ms\"\nbackoff_cap = \"200ms\"\n"});
  // The next five chat.postMessage calls fail as if Slack were down.
  s.SimPost("fault", {{"method", "chat.postMessage"}, {"count", 5}, {"status", 503}});
  for (int i = 0; i < 3; ++i) s.PostLead(HotLead(10 + i, "Outage Buyer " + std::to_string(i)));

  for (int i = 0; i < 400; ++i) {
    if (s.Channel(kSharkChannel)["messages"].size() >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  json shark = s.Channel(kSharkChannel)["messages"];
  CHECK(shark.size() == 3);
  // The last post's job completes just after Slack shows the message.
  for (int i = 0; i < 200; ++i) {
    if (s.Count("SELECT count(*) FROM jobs WHERE kind = 'slack.post_shark_tank' "
                "AND state = 'done'") == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE kind = 'slack.post_shark_tank' "
                "AND state = 'done'") == 3);
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE state = 'dead'") == 0);
  // They waited for Slack rather than failing.
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE kind = 'slack.post_shark_tank' "
                "AND waiting_on = 'slack'") >= 1);
}
