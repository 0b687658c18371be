// CrmEventStore: every CRM webhook event received, keyed by the CRM's own
// event id so that a redelivered event is recognised and applied once.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

class CrmEventStore {
 public:
  // `db` must outlive this object.
  explicit CrmEventStore(SQLite::Database& db) : db_(db) {}

  // Records the event and returns true; returns false, changing nothing,
  // when `event_id` was recorded before (the caller then skips applying
  // it). `lead_id`, when set, must name an existing lead. Throws
  // SQLite::Exception on a database failure.
  bool RecordIfNew(const std::string& event_id, const std::string& type,
                   std::optional<int64_t> lead_id, bool matched,
                   const nlohmann::json& payload, TimePoint now);

  struct Recorded {
    std::string type;
    std::optional<int64_t> lead_id;  // null when unmatched or the lead is gone
    bool matched = false;
    TimePoint received_at;
  };
  // The event as first recorded, or nullopt when `event_id` is new.
  std::optional<Recorded> Get(const std::string& event_id);

  // How many events named no lead we know, since the database began.
  int64_t CountUnmatched();

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
