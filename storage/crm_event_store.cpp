#include "storage/crm_event_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"
#include "storage/stored_json.h"

namespace leadrouter::storage {

bool CrmEventStore::RecordIfNew(const std::string& event_id,
                                const std::string& type,
                                std::optional<int64_t> lead_id, bool matched,
                                const nlohmann::json& payload, TimePoint now) {
  // DO NOTHING on the primary key only: any other failure (a bad lead_id)
  // must still throw rather than pass for a redelivery.
  CachedStatement insert(
      db_,
      "INSERT INTO crm_events (event_id, received_at, type, lead_id, matched, "
      "payload) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING");
  insert.bind(1, event_id);
  insert.bind(2, ToMillis(now));
  insert.bind(3, type);
  if (lead_id) {
    insert.bind(4, *lead_id);
  } else {
    insert.bind(4);
  }
  insert.bind(5, matched ? 1 : 0);
  insert.bind(6, DumpJson(payload));
  return insert.exec() == 1;
}

std::optional<CrmEventStore::Recorded> CrmEventStore::Get(
    const std::string& event_id) {
  CachedStatement query(
      db_,
      "SELECT type, lead_id, matched, received_at FROM crm_events "
      "WHERE event_id = ?");
  query.bind(1, event_id);
  if (!query.executeStep()) return std::nullopt;
  Recorded r;
  r.type = query.getColumn(0).getString();
  if (!query.isColumnNull(1)) r.lead_id = query.getColumn(1).getInt64();
  r.matched = query.getColumn(2).getInt() != 0;
  r.received_at = FromMillis(query.getColumn(3).getInt64());
  return r;
}

int64_t CrmEventStore::CountUnmatched() {
  return db_.execAndGet("SELECT COUNT(*) FROM crm_events WHERE matched = 0")
      .getInt64();
}

}  // namespace leadrouter::storage
