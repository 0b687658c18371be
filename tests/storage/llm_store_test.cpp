#include "storage/llm_store.h"

#include <catch2/catch.hpp>

#include "storage/database.h"

using leadrouter::storage::Database;
using leadrouter::storage::LlmCacheKey;
using leadrouter::storage::LlmStore;

namespace {
const leadrouter::storage::TimePoint kT0{std::chrono::seconds(1773526061)};
}

TEST_CASE("llm store: a reading is cached by model, prompt version and text",
          "[storage][llm]") {
  auto db = Database::Open(":memory:");
  LlmStore store(db->db());
  const LlmCacheKey key{"m-1", "lead-intent-1", "abc"};
  CHECK_FALSE(store.CachedReading(key));
  store.CacheReading(key, {{"intent", "SPAM"}}, kT0);
  REQUIRE(store.CachedReading(key));
  CHECK((*store.CachedReading(key))["intent"] == "SPAM");
  CHECK_FALSE(store.CachedReading({"m-2", "lead-intent-1", "abc"}));
  CHECK_FALSE(store.CachedReading({"m-1", "lead-intent-2", "abc"}));
  CHECK_FALSE(store.CachedReading({"m-1", "lead-intent-1", "abd"}));
  store.CacheReading(key, {{"intent", "URGENT_BUYER"}}, kT0);
  CHECK((*store.CachedReading(key))["intent"] == "URGENT_BUYER");
}

TEST_CASE("llm store: the daily limit counts calls per day", "[storage][llm]") {
  auto db = Database::Open(":memory:");
  LlmStore store(db->db());
  CHECK(store.TakeCall("2026-03-14", 2));
  CHECK(store.TakeCall("2026-03-14", 2));
  CHECK_FALSE(store.TakeCall("2026-03-14", 2));
  CHECK(store.CallsOn("2026-03-14") == 2);
  CHECK(store.TakeCall("2026-03-15", 2));
  CHECK(store.TakeCall("2026-03-14", 0));  // no limit: counted anyway
  CHECK(store.CallsOn("2026-03-14") == 3);
}
