// LeadVolume: how many leads a source sent and when, for the lead volume
// watch. A source matches leads.source case-insensitively (ASCII), as the
// config names it; every stored row counts, spam included (it still shows
// the source is sending).
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself. Every method
// throws SQLite::Exception on a database failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

class LeadVolume {
 public:
  // `db` must outlive this object.
  explicit LeadVolume(SQLite::Database& db) : db_(db) {}

  // When the newest lead from `source` was created; nullopt: none ever.
  std::optional<TimePoint> Latest(const std::string& source);
  // The first lead from `source` created after `after`; nullopt: none.
  std::optional<TimePoint> FirstAfter(const std::string& source, TimePoint after);
  // Leads from `source` created in [from, to).
  int64_t Count(const std::string& source, TimePoint from, TimePoint to);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
