#include "storage/imap_state_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

std::optional<ImapMailboxState> ImapStateStore::Get(const std::string& mailbox) {
  CachedStatement query(
      db_, "SELECT uidvalidity, last_uid FROM imap_mailboxes WHERE mailbox = ?");
  query.bind(1, mailbox);
  if (!query.executeStep()) return std::nullopt;
  ImapMailboxState state;
  state.uidvalidity = static_cast<uint32_t>(query.getColumn(0).getInt64());
  state.last_uid = static_cast<uint32_t>(query.getColumn(1).getInt64());
  return state;
}

void ImapStateStore::Put(const std::string& mailbox, const ImapMailboxState& state,
                         TimePoint now) {
  CachedStatement upsert(
      db_,
      "INSERT INTO imap_mailboxes (mailbox, uidvalidity, last_uid, updated_at) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (mailbox) DO UPDATE SET "
      "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, "
      "updated_at = excluded.updated_at");
  upsert.bind(1, mailbox);
  upsert.bind(2, static_cast<int64_t>(state.uidvalidity));
  upsert.bind(3, static_cast<int64_t>(state.last_uid));
  upsert.bind(4, ToMillis(now));
  upsert.exec();
}

}  // namespace leadrouter::storage
