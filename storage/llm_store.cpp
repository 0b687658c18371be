#include "storage/llm_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"
#include "storage/stored_json.h"

namespace leadrouter::storage {

std::optional<nlohmann::json> LlmStore::CachedReading(const LlmCacheKey& key) {
  CachedStatement q(db_,
                    "SELECT reading FROM llm_cache WHERE model = ? AND "
                    "prompt_version = ? AND text_hash = ?");
  q.bind(1, key.model);
  q.bind(2, key.prompt_version);
  q.bind(3, key.text_hash);
  if (!q.executeStep()) return std::nullopt;
  return ParseStoredJson(q.getColumn(0).getString());
}

void LlmStore::CacheReading(const LlmCacheKey& key,
                            const nlohmann::json& reading, TimePoint now) {
  CachedStatement q(
      db_,
      "INSERT INTO llm_cache (model, prompt_version, text_hash, reading, "
      "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (model, "
      "prompt_version, text_hash) DO UPDATE SET reading = excluded.reading, "
      "created_at = excluded.created_at");
  q.bind(1, key.model);
  q.bind(2, key.prompt_version);
  q.bind(3, key.text_hash);
  q.bind(4, DumpJson(reading));
  q.bind(5, ToMillis(now));
  q.exec();
}

int LlmStore::CallsOn(const std::string& day) {
  CachedStatement q(db_, "SELECT calls FROM llm_daily_calls WHERE day = ?");
  q.bind(1, day);
  return q.executeStep() ? q.getColumn(0).getInt() : 0;
}

bool LlmStore::TakeCall(const std::string& day, int limit) {
  if (limit > 0 && CallsOn(day) >= limit) return false;
  CachedStatement q(db_,
                    "INSERT INTO llm_daily_calls (day, calls) VALUES (?, 1) "
                    "ON CONFLICT (day) DO UPDATE SET calls = calls + 1");
  q.bind(1, day);
  q.exec();
  return true;
}

}  // namespace leadrouter::storage
