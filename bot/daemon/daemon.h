// RunDaemon: wires the parts of `leadrouter serve` together on one event
// loop and runs until SIGINT or SIGTERM.
#pragma once

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"

namespace leadrouter {

// Returns the process exit code: 0 after a clean shutdown, 1 when a part
// could not start (the log says which and why).
int RunDaemon(const Config& config, const Secrets& secrets, const Clock& clock);

}  // namespace leadrouter
