// The Replay button on a dead-lettered e-mail in `/leads dlq`: the message
// is read again under today's rules (after its source's rule was fixed), by
// the same parse job and transaction as when it came in, so a message that
// now reads as a lead goes to Slack like any other.
// Thread rule: storage writer thread, inside the caller's transaction (see
// bot/interactions/slash_command.h). Listed with the effects, not the
// decisions, only because the parse transaction it queues is.
#pragma once

#include "bot/daemon/config.h"
#include "bot/interactions/lead_actions.h"
#include "bot/runtime/system_time.h"

namespace leadrouter {
namespace storage {
class Database;
}

// A manager's click on e-mail `click.value` that is still a dead letter
// queues its parse and confirms by ephemeral; an e-mail that is no dead
// letter any more (replayed already, or purged) says so and changes
// nothing; anyone else is refused and nothing changes. Throws
// SQLite::Exception on a database failure (the caller rolls back). The
// dispatcher wakes the job runner after the commit.
void ApplyDlqEmailReplay(storage::Database& db, const Click& click, SystemTime now,
                         const Config& config);

}  // namespace leadrouter
