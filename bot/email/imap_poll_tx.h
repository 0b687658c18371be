// The storage side of the IMAP poller: where it stands in its mailbox, and
// its poll job (email.imap_poll), which each run writes again for one
// poll_interval later, so polls follow the injected clock.
// Thread rule: storage writer thread only, inside its transaction. No
// clock reads: `now` is passed in.
#pragma once

#include <optional>
#include <string>

#include "bot/daemon/config.h"
#include "bot/email/imap_poll_plan.h"
#include "bot/runtime/system_time.h"

namespace leadrouter {
namespace storage {
class Database;
}

// The name the poller's state is kept under: the account and the folder.
std::string ImapMailboxKey(const Config::InboundEmail::Imap& imap);

std::optional<ImapCursor> LoadImapCursor(storage::Database& db, const std::string& mailbox);
// Records that every message up to `cursor.last_uid` is stored and marked.
void SaveImapCursor(storage::Database& db, const std::string& mailbox,
                    const ImapCursor& cursor, SystemTime now);

// The next poll, from the poll that is running: an email.imap_poll job due
// at `due`, unless one is pending already. Returns whether it wrote one.
// Throws SQLite::Exception.
bool ScheduleImapPoll(storage::Database& db, SystemTime due, SystemTime now,
                      const Config& config);

// At start: the waiting poll is made due now (a restarted daemon reads the
// mailbox at once), or one is written when there is none; a poll a crash
// left running is given back to the queue by the runner and gets no twin.
// Throws SQLite::Exception.
void StartImapPolls(storage::Database& db, SystemTime now, const Config& config);

}  // namespace leadrouter
