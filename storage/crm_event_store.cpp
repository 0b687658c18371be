#include "storage/crm_event_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/stored_json.h"

namespace leadrouter::storage {

bool CrmEventStore::RecordIfNew(const std::string& event_id,
                                const std::string& type,
                                std::optional<int64_t> lead_id, bool matched,
                                const nlohmann::json& payload, TimePoint now) {
  // DO NOTHING on the primary key only: any other failure (a bad lead_id)
  // must still throw rather than pass for a redelivery.
  SQLite::Statement insert(
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

}  // namespace leadrouter::storage
