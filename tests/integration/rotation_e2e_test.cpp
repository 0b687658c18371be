// The rotation and the managers' commands end to end: standard leads go
// round-robin by DM, turn by turn as the rotation's rules say; a returning
// lead goes back to its owner; nobody available means triage; and every
// /rotation and /leads subcommand answers managers and others as it should.
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <map>
#include <string>
#include <vector>
#include <thread>

#include "tests/support/slack_stack.h"

using leadrouter::testing::AgentToml;
using leadrouter::testing::Contains;
using leadrouter::testing::HotLead;
using leadrouter::testing::WarmLead;
using leadrouter::testing::HasButton;
using leadrouter::testing::kManager;
using leadrouter::testing::kTriageChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using nlohmann::json;

namespace {

int64_t AssignedEvents(SlackStack& s, int64_t id) {
  return s.Count("SELECT count(*) FROM timeline_events WHERE kind = 'assigned' "
                 "AND lead_id = " + std::to_string(id));
}

// A one-hour working window that starts two hours from now (UTC), so the
// agent is out of hours whenever the test runs.
std::string HoursAwayFromNow() {
  std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char window[32];
  std::snprintf(window, sizeof window, "%02d:00-%02d:00", (utc.tm_hour + 2) % 24,
                (utc.tm_hour + 3) % 24);
  return window;
}

}  // namespace

TEST_CASE("weighted round-robin over 30 leads skips the paused, the capped and "
          "the off-duty, turn by turn",
          "[integration][rotation]") {
  SlackStack s(StackOptions{"[rotation]\ntimezone = \"UTC\"\n" +
                AgentToml("U0AGENTANA", "Ana", "weight = 2\n") +
                AgentToml("U0AGENTBEN", "Ben") +
                AgentToml("U0AGENTCYX", "Cy", "daily_cap = 3\n") +
                AgentToml("U0AGENTDEE", "Dee",
                      "timezone = \"UTC\"\nwork_hours = \"" + HoursAwayFromNow() + "\"\n") +
                AgentToml("U0AGENTEVE", "Eve")});
  CHECK(Contains(s.CommandReply("/rotation", "pause <@U0AGENTBEN|ben>", kManager),
                 "Paused"));

  const std::string A = "U0AGENTANA", C = "U0AGENTCYX", E = "U0AGENTEVE";
  // Ana twice (weight 2), Cy, Eve; Cy stops at his cap of 3; Ben (paused)
  // and Dee (out of hours) never get one, and nobody catches up later.
  const std::vector<std::string> expected = {
      A, A, C, E, A, A, C, E, A, A, C, E, A, A, E, A, A, E,
      A, A, E, A, A, E, A, A, E, A, A, E};
  for (size_t turn = 0; turn < expected.size(); ++turn) {
    const int64_t id = s.PostLead(WarmLead(static_cast<int>(turn)))["lead_id"];
    INFO("turn " << turn + 1);
    REQUIRE(s.OwnerOf(id) == expected[turn]);
  }
  const std::string reason = s.QueryString(
      "SELECT json_extract(detail, '$.reason') FROM timeline_events "
      "WHERE kind = 'assigned' ORDER BY id DESC LIMIT 1");
  CHECK(Contains(reason, "Ben: paused"));
  CHECK(Contains(reason, "at daily cap (3/3)"));
  CHECK(Contains(reason, "outside working hours"));

  // The assignee's DM explains the routing (the route decision, then the
  // rotation's turn) and offers Mark contacted.
  const std::string dm = s.DmChannel(E);
  REQUIRE(!dm.empty());
  auto card = s.WaitFor(dm, [](const json& m) {
    return HasButton(m, "mark_contacted") &&
           Contains(MessageText(m), "WARM_BUYER: next agent in the rotation; round-robin");
  });
  CHECK(card);

  // /rotation list shows the counts and who is next.
  std::string list = s.CommandReply("/rotation", "list", "U0AGENTEVE");
  CHECK(Contains(list, "Ana"));
  CHECK(Contains(list, "paused"));
}

TEST_CASE("a returning lead goes back to its owner, or to the rotation when "
          "the owner is away",
          "[integration][rotation]") {
  SlackStack s(StackOptions{"[rotation]\ntimezone = \"UTC\"\n" + AgentToml("U0AGENTANA", "Ana") +
                AgentToml("U0AGENTBEN", "Ben")});
  const int64_t first = s.PostLead(WarmLead(1, "back@example.com"))["lead_id"];
  REQUIRE(s.OwnerOf(first) == "U0AGENTANA");
  const int64_t second = s.PostLead(WarmLead(2))["lead_id"];
  REQUIRE(s.OwnerOf(second) == "U0AGENTBEN");

  json again = s.PostLead(WarmLead(3, "back@example.com"));
  CHECK(again["status"] == "duplicate");
  CHECK(again["duplicate_of"] == first);
  for (int i = 0; i < 500 && AssignedEvents(s, first) < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(AssignedEvents(s, first) == 2);
  CHECK(s.QueryString("SELECT owner_slack_id FROM leads WHERE id = " +
                      std::to_string(first)) == "U0AGENTANA");
  // The rotation did not move for the returning lead: Ana is next.
  const int64_t third = s.PostLead(WarmLead(4))["lead_id"];
  CHECK(s.OwnerOf(third) == "U0AGENTANA");

  // Ana is away: the next return goes to whoever the rotation says.
  CHECK(Contains(s.CommandReply("/rotation", "pause <@U0AGENTANA>", kManager), "Paused"));
  s.PostLead(WarmLead(5, "back@example.com"));
  CHECK(s.OwnerOf(first, "U0AGENTANA") == "U0AGENTBEN");
}

TEST_CASE("with nobody available a lead goes to triage with the reason",
          "[integration][rotation]") {
  SlackStack s(StackOptions{"[rotation]\ntimezone = \"UTC\"\n" + AgentToml("U0AGENTANA", "Ana")});
  CHECK(Contains(s.CommandReply("/rotation", "pause <@U0AGENTANA>", kManager), "Paused"));
  const int64_t id = s.PostLead(WarmLead(7))["lead_id"];
  auto post = s.WaitFor(kTriageChannel, [](const json& m) {
    return Contains(MessageText(m), "Needs an owner") &&
           Contains(MessageText(m), "Ana: paused");
  });
  REQUIRE(post);
  CHECK(HasButton(*post, "claim_lead"));
  CHECK(s.Count("SELECT count(*) FROM timeline_events WHERE kind = 'unassigned' "
                "AND lead_id = " + std::to_string(id)) == 1);
  // Whoever watches triage can take it in one click.
  s.Click(kTriageChannel, (*post)["ts"], "claim_lead", "U0AGENTANA");
  CHECK(s.OwnerOf(id) == "U0AGENTANA");
}

TEST_CASE("every /rotation and /leads subcommand answers managers, refuses "
          "others and explains bad arguments",
          "[integration][commands]") {
  SlackStack s(StackOptions{"[rotation]\ntimezone = \"UTC\"\n" + AgentToml("U0AGENTANA", "Ana") +
                AgentToml("U0AGENTBEN", "Ben")});
  const int64_t id = s.PostLead(WarmLead(9))["lead_id"];
  REQUIRE(s.OwnerOf(id) == "U0AGENTANA");
  const std::string agent = "U0AGENTBEN";

  struct Case {
    std::string command, text, manager_says;
  };
  const std::vector<Case> changes = {
      {"/rotation", "add <@U0AGENTCYX|cy>", "Added"},
      {"/rotation", "weight <@U0AGENTCYX> 2", "weight to 2"},
      {"/rotation", "cap <@U0AGENTCYX|cy> 5", "daily cap to 5"},
      {"/rotation", "move <@U0AGENTCYX> 1", "position 1"},
      {"/rotation", "pause <@U0AGENTCYX> 2h", "Paused"},
      {"/rotation", "resume <@U0AGENTCYX>", "Resumed"},
      {"/rotation", "skip", "Skipped"},
      {"/rotation", "remove <@U0AGENTCYX>", "Removed"},
      {"/leads", "reassign " + std::to_string(id) + " <@U0AGENTBEN>", "now owns"},
  };
  for (const Case& c : changes) {
    INFO(c.command << " " << c.text);
    std::string refused = s.CommandReply(c.command, c.text, agent);
    CHECK(Contains(refused, "Only managers"));
    CHECK(Contains(s.CommandReply(c.command, c.text, kManager), c.manager_says));
  }
  CHECK(s.OwnerOf(id) == "U0AGENTBEN");

  // Reading is open to everyone.
  CHECK(Contains(s.CommandReply("/rotation", "list", agent), "Ana"));
  CHECK(Contains(s.CommandReply("/rotation", "", agent), "Ana"));
  CHECK(Contains(s.CommandReply("/leads", "", agent), "warm 1"));
  CHECK(Contains(s.CommandReply("/leads", "show " + std::to_string(id), agent),
                 "reassigned"));

  // Bad arguments get usage help that names the problem.
  CHECK(Contains(s.CommandReply("/rotation", "frobnicate", kManager), "I don't know"));
  CHECK(Contains(s.CommandReply("/rotation", "weight <@U0AGENTANA> lots", kManager),
                 "Usage"));
  CHECK(Contains(s.CommandReply("/rotation", "pause", kManager), "needs an agent"));
  CHECK(Contains(s.CommandReply("/leads", "show banana", kManager), "is not a lead id"));
  CHECK(Contains(s.CommandReply("/leads", "reassign 999999 <@U0AGENTANA>", kManager),
                 "There is no lead"));
  CHECK(Contains(s.CommandReply("/leads", "dance", agent), "is not a `/leads` subcommand"));
}

namespace {

// conversations.open calls the sim answered, by user.
std::map<std::string, int> OpensByUser(SlackStack& s) {
  std::map<std::string, int> opens;
  for (const json& call : s.SimGet("calls")) {
    if (call.value("method", "") != "conversations.open") continue;
    const json params = call.value("params", json::object());
    if (params.is_object()) ++opens[params.value("users", "")];
  }
  return opens;
}

}  // namespace

TEST_CASE("each agent's DM is opened once, at start, before any lead, and not "
          "again after a restart",
          "[integration][rotation][dm_channels]") {
  const std::vector<std::string> agents = {"U0AGENTANA", "U0AGENTBEN", "U0AGENTCYX"};
  SlackStack s(StackOptions{"[rotation]\ntimezone = \"UTC\"\n" +
                            AgentToml(agents[0], "Ana") + AgentToml(agents[1], "Ben") +
                            AgentToml(agents[2], "Cy")});
  // No lead yet: the daemon opens every active agent's DM on its own, so a
  // burst's first DMs do not queue behind Slack's pace for opening them.
  std::map<std::string, int> opens;
  for (int i = 0; i < 500 && opens.size() < agents.size(); ++i) {
    opens = OpensByUser(s);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(opens.size() == agents.size());
  CHECK(s.Count("SELECT count(*) FROM slack_dm_channels") == 3);

  // A restart reads them back: three leads reach three DMs with no new open.
  s.StopDaemon(9);
  s.StartDaemon();
  for (int n = 0; n < 3; ++n) s.PostLead(WarmLead(n));
  for (const std::string& agent : agents) {
    INFO(agent);
    CHECK(s.WaitFor(s.DmChannel(agent),
                    [](const json& m) { return HasButton(m, "mark_contacted"); }));
  }
  for (const auto& [user, count] : OpensByUser(s)) {
    INFO(user);
    CHECK(count == 1);
  }
  CHECK(Contains(s.DaemonLog(), "\"known\":3"));
}
