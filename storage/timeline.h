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

  // Appends one event and returns its id. Throws SQLite::Exception, e.g.
  // when `lead_id` names no lead (foreign key).
  int64_t Append(int64_t lead_id, TimePoint at, const std::string& kind,
                 const nlohmann::json& detail = nlohmann::json::object());
  // The same for a kind of storage/timeline_events, its detail as JSON.
  int64_t Append(int64_t lead_id, TimePoint at, EventKind kind,
                 const nlohmann::json& detail = nlohmann::json::object()) {
    return Append(lead_id, at, ToString(kind), detail);
  }
  // A typed event (RoutedEvent, …), encoded by storage/timeline_events.
  template <typename Event>
  int64_t Record(int64_t lead_id, TimePoint at, const Event& event) {
    return Append(lead_id, at, ToString(Event::kKind), Encode(event));
  }

  // Every event of the lead, ordered by `at` then by id (insertion order for
  // equal times); empty for an unknown lead. Throws SQLite::Exception.
  std::vector<TimelineEvent> List(int64_t lead_id);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
