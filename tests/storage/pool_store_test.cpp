#include "storage/pool_store.h"

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "storage/lead_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Database;
using leadrouter::storage::LeadRoute;
using leadrouter::storage::LeadStore;
using leadrouter::storage::PoolStore;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;

TEST_CASE("pool store: each pool keeps its own place in the rotation",
          "[storage][pool_store]") {
  auto db = Database::Open(":memory:");
  PoolStore pools(db->db());
  CHECK(pools.LoadState("luxury").turn == 0);
  leadrouter::pipeline::RotationState s;
  s.last_agent = "U0123ANA";
  s.turn = 3;
  s.turns_used = 1;
  s.cursor = 2;
  pools.SaveState("luxury", s, kT0);
  CHECK(pools.LoadState("luxury").last_agent == "U0123ANA");
  CHECK(pools.LoadState("luxury").turn == 3);
  CHECK(pools.LoadState("luxury").cursor == 2);
  CHECK(pools.LoadState("everyone").turn == 0);  // untouched
  s.turn = 4;
  pools.SaveState("luxury", s, kT0 + 1s);
  CHECK(pools.LoadState("luxury").turn == 4);
}

TEST_CASE("pool store: where a lead was routed, and today's counts",
          "[storage][pool_store]") {
  auto db = Database::Open(":memory:");
  int64_t a = LeadStore(db->db()).Intake(LeadWithEmail("a@example.com", "hi"), kT0, 1s).lead_id;
  int64_t b = LeadStore(db->db()).Intake(LeadWithEmail("b@example.com", "hi"), kT0, 1s).lead_id;
  PoolStore pools(db->db());
  CHECK_FALSE(pools.GetRoute(a));
  LeadRoute r{"luxury-back-bay", "luxury", "route luxury-back-bay: … → pool luxury",
              nlohmann::json::array({{{"route", "luxury-back-bay"}, {"matched", true}}}),
              kT0};
  pools.SetRoute(a, r);
  pools.SetRoute(b, {"default", "everyone", "", nlohmann::json::array(), kT0 - 48h});
  auto got = pools.GetRoute(a);
  REQUIRE(got);
  CHECK(got->pool == "luxury");
  CHECK(got->tried.size() == 1);
  CHECK(got->routed_at == kT0);
  auto counts = pools.MatchCounts(kT0 - 1h);
  CHECK(counts == std::map<std::string, int>{{"luxury-back-bay", 1}});
}
