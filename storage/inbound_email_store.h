// InboundEmailStore: every raw e-mail received, stored before anything is
// made of it, keyed by its Message-ID (or a hash of the bytes when it has
// none) so that a redelivered message is recognised as a duplicate. The
// parse outcome is written back on the same row.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct InboundEmail {
  int64_t id = 0;
  std::string message_key;
  std::string via;  // "http", "pipe", "imap", …
  std::string raw;
  TimePoint received_at;
  // "pending" until parsed; then lead, not_a_lead, dead_letter or
  // unknown_sender.
  std::string outcome = "pending";
  std::string source;
  std::string why;
  std::optional<int64_t> lead_id;
  int attempts = 0;  // how many times it was parsed (a replay adds one)
  // The raw body was deleted (inbound_email.keep_not_leads); `raw` is
  // empty. A stored message is never empty otherwise: it has a From.
  bool purged = false;
};

class InboundEmailStore {
 public:
  // `db` must outlive this object.
  explicit InboundEmailStore(SQLite::Database& db) : db_(db) {}

  struct Stored {
    int64_t id = 0;
    bool duplicate = false;  // the key was stored before; nothing changed
  };
  // Stores `raw` under `message_key`, or finds the row that has it. Throws
  // SQLite::Exception on a database failure.
  Stored Store(const std::string& message_key, const std::string& raw,
               const std::string& via, TimePoint now);

  std::optional<InboundEmail> Get(int64_t id);

  // Writes what parsing made of message `id` and counts the attempt.
  void RecordOutcome(int64_t id, const std::string& outcome,
                     const std::string& source, const std::string& why,
                     std::optional<int64_t> lead_id, TimePoint now);

  // How many messages have `outcome`, since the database began.
  int64_t CountByOutcome(const std::string& outcome);
  // The same for every outcome at once ("pending", "lead", …), by via
  // ("http", "mailgun", …): {outcome: {via: count}}.
  std::map<std::string, std::map<std::string, int64_t>> CountByOutcomeAndVia();

  // Messages with `outcome`, the most recent first, at most `limit`;
  // their `raw` is left empty (a list needs no bodies).
  std::vector<InboundEmail> ListByOutcome(const std::string& outcome, size_t limit);

  // Sets message `id` back to "pending" (a replay was queued), so it leaves
  // the dead-letter list until the parse decides again. False when there
  // is no such message.
  bool MarkPending(int64_t id, TimePoint now);

  // Empties the raw body of every message with `outcome` received at or
  // before `cutoff` and not purged yet; returns how many.
  int PurgeRaw(const std::string& outcome, TimePoint cutoff, TimePoint now);

  // When the oldest message with `outcome` whose body is still kept came;
  // nullopt when there is none.
  std::optional<TimePoint> OldestKept(const std::string& outcome);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
