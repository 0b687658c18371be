// `/leads`: what managers ask about the day's leads.
//   /leads                     today's counts by segment, median and p90 time
//                              to claim, leads waiting for an owner, leads per
//                              agent, median and p90 time to first contact
//                              per agent (open to everyone)
//   /leads show ID             the lead's timeline (open to everyone)
//   /leads reassign ID @agent  gives the lead to another known agent
//                              (managers only)
//   /leads dlq                 the dead jobs with Replay and Drop buttons
//                              (managers only; bot/interactions/dlq_actions.h)
// Anything else gets usage help that says what was wrong. Every answer is
// ephemeral.
// Thread rule: storage writer thread, inside the caller's transaction (see
// bot/interactions/slash_command.h).
#pragma once

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "bot/interactions/slash_command.h"

namespace leadrouter {
namespace storage {
class Database;
}

// Runs one `/leads` command at `now` and returns the reply. "Today" is the
// UTC calendar day of `now` (the team's time zone is not configurable yet).
// A reassignment sets the owner, appends a 'reassigned' timeline event
// {from, to, by} and enqueues a kJobDmLeadCard {agent, reason} and a
// kJobThreadNote {text} job and restarts the first-contact SLA clock for the
// new owner (bot/sla/sla_clock), all in the caller's transaction; refusals and
// bad arguments change nothing. Throws SQLite::Exception on a database
// failure (the caller rolls back).
SlashReply RunLeadsCommand(storage::Database& db, const SlashCommand& cmd,
                           SystemTime now, const Config& config);

}  // namespace leadrouter
