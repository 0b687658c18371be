#include "storage/idempotency_store.h"

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Database;
using leadrouter::storage::IdempotencyStore;
using leadrouter::storage::StoredResponse;
using leadrouter::storage::testing::kT0;

namespace {
constexpr std::chrono::seconds kTtl = 24h;
}

TEST_CASE("a saved response is found until its TTL runs out",
          "[storage][idempotency]") {
  auto db = Database::Open(":memory:");
  IdempotencyStore store(db->db());
  store.Save("/v1/leads", "key-1", "hash-a", 202, R"({"lead_id":1})", kT0);

  SECTION("inside the TTL it answers the saved response") {
    std::optional<StoredResponse> found =
        store.Find("/v1/leads", "key-1", kT0 + kTtl - 1s, kTtl);
    REQUIRE(found.has_value());
    CHECK(found->request_hash == "hash-a");
    CHECK(found->status == 202);
    CHECK(found->body == R"({"lead_id":1})");
  }
  SECTION("at the TTL it is expired") {
    CHECK_FALSE(store.Find("/v1/leads", "key-1", kT0 + kTtl, kTtl).has_value());
  }
  SECTION("keys are per client") {
    CHECK_FALSE(store.Find("/v1/crm/events", "key-1", kT0, kTtl).has_value());
    CHECK_FALSE(store.Find("/v1/leads", "key-2", kT0, kTtl).has_value());
  }
  SECTION("saving an expired key again starts a fresh entry") {
    store.Save("/v1/leads", "key-1", "hash-b", 202, R"({"lead_id":2})",
               kT0 + kTtl + 1s);
    std::optional<StoredResponse> found =
        store.Find("/v1/leads", "key-1", kT0 + kTtl + 2s, kTtl);
    REQUIRE(found.has_value());
    CHECK(found->request_hash == "hash-b");
    CHECK(found->body == R"({"lead_id":2})");
  }
}

TEST_CASE("Purge deletes only rows older than the cut-off",
          "[storage][idempotency]") {
  auto db = Database::Open(":memory:");
  IdempotencyStore store(db->db());
  store.Save("c", "old", "h", 202, "{}", kT0);
  store.Save("c", "new", "h", 202, "{}", kT0 + 1h);
  CHECK(store.Purge(kT0 + 1h) == 1);
  CHECK_FALSE(store.Find("c", "old", kT0 + 1h, kTtl).has_value());
  CHECK(store.Find("c", "new", kT0 + 1h, kTtl).has_value());
  CHECK(store.Purge(kT0 + 1h) == 0);
}
