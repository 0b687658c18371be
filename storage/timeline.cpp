#include "storage/timeline.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"
#include "storage/stored_json.h"

namespace leadrouter::storage {

int64_t Timeline::AppendRaw(int64_t lead_id, TimePoint at, const std::string& kind,
                         const nlohmann::json& detail) {
  CachedStatement insert(
      db_,
      "INSERT INTO timeline_events (lead_id, at, kind, detail) "
      "VALUES (?, ?, ?, ?)");
  insert.bind(1, lead_id);
  insert.bind(2, ToMillis(at));
  insert.bind(3, kind);
  insert.bind(4, DumpJson(detail));
  insert.exec();
  return db_.getLastInsertRowid();
}

std::vector<TimelineEvent> Timeline::List(int64_t lead_id) {
  CachedStatement query(
      db_,
      "SELECT id, lead_id, at, kind, detail FROM timeline_events "
      "WHERE lead_id = ? ORDER BY at, id");
  query.bind(1, lead_id);
  std::vector<TimelineEvent> events;
  while (query.executeStep()) {
    TimelineEvent e;
    e.id = query.getColumn(0).getInt64();
    e.lead_id = query.getColumn(1).getInt64();
    e.at = FromMillis(query.getColumn(2).getInt64());
    e.kind = query.getColumn(3).getString();
    e.detail = ParseStoredJson(query.getColumn(4).getString());
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace leadrouter::storage
