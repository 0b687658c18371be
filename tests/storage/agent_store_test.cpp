#include "storage/agent_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "storage/rotation_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Agent;
using leadrouter::storage::AgentSeed;
using leadrouter::storage::AgentStore;
using leadrouter::storage::Database;
using leadrouter::storage::testing::kT0;

namespace {

AgentSeed Seed(const std::string& id, const std::string& name, int weight = 1) {
  AgentSeed s;
  s.slack_id = id;
  s.name = name;
  s.weight = weight;
  s.timezone = "America/New_York";
  return s;
}

}  // namespace

TEST_CASE("agents are seeded once, in config order", "[storage][agent_store]") {
  auto db = Database::Open(":memory:");
  AgentStore agents(db->db());
  AgentSeed bob = Seed("U0123BOB", "Bob", 2);
  bob.daily_cap = 10;
  CHECK(agents.SeedIfEmpty({Seed("U0123ANA", "Ana"), bob}, kT0));

  std::vector<Agent> list = agents.List();
  REQUIRE(list.size() == 2);
  CHECK(list[0].slack_id == "U0123ANA");
  CHECK(list[0].position == 0);
  CHECK(list[0].active);
  CHECK_FALSE(list[0].paused);
  CHECK_FALSE(list[0].work_start_minute.has_value());
  CHECK(list[0].created_at == kT0);
  CHECK(list[1].name == "Bob");
  CHECK(list[1].weight == 2);
  CHECK(list[1].daily_cap == 10);
  CHECK(list[1].timezone == "America/New_York");

  // A second start with a different config leaves the rotation alone.
  CHECK_FALSE(agents.SeedIfEmpty({Seed("U0123CAL", "Cal")}, kT0 + 1h));
  CHECK(agents.List().size() == 2);
}

TEST_CASE("a CRM owner is matched to an agent by Slack id, then by e-mail",
          "[storage][agent_store]") {
  auto db = Database::Open(":memory:");
  AgentStore agents(db->db());
  AgentSeed ana = Seed("U0123ANA", "Ana");
  ana.email = "Ana@Brokerage.example";
  AgentSeed ben = Seed("U0123BEN", "Ben");
  ben.email = "ben@brokerage.example";
  REQUIRE(agents.SeedIfEmpty({ana, ben, Seed("U0123CAM", "Cam")}, kT0));

  CHECK(agents.MatchCrmOwner("ana@brokerage.example", "") == "U0123ANA");
  CHECK(agents.MatchCrmOwner("", "U0123BEN") == "U0123BEN");
  // The Slack id is the more precise name and wins over the e-mail.
  CHECK(agents.MatchCrmOwner("ana@brokerage.example", "U0123BEN") == "U0123BEN");
  // An unknown Slack id still falls back to the e-mail.
  CHECK(agents.MatchCrmOwner("ben@brokerage.example", "U0999XYZ") == "U0123BEN");
  CHECK_FALSE(agents.MatchCrmOwner("zoe@brokerage.example", "U0999XYZ").has_value());
  // Cam has no e-mail: an empty one must not match him.
  CHECK_FALSE(agents.MatchCrmOwner("", "").has_value());
}

TEST_CASE("seeding nothing reports that nothing was seeded",
          "[storage][agent_store]") {
  auto db = Database::Open(":memory:");
  AgentStore agents(db->db());
  CHECK_FALSE(agents.SeedIfEmpty({}, kT0));
  CHECK(agents.SeedIfEmpty({Seed("U0123ANA", "Ana")}, kT0));
}

TEST_CASE("a repeated agent id in the seed is refused",
          "[storage][agent_store]") {
  auto db = Database::Open(":memory:");
  CHECK_THROWS_AS(
      AgentStore(db->db()).SeedIfEmpty(
          {Seed("U0123ANA", "Ana"), Seed("U0123ANA", "Ana 2")}, kT0),
      SQLite::Exception);
}

namespace {

std::vector<std::string> Order(AgentStore& agents, bool active_only = true) {
  std::vector<std::string> out;
  for (const Agent& a : agents.List()) {
    if (!active_only || a.active) out.push_back(a.name);
  }
  return out;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("working hours and days are seeded", "[storage][agent_store]") {
  auto db = Database::Open(":memory:");
  AgentStore agents(db->db());
  AgentSeed ana = Seed("U0123ANA", "Ana");
  ana.work_start_minute = 540;
  ana.work_end_minute = 1020;
  ana.work_days = 0x3E;
  agents.SeedIfEmpty({ana, Seed("U0123BEN", "Ben")}, kT0);
  std::optional<Agent> got = agents.Get("U0123ANA");
  REQUIRE(got);
  CHECK(got->work_start_minute == 540);
  CHECK(got->work_end_minute == 1020);
  CHECK(got->work_days == 0x3E);
  CHECK(agents.Get("U0123BEN")->work_days == 0x7F);
  CHECK_FALSE(agents.Get("U0123BEN")->work_start_minute);
  CHECK_FALSE(agents.Get("U0NOBODY1"));
}

TEST_CASE(
    "an added agent joins at the end; a removed one is kept and can "
    "come back",
    "[storage][agent_store]") {
  auto db = Database::Open(":memory:");
  AgentStore agents(db->db());
  agents.SeedIfEmpty({Seed("U0123ANA", "Ana"), Seed("U0123BEN", "Ben")}, kT0);

  CHECK(agents.Add("U0123CAL", "Cal", kT0 + 1h) ==
        leadrouter::storage::AgentAdd::kAdded);
  CHECK(Order(agents) == Names{"Ana", "Ben", "Cal"});
  CHECK(agents.Get("U0123CAL")->created_at == kT0 + 1h);
  CHECK(agents.Add("U0123DEE", "", kT0) ==
        leadrouter::storage::AgentAdd::kAdded);
  CHECK(agents.Get("U0123DEE")->name == "U0123DEE");

  CHECK(agents.Deactivate("U0123ANA"));
  CHECK_FALSE(agents.Deactivate("U0NOBODY1"));
  CHECK(Order(agents) == Names{"Ben", "Cal", "U0123DEE"});
  REQUIRE(agents.Get("U0123ANA"));
  CHECK_FALSE(agents.Get("U0123ANA")->active);

  CHECK(agents.Add("U0123ANA", "", kT0) ==
        leadrouter::storage::AgentAdd::kReactivated);
  CHECK(Order(agents) == Names{"Ben", "Cal", "U0123DEE", "Ana"});
  CHECK(agents.Add("U0123ANA", "Ana L", kT0) ==
        leadrouter::storage::AgentAdd::kAlreadyActive);
  CHECK(agents.Get("U0123ANA")->name == "Ana");
}

TEST_CASE("pause, weight, cap and moves change only what they say",
          "[storage][agent_store]") {
  auto db = Database::Open(":memory:");
  AgentStore agents(db->db());
  agents.SeedIfEmpty({Seed("U0123ANA", "Ana"), Seed("U0123BEN", "Ben"),
                      Seed("U0123CAL", "Cal"), Seed("U0123DEE", "Dee")},
                     kT0);
  SECTION("pause with and without an end, then unpause") {
    CHECK(agents.Pause("U0123ANA", kT0 + 2h));
    CHECK(agents.Get("U0123ANA")->paused);
    CHECK(agents.Get("U0123ANA")->paused_until == kT0 + 2h);
    CHECK(agents.Pause("U0123ANA", std::nullopt));
    CHECK_FALSE(agents.Get("U0123ANA")->paused_until);
    CHECK(agents.Unpause("U0123ANA"));
    CHECK_FALSE(agents.Get("U0123ANA")->paused);
    CHECK_FALSE(agents.Pause("U0NOBODY1", std::nullopt));
  }
  SECTION("the pauses that have ended by a time, in rotation order") {
    CHECK(agents.Pause("U0123DEE", kT0 + 1h));
    CHECK(agents.Pause("U0123BEN", kT0 + 1h));
    CHECK(agents.Pause("U0123CAL", kT0 + 3h));
    CHECK(agents.Pause("U0123ANA", std::nullopt));  // until resumed: never ends by itself
    CHECK(agents.PausesEndedBy(kT0 + 59min).empty());
    CHECK(agents.PausesEndedBy(kT0 + 1h) == std::vector<std::string>{"U0123BEN", "U0123DEE"});
    CHECK(agents.PausesEndedBy(kT0 + 5h) ==
          std::vector<std::string>{"U0123BEN", "U0123CAL", "U0123DEE"});
    CHECK(agents.Unpause("U0123BEN"));
    CHECK(agents.PausesEndedBy(kT0 + 5h) == std::vector<std::string>{"U0123CAL", "U0123DEE"});
  }
  SECTION("weight and cap") {
    CHECK(agents.SetWeight("U0123BEN", 3));
    CHECK(agents.SetDailyCap("U0123BEN", 8));
    CHECK(agents.Get("U0123BEN")->weight == 3);
    CHECK(agents.Get("U0123BEN")->daily_cap == 8);
    CHECK_THROWS_AS(agents.SetWeight("U0123BEN", -1), SQLite::Exception);
    CHECK_FALSE(agents.SetDailyCap("U0NOBODY1", 1));
  }
  SECTION("move to a position among the active agents") {
    CHECK(agents.MoveTo("U0123DEE", 0));
    CHECK(Order(agents) == Names{"Dee", "Ana", "Ben", "Cal"});
    CHECK(agents.MoveTo("U0123DEE", 2));
    CHECK(Order(agents) == Names{"Ana", "Ben", "Dee", "Cal"});
    CHECK(agents.MoveTo("U0123ANA", 99));
    CHECK(Order(agents) == Names{"Ben", "Dee", "Cal", "Ana"});
    CHECK_FALSE(agents.MoveTo("U0NOBODY1", 0));
    std::vector<Agent> list = agents.List();
    for (size_t i = 0; i < list.size(); ++i) CHECK(list[i].position == int(i));
  }
  SECTION("a removed agent keeps their place among the others") {
    agents.Deactivate("U0123BEN");
    CHECK(agents.MoveTo("U0123DEE", 1));  // in front of Cal, the 2nd active
    CHECK(Order(agents, false) == Names{"Ana", "Ben", "Dee", "Cal"});
  }
  SECTION("move before another agent") {
    CHECK(agents.MoveBefore("U0123DEE", "U0123BEN"));
    CHECK(Order(agents) == Names{"Ana", "Dee", "Ben", "Cal"});
    CHECK_FALSE(agents.MoveBefore("U0123DEE", "U0123DEE"));
    CHECK_FALSE(agents.MoveBefore("U0123DEE", "U0NOBODY1"));
    CHECK(Order(agents) == Names{"Ana", "Dee", "Ben", "Cal"});
  }
}

TEST_CASE("editing the rotation never resets anyone's counts",
          "[storage][agent_store]") {
  auto db = Database::Open(":memory:");
  AgentStore agents(db->db());
  agents.SeedIfEmpty({Seed("U0123ANA", "Ana"), Seed("U0123BEN", "Ben")}, kT0);
  leadrouter::storage::RotationStore rotation(db->db());
  rotation.AddToCount("U0123ANA", "2026-03-14", 5);
  agents.Pause("U0123ANA", std::nullopt);
  agents.Unpause("U0123ANA");
  agents.SetWeight("U0123ANA", 2);
  agents.SetDailyCap("U0123ANA", 3);
  agents.MoveTo("U0123ANA", 1);
  agents.Deactivate("U0123ANA");
  agents.Add("U0123ANA", "", kT0);
  CHECK(rotation.CountOn("U0123ANA", "2026-03-14") == 5);
}
