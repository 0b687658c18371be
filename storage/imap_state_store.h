// ImapStateStore: how far the IMAP poller has come in each mailbox it reads
// (the account's URL and folder name it): the mailbox's UIDVALIDITY and the
// highest UID whose message is stored and marked on the server.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct ImapMailboxState {
  uint32_t uidvalidity = 0;
  uint32_t last_uid = 0;  // 0: nothing taken from this mailbox yet
};

class ImapStateStore {
 public:
  // `db` must outlive this object.
  explicit ImapStateStore(SQLite::Database& db) : db_(db) {}

  // nullopt: the mailbox was never read.
  std::optional<ImapMailboxState> Get(const std::string& mailbox);
  // Records `state` for `mailbox`. Throws SQLite::Exception on failure.
  void Put(const std::string& mailbox, const ImapMailboxState& state, TimePoint now);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
