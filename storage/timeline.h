// Timeline: the append-only history of a lead (received, duplicate, routed,
// claimed, …), each entry with a JSON detail that explains it.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "storage/time_point.h"
#include "storage/timeline_events.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct TimelineEvent {
  int64_t id = 0;
  int64_t lead_id = 0;
  TimePoint at;
  std::string kind;
  nlohmann::json detail;
};

class Timeline {
 public:
  // `db` must outlive this object.
  explicit Timeline(SQLite::Database& db) : db_(db) {}

  // Appends a typed event (RoutedEvent, …: storage/timeline_events.h, one
  // type per kind) and returns its id. Throws SQLite::Exception, e.g. when
  // `lead_id` names no lead (foreign key).
  template <typename Event>
  int64_t Record(int64_t lead_id, TimePoint at, const Event& event) {
    return AppendRaw(lead_id, at, ToString(Event::kKind), Encode(event));
  }

  // A row of any kind and detail, as an older version or a hand edit may
  // have left it: for tests of reading such rows. The daemon writes only
  // through Record (.ci/run checks).
  int64_t AppendRaw(int64_t lead_id, TimePoint at, const std::string& kind,
                    const nlohmann::json& detail = nlohmann::json::object());

  // Every event of the lead, ordered by `at` then by id (insertion order for
  // equal times); empty for an unknown lead. Throws SQLite::Exception.
  std::vector<TimelineEvent> List(int64_t lead_id);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
