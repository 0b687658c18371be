// The two storage transactions of inbound e-mail: storing a raw message
// (and the job that will parse it), and parsing it into what it becomes (a
// lead through the same intake transaction as a JSON lead, a dead letter
// with its grouped ops alert, an unknown sender, or not a lead).
// Thread rule: storage writer thread only, inside its transaction. No
// clock reads: `now` is passed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "bot/intake/accept_lead.h"

namespace leadrouter {
namespace storage {
class Database;
}

// The key a redelivery is recognised by: the Message-ID, or "sha256:" and a
// hash of the bytes when the message has none.
std::string InboundEmailKey(std::string_view raw, const std::string& message_id);

struct StoredEmail {
  int64_t email_id = 0;
  bool duplicate = false;  // stored before; no new parse job
};

// Stores `raw` (received by `via`: "http", "pipe", "imap") and, when it is
// new, a kJobParseEmail job due now. Throws SQLite::Exception on failure.
StoredEmail StoreInboundEmail(storage::Database& db, std::string_view raw,
                              const std::string& message_id, const std::string& via,
                              SystemTime now, const Config& config);

struct ParsedEmail {
  std::string outcome;  // "lead", "not_a_lead", "dead_letter", "unknown_sender"
  std::string source;
  std::string why;
  std::optional<int64_t> lead_id;
  // For a lead: what intake decided, and the lead's source and segment,
  // for the counters (bot/intake/lead_metrics) once this commits.
  std::optional<AcceptedLead> accepted;
  std::string lead_source;
  std::string lead_segment;
  size_t jobs_written = 0;  // the caller wakes the job runner when > 0
  bool found = true;        // false: no such e-mail
};

// Parses stored message `email_id` under the config's rules and commits
// what it becomes: a lead goes through AcceptLead and gets an
// "email_received" timeline event naming the e-mail and its source; a dead
// letter opens (or counts in) the source's ops alert group; an unknown
// sender counts in one digest group; a forwarding confirmation alerts the
// ops channel with its code; not-a-lead mail sets the retention timer
// (bot/email/email_retention). The outcome is written on the e-mail's row.
// Throws SQLite::Exception on a database failure (the caller rolls back).
ParsedEmail ParseInboundEmail(storage::Database& db, int64_t email_id, SystemTime now,
                              const Config& config);

// Queues message `email_id` to be parsed again (after its rule was fixed)
// and sets its outcome back to "pending" until then. Returns false,
// changing nothing, when there is no such e-mail.
bool ReplayInboundEmail(storage::Database& db, int64_t email_id, SystemTime now,
                        const Config& config);

}  // namespace leadrouter
