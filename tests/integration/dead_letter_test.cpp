// Dead letters end to end: the real daemon and the Slack stand-in. A job
// dies on a Slack error, a manager finds it with `/leads dlq` and replays
// it with a click, or an operator replays it from a shell while the daemon
// runs; either way the job then does its work.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/support/slack_stack.h"

using leadrouter::testing::Contains;
using leadrouter::testing::HotLead;
using leadrouter::testing::HasButton;
using leadrouter::testing::kManager;
using leadrouter::testing::kSharkChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::RunBinary;
using leadrouter::testing::SlackStack;
using nlohmann::json;

namespace {

constexpr char kGeneral[] = "C0GENERAL1";

// Makes the shark-tank post of a hot lead die (Slack: channel_not_found)
// and returns the dead job's id.
int64_t KillSharkTankPost(SlackStack& s, const std::string& name) {
  s.SimPost("fault", {{"method", "chat.postMessage"},
                      {"count", 1},
                      {"error", "channel_not_found"}});
  s.PostLead(HotLead(44, name));
  for (int i = 0; i < 500; ++i) {
    if (s.Count("SELECT COUNT(*) FROM jobs WHERE state = 'dead' AND "
                "kind = 'slack.post_shark_tank'") == 1) {
      return s.Count("SELECT id FROM jobs WHERE state = 'dead'");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("the shark-tank post never died\n" << s.DaemonLog());
  return 0;
}

// The job's state once it is `state`, or its last state after a few
// seconds: the post shows in Slack a moment before the job's own commit.
std::string WaitForJobState(SlackStack& s, int64_t id, const std::string& state) {
  const std::string query = "SELECT state FROM jobs WHERE id = " + std::to_string(id);
  std::string seen;
  for (int i = 0; i < 250 && (seen = s.QueryString(query)) != state; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return seen;
}

std::optional<json> WaitForPost(SlackStack& s, const std::string& name) {
  return s.WaitFor(kSharkChannel, [&](const json& m) {
    return HasButton(m, "claim_lead") && Contains(MessageText(m), name);
  });
}

}  // namespace

TEST_CASE("a dead letter replayed from Slack runs again and succeeds",
          "[integration][dead_letter]") {
  SlackStack s;
  const int64_t id = KillSharkTankPost(s, "Dana Deadletter");
  CHECK(s.Channel(kSharkChannel)["messages"].empty());

  SECTION("someone who is not a manager is refused the list") {
    const std::string reply = s.CommandReply("/leads", "dlq", "U0AGENTANA");
    CHECK(Contains(reply, "Only managers"));
  }
  SECTION("a manager lists it and clicks Replay") {
    s.Command("/leads", "dlq", kManager, kGeneral);
    auto list = s.WaitFor(
        kGeneral,
        [&](const json& e) {
          return e.value("user", "") == kManager &&
                 HasButton(e, "dlq_replay");
        },
        /*ephemeral=*/true);
    REQUIRE(list);
    const std::string shown = MessageText(*list);
    CHECK(Contains(shown, "#" + std::to_string(id)));
    CHECK(Contains(shown, "slack.post_shark_tank"));
    CHECK(Contains(shown, "channel_not_found"));

    s.Click(kGeneral, (*list)["message_ts"], "dlq_replay", kManager);

    auto post = WaitForPost(s, "Dana Deadletter");
    REQUIRE(post);
    CHECK(WaitForJobState(s, id, "done") == "done");
    auto confirmed = s.WaitFor(
        kGeneral,
        [&](const json& e) {
          return Contains(e.value("text", ""), "Replayed job #" +
                                                   std::to_string(id));
        },
        /*ephemeral=*/true);
    CHECK(confirmed);
    CHECK(s.Count("SELECT COUNT(*) FROM timeline_events WHERE kind = "
                  "'dead_letter_replayed'") == 1);
  }
}

TEST_CASE("a dead letter replayed from the shell runs while the daemon runs",
          "[integration][dead_letter]") {
  SlackStack s;
  const int64_t id = KillSharkTankPost(s, "Sam Shellreplay");

  auto listed = RunBinary({"dlq", "list", "--config", s.config_path()});
  INFO(listed.err);
  REQUIRE(listed.exit_code == 0);
  CHECK(Contains(listed.out, "slack.post_shark_tank"));

  auto replayed = RunBinary(
      {"dlq", "replay", std::to_string(id), "--config", s.config_path()});
  INFO(replayed.err);
  REQUIRE(replayed.exit_code == 0);

  // Nobody wakes the daemon: it notices the shell's commit by itself.
  auto post = s.WaitFor(
      kSharkChannel,
      [&](const json& m) {
        return HasButton(m, "claim_lead") &&
               Contains(MessageText(m), "Sam Shellreplay");
      },
      /*ephemeral=*/false, std::chrono::seconds(15));
  REQUIRE(post);
  CHECK(WaitForJobState(s, id, "done") == "done");
}
