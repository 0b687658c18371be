#include "bot/email/imap_poll_tx.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "bot/routing/outbox_plan.h"
#include "bot/runtime/job_kinds.h"
#include "storage/cached_statement.h"
#include "storage/database.h"
#include "storage/imap_state_store.h"
#include "storage/job_store.h"
#include "storage/time_point.h"

namespace leadrouter {

std::string ImapMailboxKey(const Config::InboundEmail::Imap& imap) {
  return imap.username + " " + imap.url + " " + imap.folder;
}

std::optional<ImapCursor> LoadImapCursor(storage::Database& db, const std::string& mailbox) {
  auto state = storage::ImapStateStore(db.db()).Get(mailbox);
  if (!state) return std::nullopt;
  return ImapCursor{state->uidvalidity, state->last_uid};
}

void SaveImapCursor(storage::Database& db, const std::string& mailbox,
                    const ImapCursor& cursor, SystemTime now) {
  storage::ImapStateStore(db.db()).Put(mailbox, {cursor.uidvalidity, cursor.last_uid}, now);
}

bool ScheduleImapPoll(storage::Database& db, SystemTime due, SystemTime now,
                      const Config& config) {
  storage::CachedStatement pending(
      db.db(), "SELECT 1 FROM jobs WHERE kind = ? AND state = 'pending' LIMIT 1");
  pending.bind(1, kJobImapPoll);
  if (pending.executeStep()) return false;
  storage::JobStore(db.db()).Enqueue(
      MakeJob(std::nullopt, ImapPollJob{}, due, config), now);
  return true;
}

void StartImapPolls(storage::Database& db, SystemTime now, const Config& config) {
  storage::CachedStatement hurry(
      db.db(), "UPDATE jobs SET due_at = ? WHERE kind = ? AND state = 'pending' AND due_at > ?");
  hurry.bind(1, storage::ToMillis(now));
  hurry.bind(2, kJobImapPoll);
  hurry.bind(3, storage::ToMillis(now));
  hurry.exec();
  storage::CachedStatement live(
      db.db(),
      "SELECT 1 FROM jobs WHERE kind = ? AND state IN ('pending', 'running') LIMIT 1");
  live.bind(1, kJobImapPoll);
  if (live.executeStep()) return;
  storage::JobStore(db.db()).Enqueue(
      MakeJob(std::nullopt, ImapPollJob{}, now, config), now);
}

}  // namespace leadrouter
