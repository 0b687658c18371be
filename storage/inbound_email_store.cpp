#include "storage/inbound_email_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

InboundEmailStore::Stored InboundEmailStore::Store(const std::string& message_key,
                                                   const std::string& raw,
                                                   const std::string& via, TimePoint now) {
  // DO NOTHING on the key only: any other failure must still throw rather
  // than pass for a redelivery.
  CachedStatement insert(
      db_,
      "INSERT INTO inbound_emails (message_key, via, raw, received_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_key) DO NOTHING");
  insert.bind(1, message_key);
  insert.bind(2, via);
  insert.bind(3, raw.data(), static_cast<int>(raw.size()));
  insert.bind(4, ToMillis(now));
  insert.bind(5, ToMillis(now));
  if (insert.exec() == 1) return {db_.getLastInsertRowid(), false};
  CachedStatement find(db_, "SELECT id FROM inbound_emails WHERE message_key = ?");
  find.bind(1, message_key);
  find.executeStep();
  return {find.getColumn(0).getInt64(), true};
}

std::optional<InboundEmail> InboundEmailStore::Get(int64_t id) {
  CachedStatement query(
      db_,
      "SELECT id, message_key, via, raw, received_at, outcome, source, why, lead_id, "
      "attempts FROM inbound_emails WHERE id = ?");
  query.bind(1, id);
  if (!query.executeStep()) return std::nullopt;
  InboundEmail e;
  e.id = query.getColumn(0).getInt64();
  e.message_key = query.getColumn(1).getString();
  e.via = query.getColumn(2).getString();
  const SQLite::Column raw = query.getColumn(3);
  e.raw.assign(static_cast<const char*>(raw.getBlob()), static_cast<size_t>(raw.getBytes()));
  e.received_at = FromMillis(query.getColumn(4).getInt64());
  e.outcome = query.getColumn(5).getString();
  e.source = query.getColumn(6).getString();
  e.why = query.getColumn(7).getString();
  if (!query.isColumnNull(8)) e.lead_id = query.getColumn(8).getInt64();
  e.attempts = query.getColumn(9).getInt();
  e.purged = e.raw.empty();
  return e;
}

void InboundEmailStore::RecordOutcome(int64_t id, const std::string& outcome,
                                      const std::string& source, const std::string& why,
                                      std::optional<int64_t> lead_id, TimePoint now) {
  CachedStatement update(
      db_,
      "UPDATE inbound_emails SET outcome = ?, source = ?, why = ?, lead_id = ?, "
      "attempts = attempts + 1, updated_at = ? WHERE id = ?");
  update.bind(1, outcome);
  update.bind(2, source);
  update.bind(3, why);
  if (lead_id) {
    update.bind(4, *lead_id);
  } else {
    update.bind(4);
  }
  update.bind(5, ToMillis(now));
  update.bind(6, id);
  update.exec();
}

int64_t InboundEmailStore::CountByOutcome(const std::string& outcome) {
  CachedStatement query(db_, "SELECT COUNT(*) FROM inbound_emails WHERE outcome = ?");
  query.bind(1, outcome);
  query.executeStep();
  return query.getColumn(0).getInt64();
}

std::map<std::string, std::map<std::string, int64_t>>
InboundEmailStore::CountByOutcomeAndVia() {
  CachedStatement query(
      db_, "SELECT outcome, via, COUNT(*) FROM inbound_emails GROUP BY outcome, via");
  std::map<std::string, std::map<std::string, int64_t>> out;
  while (query.executeStep()) {
    out[query.getColumn(0).getString()][query.getColumn(1).getString()] =
        query.getColumn(2).getInt64();
  }
  return out;
}

std::vector<InboundEmail> InboundEmailStore::ListByOutcome(const std::string& outcome,
                                                           size_t limit) {
  CachedStatement query(
      db_,
      "SELECT id, message_key, via, received_at, source, why, lead_id, attempts, "
      "length(raw) = 0 "
      "FROM inbound_emails WHERE outcome = ? ORDER BY received_at DESC, id DESC LIMIT ?");
  query.bind(1, outcome);
  query.bind(2, static_cast<int64_t>(limit));
  std::vector<InboundEmail> out;
  while (query.executeStep()) {
    InboundEmail e;
    e.id = query.getColumn(0).getInt64();
    e.message_key = query.getColumn(1).getString();
    e.via = query.getColumn(2).getString();
    e.received_at = FromMillis(query.getColumn(3).getInt64());
    e.outcome = outcome;
    e.source = query.getColumn(4).getString();
    e.why = query.getColumn(5).getString();
    if (!query.isColumnNull(6)) e.lead_id = query.getColumn(6).getInt64();
    e.attempts = query.getColumn(7).getInt();
    e.purged = query.getColumn(8).getInt() != 0;
    out.push_back(std::move(e));
  }
  return out;
}

bool InboundEmailStore::MarkPending(int64_t id, TimePoint now) {
  CachedStatement update(
      db_, "UPDATE inbound_emails SET outcome = 'pending', updated_at = ? WHERE id = ?");
  update.bind(1, ToMillis(now));
  update.bind(2, id);
  return update.exec() == 1;
}

int InboundEmailStore::PurgeRaw(const std::string& outcome, TimePoint cutoff,
                                TimePoint now) {
  CachedStatement update(
      db_,
      "UPDATE inbound_emails SET raw = zeroblob(0), updated_at = ? "
      "WHERE outcome = ? AND received_at <= ? AND length(raw) > 0");
  update.bind(1, ToMillis(now));
  update.bind(2, outcome);
  update.bind(3, ToMillis(cutoff));
  return update.exec();
}

std::optional<TimePoint> InboundEmailStore::OldestKept(const std::string& outcome) {
  CachedStatement query(
      db_,
      "SELECT MIN(received_at) FROM inbound_emails WHERE outcome = ? AND length(raw) > 0");
  query.bind(1, outcome);
  if (!query.executeStep() || query.isColumnNull(0)) return std::nullopt;
  return FromMillis(query.getColumn(0).getInt64());
}

}  // namespace leadrouter::storage
