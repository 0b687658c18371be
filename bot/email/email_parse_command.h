// `leadrouter email parse`: what a raw e-mail would become under the
// config's [inbound_email] rules, printed as JSON; writes nothing.
#pragma once

#include <chrono>
#include <ostream>
#include <string_view>

#include "bot/daemon/config.h"

namespace leadrouter {

// Exit status for a message that is not an e-mail at all (sysexits.h's
// EX_DATAERR, what a mail server's pipe expects).
constexpr int kExitNotAMessage = 65;

// Prints {"outcome", "source", "why", "lead", …} for `raw` to `out` and
// returns 0 for every outcome; prints {"error", "field"} and returns
// kExitNotAMessage when `raw` is not a message.
int RunEmailParse(const Config& config, std::string_view raw,
                  std::chrono::system_clock::time_point now, std::ostream& out);

}  // namespace leadrouter
