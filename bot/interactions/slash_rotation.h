// /rotation: shows the round-robin rotation to anyone and lets managers
// change it. Subcommands: list (also the default), add @agent [name],
// remove @agent, pause @agent [until], resume @agent, weight @agent N,
// cap @agent N, move @agent POSITION, skip, help.
//   pause's end may be a duration from now ("2h", "90m", "1d", "1h30m"), a
//   team-local time ("14:30": its next occurrence), a team-local date
//   ("2026-03-20": that day's midnight) or both ("2026-03-20 09:00" or
//   "2026-03-20T09:00"); "until" or "for" may come first. None: until
//   resumed.
// Agents are named by mention (<@U123|name> or <@U123>), by user id, or by
// the name the rotation shows (add needs a mention or an id). Changes are
// for managers (cmd.is_manager); anyone may list. Changes never reset
// anyone's counts and append nothing to leads; answers are ephemeral and
// say what changed and who is next. Before any subcommand, pauses whose
// end has passed are ended (per rotation.rejoin), so the list is current.
// Thread rule: storage writer thread only, inside the caller's transaction;
// throws SQLite::Exception on a database failure (the caller rolls back).
#pragma once

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "bot/interactions/slash_command.h"
#include "storage/database.h"

namespace leadrouter {

SlashReply RunRotationCommand(storage::Database& db, const SlashCommand& cmd,
                              SystemTime now, const Config& config);

}  // namespace leadrouter
