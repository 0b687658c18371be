#include "storage/rotation_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/agent_store.h"
#include "storage/database.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::pipeline::RotationState;
using leadrouter::storage::AgentSeed;
using leadrouter::storage::AgentStore;
using leadrouter::storage::Database;
using leadrouter::storage::RotationStore;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::TempDbFile;

namespace {

void SeedTwo(Database& db) {
  AgentSeed ana;
  ana.slack_id = "U0123ANA";
  ana.name = "Ana";
  AgentSeed ben;
  ben.slack_id = "U0123BEN";
  ben.name = "Ben";
  AgentStore(db.db()).SeedIfEmpty({ana, ben}, kT0);
}

}  // namespace

TEST_CASE("a fresh database has no turn yet", "[storage][rotation_store]") {
  auto db = Database::Open(":memory:");
  RotationState state = RotationStore(db->db()).Load();
  CHECK(state.last_agent.empty());
  CHECK(state.turn == 0);
  CHECK(state.turns_used == 0);
  CHECK(state.cursor == 0);
}

TEST_CASE("the rotation state survives a restart",
          "[storage][rotation_store]") {
  TempDbFile file;
  {
    auto db = Database::Open(file.path());
    SeedTwo(*db);
    RotationStore(db->db()).Save(RotationState{"U0123BEN", 1, 2, 14}, kT0);
    RotationStore(db->db()).AddToCount("U0123BEN", "2026-03-14", 3);
  }
  auto db = Database::Open(file.path());
  RotationState state = RotationStore(db->db()).Load();
  CHECK(state.last_agent == "U0123BEN");
  CHECK(state.cursor == 1);
  CHECK(state.turns_used == 2);
  CHECK(state.turn == 14);
  CHECK(RotationStore(db->db()).CountOn("U0123BEN", "2026-03-14") == 3);
}

TEST_CASE("daily counts add up per agent and day, totals over all days",
          "[storage][rotation_store]") {
  auto db = Database::Open(":memory:");
  SeedTwo(*db);
  RotationStore rotation(db->db());
  rotation.AddToCount("U0123ANA", "2026-03-14");
  rotation.AddToCount("U0123ANA", "2026-03-14");
  rotation.AddToCount("U0123ANA", "2026-03-15");
  rotation.AddToCount("U0123BEN", "2026-03-15", 4);
  CHECK(rotation.CountOn("U0123ANA", "2026-03-14") == 2);
  CHECK(rotation.CountOn("U0123ANA", "2026-03-16") == 0);
  CHECK(rotation.CountsOn("2026-03-15") ==
        std::map<std::string, int>{{"U0123ANA", 1}, {"U0123BEN", 4}});
  CHECK(rotation.Totals() ==
        std::map<std::string, int64_t>{{"U0123ANA", 3}, {"U0123BEN", 4}});
  CHECK_THROWS_AS(rotation.AddToCount("U0NOBODY1", "2026-03-15"),
                  SQLite::Exception);
}
