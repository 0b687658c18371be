// AssignOwner: the one way a lead gets a new owner, whoever decides it (a
// shark-tank claim, the rotation, a claim timeout's fallback, an SLA
// reassignment, a manager's `/leads reassign`). It sets the owner, counts
// the lead toward the agent's day when it should, starts the new owner's
// first-contact SLA clock, enrols the lead in its follow-up sequence (once
// per lead), records how it happened on the timeline and writes the Slack
// effects as jobs. The callers differ only in the named fields of
// OwnerChange.
// Thread rule: storage writer thread only, inside the caller's transaction
// (never opens one); reads no clock (`now` is passed in) and calls nothing
// outside the database. Throws SQLite::Exception on a database failure; the
// caller rolls back.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "storage/timeline_events.h"

namespace leadrouter {
namespace storage {
class Database;
struct StoredLead;
}  // namespace storage

struct OwnerChange {
  std::string agent;  // the new owner's Slack id

  // Only when nobody owns the lead yet: a claim, whose race the database
  // settles (the first UPDATE that finds no owner wins).
  bool only_if_unowned = false;

  // Whether the lead uses up one of the agent's daily cap: a rotation turn
  // or a claim does; a manager's hand-off does not. Only agents have a cap
  // (a claimer who is not one is not counted).
  bool counts_toward_cap = true;

  // The timeline event that says how it happened.
  std::variant<storage::AssignedEvent, storage::ClaimedEvent, storage::ReassignedEvent>
      event;

  // The reason on the owner's DM card ("round-robin, turn 14", "You claimed
  // it in the shark tank 37 s after it arrived.").
  std::string card_reason;

  // A reply in the lead's thread, when the change should be told there.
  std::optional<std::string> thread_note;

  // Whether the lead's post is updated, so it stops offering the lead; the
  // status line shown on it, or empty to re-render it from the lead alone.
  bool update_post = false;
  std::string post_status_line;
};

// Gives `lead` to `change.agent` as of `now` (the lead's new claimed_at).
// Writes, in this order: the owner; the day's count (counts_toward_cap);
// the SLA timers (bot/sla/sla_clock, replacing the previous owner's); the
// sequence enrolment (bot/follow_up/sequence_enrollment); the timeline event; jobs
// kJobDmLeadCard {agent, reason}, then kJobThreadNote {text} and
// kJobUpdateLeadPost {status_line?} when asked. A lead's first owner is
// noted as a kFirstOwner milestone on `db`. Returns false, having
// written nothing, only when only_if_unowned is set and the lead has an
// owner (the race was lost) or the lead row is gone.
bool AssignOwner(storage::Database& db, const storage::StoredLead& lead,
                 const OwnerChange& change, SystemTime now,
                 const Config& config);

}  // namespace leadrouter
