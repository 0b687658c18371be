// `leadrouter email replay ID`: parses a stored e-mail again, after its
// source's rule was fixed. Works on the SQLite file named by the config
// whether the daemon runs or not; a running daemon notices the outside
// commit and parses the message within seconds (bot/runtime/job_runner.h).
// Thread rule: call from main only; opens its own connection.
#pragma once

#include <iosfwd>
#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"

namespace leadrouter {

// Exit 0 when queued, 1 when there is no such e-mail (or it already became
// a lead, or the database is missing), 2 when `id_text` is no id. Never
// throws.
int RunEmailReplay(const Config& config, const std::string& id_text, const Clock& clock,
                   std::ostream& out, std::ostream& err);

}  // namespace leadrouter
