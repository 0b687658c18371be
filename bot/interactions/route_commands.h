// The routing commands: `/routes` lists the routes in order with how many
// leads each took today; `/leads why ID` shows the routes tried for a lead
// when it arrived and what today's rules would do with it now. Both are
// open to everyone and answer ephemerally.
// Thread rule: storage writer thread only, inside the caller's transaction
// (config.routing is read there; a SIGHUP reload swaps it there too).
#pragma once

#include <cstdint>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "bot/interactions/slash_command.h"
#include "storage/database.h"

namespace leadrouter {

SlashReply RunRoutesCommand(storage::Database& db, const SlashCommand& cmd,
                            SystemTime now, const Config& config);

// `/leads why ID`; `lead_id` is already parsed. An unknown lead says so.
SlashReply ExplainLeadRoute(storage::Database& db, int64_t lead_id,
                            SystemTime now, const Config& config);

}  // namespace leadrouter
