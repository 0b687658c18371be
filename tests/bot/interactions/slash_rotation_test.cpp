#include "bot/interactions/slash_rotation.h"

#include <catch2/catch.hpp>

#include "bot/routing/round_robin.h"
#include "bot/runtime/time_zone.h"
#include "storage/rotation_store.h"
#include "storage/timeline.h"
#include "tests/bot/routing/rotation_test_support.h"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using leadrouter::Config;
using leadrouter::RejoinPolicy;
using leadrouter::SlashCommand;
using leadrouter::SlashReply;
using leadrouter::SystemTime;
using leadrouter::storage::Agent;
using leadrouter::storage::AgentStore;
using leadrouter::storage::Database;
using leadrouter::storage::RotationStore;
using leadrouter::testing::AgentSeed;
using leadrouter::testing::IdOf;
using leadrouter::testing::kT0;
using leadrouter::testing::RotationConfig;

namespace {

struct Fixture {
  Fixture(RejoinPolicy rejoin = RejoinPolicy::kOldPlace)
      : db(Database::Open(":memory:")), config(RotationConfig(rejoin)) {
    AgentStore(db->db()).SeedIfEmpty(
        {AgentSeed("Ana", 2, 8), AgentSeed("Ben"), AgentSeed("Cy")}, kT0);
  }

  SlashReply Run(const std::string& text, bool manager = true,
                 SystemTime now = kT0) {
    SlashCommand cmd;
    cmd.command = "/rotation";
    cmd.text = text;
    cmd.user_id = manager ? "U0123MGR" : "U0123ANA";
    cmd.channel_id = "C0123OPS";
    cmd.is_manager = manager;
    return leadrouter::RunRotationCommand(*db, cmd, now, config);
  }

  Agent Get(const std::string& name) {
    auto a = AgentStore(db->db()).Get(IdOf(name));
    REQUIRE(a);
    return *a;
  }

  std::vector<std::string> Order() {
    std::vector<std::string> out;
    for (const Agent& a : AgentStore(db->db()).List()) {
      if (a.active) out.push_back(a.name);
    }
    return out;
  }

  std::unique_ptr<Database> db;
  Config config;
};

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("anyone may list the rotation: order, state, counts and who is next",
          "[bot][slash_rotation]") {
  Fixture f;
  AgentStore agents(f.db->db());
  agents.Pause(IdOf("Ben"), kT0 + 2h);
  agents.Add("U0123DEE", "Dee", kT0);
  agents.Deactivate("U0123DEE");
  RotationStore(f.db->db()).AddToCount(IdOf("Cy"), "2026-03-13", 4);
  int64_t lead = leadrouter::testing::NewLead(*f.db, kT0);
  leadrouter::AssignRoundRobin(*f.db, lead, kT0, f.config, {});

  for (std::string text : {"", "list", "  LIST "}) {
    SlashReply r = f.Run(text, /*manager=*/false);
    INFO(r.text);
    CHECK_FALSE(r.in_channel);
    CHECK_THAT(r.text, Contains("team time 2026-03-14 18:07 EDT · turns so far: 1"));
    CHECK_THAT(r.text,
               Contains("1. *Ana* (<@U0123ANA>) · available · weight 2 · cap 8 "
                        "· today 1 · total 1 · had the last turn (1 of 2)"));
    CHECK_THAT(r.text, Contains("2. *Ben* (<@U0123BEN>) · paused until "
                                "2026-03-14 20:07 EDT · weight 1 · no cap"));
    CHECK_THAT(r.text, Contains("3. *Cy* (<@U0123CY>) · available · weight 1 · "
                                "no cap · today 0 · total 4"));
    CHECK_THAT(r.text, Contains("Removed: Dee"));
    CHECK_THAT(r.text, Contains("*Next:* *Ana* (<@U0123ANA>): round-robin, "
                                "turn 2 (2 of 2 for Ana)"));
  }
}

TEST_CASE("every change is refused to someone who is not a manager",
          "[bot][slash_rotation]") {
  Fixture f;
  AgentStore(f.db->db()).Pause(IdOf("Cy"), std::nullopt);
  for (std::string text :
       {"add <@U0123DEE|dee>", "remove <@U0123BEN>", "pause <@U0123ANA> 2h",
        "resume <@U0123CY>", "weight <@U0123ANA> 3", "cap <@U0123ANA> 1",
        "move <@U0123CY> 1", "skip", "weight <@U0123ANA> banana"}) {
    SlashReply r = f.Run(text, /*manager=*/false);
    INFO(text << " -> " << r.text);
    CHECK_THAT(r.text, Contains("Only managers can change the rotation"));
    CHECK_FALSE(r.in_channel);
  }
  CHECK(f.Order() == Names{"Ana", "Ben", "Cy"});
  CHECK_FALSE(f.Get("Ana").paused);
  CHECK(f.Get("Cy").paused);
  CHECK(f.Get("Ana").weight == 2);
  CHECK(f.Get("Ana").daily_cap == 8);
  CHECK(RotationStore(f.db->db()).Load().turn == 0);
}

TEST_CASE("unknown subcommands get usage help naming what was wrong",
          "[bot][slash_rotation]") {
  Fixture f;
  for (bool manager : {true, false}) {
    SlashReply r = f.Run("frobnicate <!channel>", manager);
    CHECK_THAT(r.text, Contains("I don't know `/rotation frobnicate`"));
    CHECK_THAT(r.text, Contains("*Usage*"));
  }
  SlashReply r = f.Run("<!channel>");
  CHECK_THAT(r.text, Contains("`/rotation &lt;!channel&gt;`"));
  CHECK_THAT(r.text, !Contains("<!channel>"));
  CHECK_THAT(f.Run("help", false).text, Contains("`/rotation skip`"));
}

TEST_CASE("add puts an agent at the end with the name given or mentioned",
          "[bot][slash_rotation]") {
  Fixture f;
  CHECK_THAT(f.Run("add <@U0123DEE|dee>").text,
             Contains("Added *dee* (<@U0123DEE>) at the end of the rotation"));
  CHECK_THAT(f.Run("add <@U0123EVE> Eve <b>Ng</b>").text,
             Contains("*Eve &lt;b&gt;Ng&lt;/b&gt;*"));
  CHECK(f.Order() == Names{"Ana", "Ben", "Cy", "dee", "Eve <b>Ng</b>"});
  CHECK_THAT(f.Run("add <@U0123ANA|ana>").text,
             Contains("*Ana* (<@U0123ANA>) is already in the rotation"));

  SECTION("a removed agent comes back at the end with their counts") {
    RotationStore(f.db->db()).AddToCount(IdOf("Ana"), "2026-03-14", 3);
    f.Run("remove <@U0123ANA>");
    CHECK_THAT(f.Run("add <@U0123ANA>").text, Contains("back at the end"));
    CHECK(f.Order().back() == "Ana");
    CHECK(RotationStore(f.db->db()).CountOn(IdOf("Ana"), "2026-03-14") == 3);
  }
  SECTION("bad arguments") {
    CHECK_THAT(f.Run("add").text, Contains("`/rotation add` needs an agent"));
    CHECK_THAT(f.Run("add ana").text,
               Contains("ana is not a Slack user: mention them"));
    CHECK_THAT(f.Run("add <@nobody>").text, Contains("&lt;@nobody&gt; is not"));
    CHECK(f.Order().size() == 5);
  }
}

TEST_CASE("remove takes an agent out and keeps their history",
          "[bot][slash_rotation]") {
  Fixture f;
  RotationStore(f.db->db()).AddToCount(IdOf("Ben"), "2026-03-14", 2);
  SlashReply r = f.Run("remove <@U0123BEN|ben>");
  CHECK_THAT(r.text, Contains("Removed *Ben* (<@U0123BEN>) from the rotation"));
  CHECK_THAT(r.text, Contains("*Next:*"));
  CHECK_FALSE(f.Get("Ben").active);
  CHECK(RotationStore(f.db->db()).CountOn(IdOf("Ben"), "2026-03-14") == 2);
  CHECK_THAT(f.Run("remove <@U0123BEN>").text,
             Contains("&lt;@U0123BEN&gt; is not in the rotation"));
  CHECK_THAT(f.Run("remove").text,
             Contains("`/rotation remove` needs an agent"));
  CHECK_THAT(f.Run("remove @cy now").text,
             Contains("`/rotation remove` takes only the agent, not “now”"));
  CHECK(f.Get("Cy").active);
}

TEST_CASE("pause takes a duration, a team time, a date or nothing",
          "[bot][slash_rotation]") {
  Fixture f;
  SECTION("a duration from now") {
    CHECK_THAT(
        f.Run("pause <@U0123ANA|ana> 2h").text,
        Contains("Paused *Ana* (<@U0123ANA>) until 2026-03-14 20:07 EDT"));
    CHECK(f.Get("Ana").paused_until == kT0 + 2h);
  }
  SECTION("a time of day already gone today means tomorrow") {
    f.Run("pause @ana until 14:30");
    CHECK(
        f.Get("Ana").paused_until ==
        leadrouter::FromLocal("2026-03-15", 14 * 60 + 30, "America/New_York"));
    f.Run("pause Ana 23:00");
    CHECK(f.Get("Ana").paused_until ==
          leadrouter::FromLocal("2026-03-14", 23 * 60, "America/New_York"));
  }
  SECTION("a date, with or without a time") {
    f.Run("pause <@U0123ANA> 2026-03-20");
    CHECK(f.Get("Ana").paused_until ==
          leadrouter::FromLocal("2026-03-20", 0, "America/New_York"));
    f.Run("pause <@U0123ANA> 2026-03-20 09:00");
    CHECK(f.Get("Ana").paused_until ==
          leadrouter::FromLocal("2026-03-20", 9 * 60, "America/New_York"));
    f.Run("pause <@U0123ANA> for 2026-03-21T10:15");
    CHECK(
        f.Get("Ana").paused_until ==
        leadrouter::FromLocal("2026-03-21", 10 * 60 + 15, "America/New_York"));
  }
  SECTION("no end: until resumed") {
    CHECK_THAT(f.Run("pause <@U0123ANA>").text,
               Contains("Paused *Ana* (<@U0123ANA>) until resumed"));
    CHECK(f.Get("Ana").paused);
    CHECK_FALSE(f.Get("Ana").paused_until);
  }
  SECTION("bad arguments change nothing") {
    for (std::string text :
         {"pause <@U0123ANA> yesterday", "pause <@U0123ANA> 2026-03-01",
          "pause <@U0123ANA> 25:00", "pause <@U0123ANA> 2026-03-20 9am",
          "pause <@U0123ANA> 0s"}) {
      SlashReply r = f.Run(text);
      INFO(text << " -> " << r.text);
      CHECK_THAT(r.text, Contains("is not a time ahead"));
      CHECK_THAT(r.text, Contains("*Usage*"));
    }
    CHECK_THAT(f.Run("pause <@U0123ZED>").text,
               Contains("is not in the rotation"));
    CHECK_FALSE(f.Get("Ana").paused);
  }
  SECTION("the pause shows in the list and ends by itself") {
    f.Run("pause <@U0123ANA> 1h");
    CHECK_THAT(f.Run("list").text, Contains("*Next:* *Ben*"));
    CHECK_THAT(f.Run("list", true, kT0 + 1h).text, Contains("*Next:* *Ana*"));
    CHECK_FALSE(f.Get("Ana").paused);
  }
}

TEST_CASE("resume follows the configured rejoin policy",
          "[bot][slash_rotation]") {
  auto prepare = [](Fixture& f) {
    f.Run("pause <@U0123BEN>");
    for (int i = 0; i < 2; ++i) f.Run("skip");  // Ana's block of 2
  };
  SECTION("old place") {
    Fixture f(RejoinPolicy::kOldPlace);
    prepare(f);
    SlashReply r = f.Run("resume <@U0123BEN>");
    CHECK_THAT(r.text, Contains("Resumed *Ben* (<@U0123BEN>); they keep their "
                                "place in the order"));
    CHECK_THAT(r.text, Contains("*Next:* *Ben*"));
    CHECK(f.Order() == Names{"Ana", "Ben", "Cy"});
  }
  SECTION("back of the line") {
    Fixture f(RejoinPolicy::kBack);
    prepare(f);
    SlashReply r = f.Run("resume <@U0123BEN>");
    CHECK_THAT(r.text, Contains("they join the back of the line"));
    // Just before Ana, who had the last turn: Cy comes first.
    CHECK(f.Order() == Names{"Ben", "Ana", "Cy"});
    CHECK_THAT(r.text, Contains("*Next:* *Cy*"));
  }
  SECTION("someone not paused") {
    Fixture f;
    CHECK_THAT(f.Run("resume <@U0123ANA>").text, Contains("is not paused"));
    CHECK_THAT(f.Run("resume").text,
               Contains("`/rotation resume` needs an agent"));
    CHECK_THAT(f.Run("resume <@U0123ANA> please").text,
               Contains("takes only the agent"));
  }
}

TEST_CASE("weight and cap take whole numbers in range and keep counts",
          "[bot][slash_rotation]") {
  Fixture f;
  RotationStore(f.db->db()).AddToCount(IdOf("Ana"), "2026-03-14", 5);
  CHECK_THAT(f.Run("weight <@U0123ANA> 3").text,
             Contains("Set *Ana* (<@U0123ANA>)'s weight to 3 (was 2)"));
  CHECK(f.Get("Ana").weight == 3);
  CHECK_THAT(f.Run("cap <@U0123ANA> 0").text,
             Contains("daily cap to no cap (was 8); today's count is kept"));
  CHECK(f.Get("Ana").daily_cap == 0);
  CHECK_THAT(f.Run("cap @ana 12").text, Contains("to 12 (was no cap)"));
  CHECK(RotationStore(f.db->db()).CountOn(IdOf("Ana"), "2026-03-14") == 5);

  for (std::string text : {"weight <@U0123ANA> 0", "weight <@U0123ANA> 101",
                           "weight <@U0123ANA> two", "weight <@U0123ANA>",
                           "weight <@U0123ANA> 2 3", "weight <@U0123ANA> -1"}) {
    INFO(text);
    CHECK_THAT(f.Run(text).text,
               Contains("`/rotation weight` needs a whole number of turns from "
                        "1 to 100"));
  }
  for (std::string text :
       {"cap <@U0123ANA> -1", "cap <@U0123ANA> 1.5", "cap <@U0123ANA>"}) {
    INFO(text);
    CHECK_THAT(f.Run(text).text,
               Contains("`/rotation cap` needs a whole number of leads a day"));
  }
  CHECK(f.Get("Ana").weight == 3);
  CHECK(f.Get("Ana").daily_cap == 12);
}

TEST_CASE("move puts an agent at a position counted from 1",
          "[bot][slash_rotation]") {
  Fixture f;
  CHECK_THAT(f.Run("move <@U0123CY> 1").text,
             Contains("Moved *Cy* (<@U0123CY>) to position 1"));
  CHECK(f.Order() == Names{"Cy", "Ana", "Ben"});
  f.Run("move <@U0123CY> 3");
  CHECK(f.Order() == Names{"Ana", "Ben", "Cy"});
  for (std::string text : {"move <@U0123CY> 0", "move <@U0123CY> 4",
                           "move <@U0123CY> first", "move <@U0123CY>"}) {
    INFO(text);
    CHECK_THAT(f.Run(text).text,
               Contains("`/rotation move` needs a position from 1 to 3"));
  }
  CHECK_THAT(f.Run("move").text, Contains("`/rotation move` needs an agent"));
  CHECK(f.Order() == Names{"Ana", "Ben", "Cy"});
}

TEST_CASE("skip passes the next agent's turn without counting a lead",
          "[bot][slash_rotation]") {
  Fixture f;
  f.Run("weight <@U0123ANA> 1");
  SlashReply r = f.Run("skip");
  CHECK_THAT(r.text, Contains("Skipped *Ana* (<@U0123ANA>)'s turn (turn 1)"));
  CHECK_THAT(r.text, Contains("*Next:* *Ben*"));
  CHECK(RotationStore(f.db->db()).Load().turn == 1);
  CHECK(RotationStore(f.db->db()).CountOn(IdOf("Ana"), "2026-03-14") == 0);

  int64_t lead = leadrouter::testing::NewLead(*f.db, kT0);
  CHECK(leadrouter::AssignRoundRobin(*f.db, lead, kT0, f.config, {}).agent ==
        IdOf("Ben"));

  CHECK_THAT(f.Run("skip now").text,
             Contains("`/rotation skip` takes no arguments"));
  for (const char* name : {"<@U0123ANA>", "<@U0123BEN>", "<@U0123CY>"}) {
    f.Run(std::string("pause ") + name);
  }
  CHECK_THAT(f.Run("skip").text,
             Contains("Nothing to skip: nobody available: Ana: paused"));
  CHECK(RotationStore(f.db->db()).Load().turn == 2);
}

TEST_CASE("rotation changes append nothing to any lead",
          "[bot][slash_rotation]") {
  Fixture f;
  int64_t lead = leadrouter::testing::NewLead(*f.db, kT0);
  size_t before = leadrouter::storage::Timeline(f.db->db()).List(lead).size();
  size_t jobs = leadrouter::storage::JobStore(f.db->db())
                    .List(leadrouter::storage::JobState::kPending, 1000)
                    .size();
  for (const char* text :
       {"add <@U0123DEE>", "pause <@U0123ANA> 1h", "resume <@U0123ANA>",
        "weight <@U0123BEN> 2", "cap <@U0123BEN> 4", "move <@U0123DEE> 1",
        "skip", "remove <@U0123DEE>", "list"}) {
    f.Run(text);
  }
  CHECK(leadrouter::storage::Timeline(f.db->db()).List(lead).size() == before);
  CHECK(leadrouter::storage::JobStore(f.db->db())
            .List(leadrouter::storage::JobState::kPending, 1000)
            .size() == jobs);
  CHECK_FALSE(
      leadrouter::storage::LeadStore(f.db->db()).Get(lead)->owner_slack_id);
}
