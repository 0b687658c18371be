#include "storage/lead_volume.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {
namespace {

std::optional<TimePoint> TimeOrNull(SQLite::Statement& query) {
  if (!query.executeStep() || query.isColumnNull(0)) return std::nullopt;
  return FromMillis(query.getColumn(0).getInt64());
}

}  // namespace

// COLLATE NOCASE on the comparison lets SQLite use leads_by_source.
std::optional<TimePoint> LeadVolume::Latest(const std::string& source) {
  CachedStatement query(
      db_, "SELECT MAX(created_at) FROM leads WHERE source = ? COLLATE NOCASE");
  query.bind(1, source);
  return TimeOrNull(query);
}

std::optional<TimePoint> LeadVolume::FirstAfter(const std::string& source,
                                                TimePoint after) {
  CachedStatement query(
      db_,
      "SELECT MIN(created_at) FROM leads WHERE source = ? COLLATE NOCASE "
      "AND created_at > ?");
  query.bind(1, source);
  query.bind(2, ToMillis(after));
  return TimeOrNull(query);
}

int64_t LeadVolume::Count(const std::string& source, TimePoint from, TimePoint to) {
  CachedStatement query(
      db_,
      "SELECT COUNT(*) FROM leads WHERE source = ? COLLATE NOCASE "
      "AND created_at >= ? AND created_at < ?");
  query.bind(1, source);
  query.bind(2, ToMillis(from));
  query.bind(3, ToMillis(to));
  query.executeStep();
  return query.getColumn(0).getInt64();
}

}  // namespace leadrouter::storage
