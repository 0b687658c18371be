// LlmStore: the language model's checked readings, cached by (model,
// prompt version, hash of the cleaned text), and its calls per UTC day.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself. Every method
// throws SQLite::Exception on a database failure.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct LlmCacheKey {
  std::string model;
  std::string prompt_version;
  std::string text_hash;  // hex SHA-256 of the cleaned text
};

class LlmStore {
 public:
  // `db` must outlive this object.
  explicit LlmStore(SQLite::Database& db) : db_(db) {}

  // The reading stored for `key`; nullopt when there is none.
  std::optional<nlohmann::json> CachedReading(const LlmCacheKey& key);
  // Stores (or replaces) the reading for `key`.
  void CacheReading(const LlmCacheKey& key, const nlohmann::json& reading,
                    TimePoint now);

  // Counts one call on `day` ("2026-03-14", UTC) when fewer than `limit`
  // were made that day (0: no limit) and returns true; false, counting
  // nothing, when the limit is reached.
  bool TakeCall(const std::string& day, int limit);
  int CallsOn(const std::string& day);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
