// RunDaemon: wires the parts of `leadrouter serve` together on one event
// loop and runs until SIGINT or SIGTERM; SIGHUP reloads the routes and
// pools from `config_path` (bot/daemon/routing_reload).
#pragma once

#include <string>

#include "bot/clock.h"
#include "bot/config.h"

namespace leadrouter {

// Returns the process exit code: 0 after a clean shutdown, 1 when a part
// could not start (the log says which and why).
// `config` is the daemon's own: a reload replaces its routing part.
int RunDaemon(Config& config, const Secrets& secrets, const Clock& clock,
              const std::string& config_path = "");

}  // namespace leadrouter
