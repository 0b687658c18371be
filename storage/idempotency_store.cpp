#include "storage/idempotency_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

std::optional<StoredResponse> IdempotencyStore::Find(const std::string& client,
                                                     const std::string& key,
                                                     TimePoint now,
                                                     std::chrono::seconds ttl) {
  CachedStatement query(
      db_,
      "SELECT request_hash, status, body FROM idempotency_keys "
      "WHERE client = ? AND key = ? AND created_at > ?");
  query.bind(1, client);
  query.bind(2, key);
  query.bind(3, ToMillis(now - ttl));
  if (!query.executeStep()) return std::nullopt;
  StoredResponse response;
  response.request_hash = query.getColumn(0).getString();
  response.status = query.getColumn(1).getInt();
  response.body = query.getColumn(2).getString();
  return response;
}

void IdempotencyStore::Save(const std::string& client, const std::string& key,
                            const std::string& request_hash, int status,
                            const std::string& body, TimePoint now) {
  // An expired row still holds the primary key; reusing the key after the
  // TTL starts a fresh entry rather than failing.
  CachedStatement upsert(
      db_,
      "INSERT INTO idempotency_keys (client, key, request_hash, status, body, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (client, key) DO UPDATE SET "
      "request_hash = excluded.request_hash, status = excluded.status, "
      "body = excluded.body, created_at = excluded.created_at");
  upsert.bind(1, client);
  upsert.bind(2, key);
  upsert.bind(3, request_hash);
  upsert.bind(4, status);
  upsert.bind(5, body);
  upsert.bind(6, ToMillis(now));
  upsert.exec();
}

int IdempotencyStore::Purge(TimePoint older_than) {
  CachedStatement remove(db_,
                         "DELETE FROM idempotency_keys WHERE created_at < ?");
  remove.bind(1, ToMillis(older_than));
  return remove.exec();
}

}  // namespace leadrouter::storage
