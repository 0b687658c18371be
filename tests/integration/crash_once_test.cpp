// One message per effect, across crashes: the daemon is killed (SIGKILL) in
// each window where it used to post twice, and comes back without a second
// copy.
//   (a) the DM was posted and recorded, but its job not yet marked done;
//   (b) Slack took the post but its answer never arrived (the stand-in's
//       drop_answer switch), so nothing was recorded;
//   (c) a hot lead's post was handed from the intake's transaction straight
//       to the job runner (no claim commit of its own) and Slack held it:
//       killed before Slack took it, or with Slack taking it after the kill.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/support/slack_stack.h"

using leadrouter::testing::AgentToml;
using leadrouter::testing::Contains;
using leadrouter::testing::HasButton;
using leadrouter::testing::HotLead;
using leadrouter::testing::kSharkChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using leadrouter::testing::WarmLead;
using nlohmann::json;

namespace {

const std::string kAgents = "[rotation]\ntimezone = \"UTC\"\n" +
                            AgentToml("U0CRASHANA", "Ana") + AgentToml("U0CRASHBEN", "Ben");

// Waits until `sql` counts at least `want`; false after 15 s.
bool WaitForCount(SlackStack& s, const std::string& sql, int64_t want) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (s.Count(sql) >= want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

template <typename Pred>
bool WaitFor(Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// chat.postMessage calls to the shark tank the sim has received.
int PostsReceived(SlackStack& s) {
  int n = 0;
  for (const json& call : s.SimGet("calls")) {
    if (call.value("method", "") == "chat.postMessage" &&
        call["params"].value("channel", "") == kSharkChannel) {
      ++n;
    }
  }
  return n;
}

int CountMessages(SlackStack& s, const std::string& channel, const std::string& name) {
  int n = 0;
  const json shown = s.Channel(channel);
  for (const auto& m : shown["messages"]) {
    if (Contains(MessageText(m), name)) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("a DM recorded before a crash is not sent again after it",
          "[integration][crash_once]") {
  SlackStack s(StackOptions{kAgents});
  const int64_t id = s.PostLead(WarmLead(1, "wendy.once@example.com"))["lead_id"];
  REQUIRE(WaitForCount(s,
                       "SELECT count(*) FROM jobs WHERE kind = 'slack.dm_lead_card' "
                       "AND state = 'done'",
                       1));
  const std::string owner = s.OwnerOf(id);
  REQUIRE_FALSE(owner.empty());
  const std::string dm = s.DmChannel(owner);
  REQUIRE(CountMessages(s, dm, "Wendy Warm1") == 1);

  // Killed between the two commits: the DM is recorded, the job is still
  // running. (The two commits follow each other within a millisecond, so
  // the test leaves the file exactly as such a kill does.)
  s.StopDaemon(SIGKILL);
  s.Execute(
      "UPDATE jobs SET state = 'running', finished_at = NULL "
      "WHERE kind = 'slack.dm_lead_card'");
  s.StartDaemon();

  // The recovered job runs again (a second attempt) and finishes...
  REQUIRE(WaitForCount(s,
                       "SELECT count(*) FROM jobs WHERE kind = 'slack.dm_lead_card' "
                       "AND state = 'done' AND attempts = 2",
                       1));
  // ...without a second card.
  CHECK(CountMessages(s, dm, "Wendy Warm1") == 1);
  CHECK(s.Count("SELECT count(*) FROM slack_messages WHERE kind = 'dm'") == 1);
}

TEST_CASE("a post Slack took just before a crash is found, not posted again",
          "[integration][crash_once]") {
  SlackStack s(StackOptions{kAgents});
  // Slack takes the next post and the connection drops before its answer.
  s.SimPost("fault", {{"method", "chat.postMessage"}, {"drop_answer", true}});
  const int64_t id = s.PostLead(HotLead(1, "Olive Orphan"))["lead_id"];
  json post = s.WaitForPost("Olive Orphan");
  s.StopDaemon(SIGKILL);

  // The window: the intent is on disk, the message is not.
  CHECK(s.Count("SELECT count(*) FROM job_posts WHERE ts IS NULL") == 1);
  CHECK(s.Count("SELECT count(*) FROM slack_messages") == 0);

  s.StartDaemon();
  REQUIRE(WaitForCount(s,
                       "SELECT count(*) FROM slack_messages WHERE kind = 'shark_tank'",
                       1));
  CHECK(s.QueryString("SELECT ts FROM slack_messages WHERE kind = 'shark_tank'") ==
        post["ts"].get<std::string>());
  CHECK(CountMessages(s, kSharkChannel, "Olive Orphan") == 1);
  CHECK(Contains(s.DaemonLog(), "slack.post_found"));

  // The one post is the live one: a claim updates it.
  REQUIRE(s.Click(kSharkChannel, post["ts"], "claim_lead", "U0CRASHANA")["ok"] == true);
  auto claimed = s.WaitFor(kSharkChannel, [&](const json& m) {
    return m["ts"] == post["ts"] && !HasButton(m, "claim_lead");
  });
  CHECK(claimed);
  CHECK(s.OwnerOf(id) == "U0CRASHANA");
}

TEST_CASE("without a history scope the daemon says so and posts as before",
          "[integration][crash_once]") {
  SlackStack s(StackOptions{kAgents, "",
                            {"--scopes", "chat:write,commands,im:write,users:read"}});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!Contains(s.DaemonLog(), "slack.post_lookup") &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::string log = s.DaemonLog();
  REQUIRE(Contains(log, "slack.post_lookup"));
  CHECK(Contains(log, "lacks channels:history"));

  s.SimPost("fault", {{"method", "chat.postMessage"}, {"drop_answer", true}});
  s.PostLead(HotLead(2, "Tobias Twice"));
  s.WaitForPost("Tobias Twice");
  s.StopDaemon(SIGKILL);
  s.StartDaemon();
  REQUIRE(WaitForCount(s,
                       "SELECT count(*) FROM slack_messages WHERE kind = 'shark_tank'",
                       1));
  // Today's behaviour, as the log warned: the post could not be checked.
  CHECK(CountMessages(s, kSharkChannel, "Tobias Twice") == 2);
  CHECK(Contains(s.DaemonLog(), "slack.post_unverified"));
}

TEST_CASE("crash after a post was handed over and before Slack took it: posted once on restart",
          "[integration][crash_once][handed_over]") {
  SlackStack s(StackOptions{kAgents});
  // Slack holds the next post for 3 s and then refuses it without posting:
  // the kill lands while the handed-over job waits for Slack.
  s.SimPost("fault", {{"method", "chat.postMessage"}, {"delay_ms", 3000}, {"status", 503}});
  const int64_t id = s.PostLead(HotLead(1, "Hannah Handed"))["lead_id"];
  REQUIRE(WaitFor([&] { return PostsReceived(s) == 1; }));

  // Handed over: claimed, with its intent, by the intake's own commit (the
  // intent's channel is still unknown there; a claim of its own would have
  // named it).
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE kind = 'slack.post_shark_tank' AND "
                "state = 'running' AND attempts = 1 AND lead_id = " + std::to_string(id)) == 1);
  CHECK(s.Count("SELECT count(*) FROM job_posts WHERE channel = '' AND ts IS NULL") == 1);
  s.StopDaemon(SIGKILL);
  CHECK(s.Count("SELECT count(*) FROM slack_messages") == 0);

  s.StartDaemon();
  REQUIRE(WaitFor([&] {
    return s.Count("SELECT count(*) FROM slack_messages WHERE kind = 'shark_tank'") == 1;
  }));
  s.WaitUntilIdle();
  CHECK(CountMessages(s, kSharkChannel, "Hannah Handed") == 1);
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE kind = 'slack.post_shark_tank' AND "
                "state = 'done' AND attempts = 2") == 1);
  CHECK(Contains(s.DaemonLog(), "jobs.recovered"));
}

TEST_CASE("crash after a post was handed over, Slack taking it after the kill: found, not reposted",
          "[integration][crash_once][handed_over]") {
  SlackStack s(StackOptions{kAgents});
  // Slack holds the next post for a second, then posts it: the daemon is
  // killed before the answer, so only the hand-over's intent is on disk.
  s.SimPost("fault", {{"method", "chat.postMessage"}, {"delay_ms", 1000}});
  s.PostLead(HotLead(2, "Hugo Held"));
  REQUIRE(WaitFor([&] {
    return s.Count("SELECT count(*) FROM job_posts WHERE channel = '' AND ts IS NULL") == 1;
  }));
  // The intent is written before the request: wait until Slack holds it.
  REQUIRE(WaitFor([&] { return s.SimGet("faults").empty(); }));
  s.StopDaemon(SIGKILL);
  // The held post lands with nobody left to hear the answer.
  REQUIRE(WaitFor([&] { return CountMessages(s, kSharkChannel, "Hugo Held") == 1; }));

  s.StartDaemon();
  REQUIRE(WaitFor([&] {
    return s.Count("SELECT count(*) FROM slack_messages WHERE kind = 'shark_tank'") == 1;
  }));
  s.WaitUntilIdle();
  CHECK(CountMessages(s, kSharkChannel, "Hugo Held") == 1);
  CHECK(Contains(s.DaemonLog(), "slack.post_found"));
}
