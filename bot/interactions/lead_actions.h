// The buttons on lead cards: Claim (shark tank, triage) and Mark contacted
// (the owner's DM). Each runs on the storage writer thread inside one
// transaction: the database settles races (the first claim wins), and the
// Slack effects it causes are written as jobs in the same transaction.
#pragma once

#include <string>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"

namespace leadrouter {
namespace storage {
class Database;
}

// One button click, as the handlers need it from a block_actions payload.
struct Click {
  std::string user_id;
  std::string channel_id;
  std::string message_ts;
  std::string value;  // the lead id in decimal
  // Where to answer the clicker at once (ephemeral, outside the Web API's
  // rate tiers); "" when the payload had none.
  std::string response_url = {};
};

// Claim: the first click wins the lead; the post is updated in place and
// the winner gets the full card by DM. Every other clicker gets an
// ephemeral naming the owner; a second click by the owner is harmless.
// A click on an unknown lead, a lead the CRM took over, or by someone who
// may not claim gets an ephemeral that says why. A won claim starts the
// winner's first-contact SLA clock (bot/sla/sla_clock).
void ApplyClaim(storage::Database& db, const Click& click, SystemTime now,
                const Config& config);

// Mark contacted: the owner (or a manager) records first contact, credited
// to the owner, and the lead's pending SLA timers are cancelled; others are
// told who owns the lead.
void ApplyMarkContacted(storage::Database& db, const Click& click,
                        SystemTime now, const Config& config);

}  // namespace leadrouter
