// `/rotation POOL …`: the rotation of one round-robin pool ([[pools]]).
// `list` shows the pool's turn order, who is unavailable and why, today's
// counts (across every pool, as caps count) and who is next; `skip` passes
// the pool's current turn (managers). Membership and order are the pool's
// `members` in the reviewed config file, so add, remove and move say so;
// pause, resume, weight and cap belong to the agent in every pool and are
// left to the plain `/rotation` command.
// Thread rule: storage writer thread only, inside the caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "bot/interactions/slash_command.h"
#include "storage/database.h"

namespace leadrouter {

// Answers `/rotation` when its first word names a round-robin pool, or when
// there is exactly one round-robin pool and the subcommand is list or skip
// (the pool may then be left out); nullopt: the plain command answers.
std::optional<SlashReply> RunPoolRotationCommand(storage::Database& db,
                                                 const SlashCommand& cmd,
                                                 SystemTime now,
                                                 const Config& config);

}  // namespace leadrouter
