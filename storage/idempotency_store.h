// IdempotencyStore: the responses already given to (client, Idempotency-Key)
// pairs, so that a retried request gets the same answer instead of a second
// lead. Rows older than the TTL are treated as absent.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself. Every method
// throws SQLite::Exception on a database failure.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct StoredResponse {
  std::string request_hash;  // of the body first sent with this key
  int status = 0;            // the HTTP status answered
  std::string body;          // the body answered
};

class IdempotencyStore {
 public:
  // `db` must outlive this object.
  explicit IdempotencyStore(SQLite::Database& db) : db_(db) {}

  // The response saved for (client, key) less than `ttl` before `now`;
  // nullopt when there is none or it has expired.
  std::optional<StoredResponse> Find(const std::string& client,
                                     const std::string& key, TimePoint now,
                                     std::chrono::seconds ttl);

  // Saves the response, replacing any earlier (normally expired) one.
  void Save(const std::string& client, const std::string& key,
            const std::string& request_hash, int status,
            const std::string& body, TimePoint now);

  // Deletes rows saved before `older_than`; returns how many.
  int Purge(TimePoint older_than);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
