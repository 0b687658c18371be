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
