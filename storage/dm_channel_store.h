// DmChannelStore: each agent's Slack DM channel id, as conversations.open
// gave it. Slack's limit on that method (about 50 a minute) makes opening
// fifty agents' DMs take a minute; kept here, a restart during a burst of
// leads sends its first DMs at once instead of a minute late.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself.
#pragma once

#include <map>
#include <string>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

class DmChannelStore {
 public:
  // `db` must outlive this object.
  explicit DmChannelStore(SQLite::Database& db) : db_(db) {}

  // Slack user id -> DM channel id, for every user opened before.
  std::map<std::string, std::string> All();
  // Records (or replaces) `user`'s DM channel. Throws SQLite::Exception.
  void Put(const std::string& user, const std::string& channel, TimePoint now);
  // Forgets `user`'s channel (Slack no longer knows it).
  void Remove(const std::string& user);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
