#include "storage/agent_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/database.h"
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
