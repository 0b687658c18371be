#include "storage/dm_channel_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

std::map<std::string, std::string> DmChannelStore::All() {
  std::map<std::string, std::string> out;
  CachedStatement query(db_, "SELECT user_id, channel FROM slack_dm_channels");
  while (query.executeStep()) {
    out.emplace(query.getColumn(0).getString(), query.getColumn(1).getString());
  }
  return out;
}

void DmChannelStore::Put(const std::string& user, const std::string& channel,
                         TimePoint now) {
  CachedStatement upsert(
      db_,
      "INSERT INTO slack_dm_channels (user_id, channel, opened_at) VALUES (?, ?, ?) "
      "ON CONFLICT (user_id) DO UPDATE SET channel = excluded.channel, "
      "opened_at = excluded.opened_at");
  upsert.bind(1, user);
  upsert.bind(2, channel);
  upsert.bind(3, ToMillis(now));
  upsert.exec();
}

void DmChannelStore::Remove(const std::string& user) {
  CachedStatement del(db_, "DELETE FROM slack_dm_channels WHERE user_id = ?");
  del.bind(1, user);
  del.exec();
}

}  // namespace leadrouter::storage
