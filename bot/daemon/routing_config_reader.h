// Reading and checking [[pools]], [[routes]] and [territories]. Part of
// LoadConfigString; kept apart so the routing rules read in one place.
#pragma once

#include <string>
#include <vector>

#include "bot/daemon/config.h"
#include "bot/daemon/config_reader.h"

namespace leadrouter {

// Reads the three tables from the root of the file into `out`, reporting
// wrong types, unknown keys and malformed values through `root`.
void ReadRouting(TableReader& root, RoutingConfig& out);

// Checks the routing as a whole, once everything is read: a pool with no
// members, a member missing from [[agents]], an agent pool with more than
// one member, a first_to_claim pool with no channel, a fallback naming an
// unknown pool or going round in a cycle, a route naming an unknown pool or
// territory, no final catch-all route, a route that can never match
// because an earlier one covers it, [[routes]] without [[pools]] or the
// other way round (errors); territories sharing a ZIP (a warning).
void CheckRouting(const Config& config, std::vector<ConfigError>& errors,
                  std::vector<ConfigError>& warnings);

// The routing lines of `check-config`'s summary: "routing  one rotation of
// every agent" without pools, else each pool and route in order.
std::string SummarizeRouting(const RoutingConfig& routing);

}  // namespace leadrouter
