// `leadrouter dlq list|replay ID|drop ID`: the dead letters from a shell.
// Works on the SQLite file named by the config whether the daemon runs or
// not: WAL lets both read, the busy timeout settles a write that meets the
// daemon's, and the daemon's job runner notices the outside commit
// (bot/runtime/job_runner.h) so a replayed job runs within seconds.
// Thread rule: call from main only; opens its own connection.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"

namespace leadrouter {

// Exit codes, as for every leadrouter command.
inline constexpr int kDlqExitOk = 0;
inline constexpr int kDlqExitNoSuchJob = 1;  // also: no database, SQL error
inline constexpr int kDlqExitUsage = 2;

// `args` are the words after "dlq" ("list", or "replay"/"drop" and an id);
// `json` asks `list` for a JSON array instead of a table. Prints results to
// `out` and problems to `err`; returns one of the exit codes above. Never
// creates the database file, and never throws.
int RunDlqCommand(const Config& config, const std::vector<std::string>& args,
                  bool json, const Clock& clock, std::ostream& out,
                  std::ostream& err);

}  // namespace leadrouter
