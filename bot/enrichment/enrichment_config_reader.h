// Reading and checking [enrichment]. Part of LoadConfigString.
#pragma once

#include <vector>

#include "bot/daemon/config.h"
#include "bot/daemon/config_reader.h"

namespace leadrouter {

// Reads [enrichment] (deadline) and its [enrichment.property] and
// [enrichment.person] tables: the URL (https://, or http:// for a local
// stand-in) and the placeholders its provider knows, headers, fields from
// the provider's own list with pointers that start with '/', durations and
// the rate. An "env:NAME" header whose variable is unset is a warning.
void ReadEnrichment(TableReader& root, EnrichmentConfig& out,
                    std::vector<ConfigError>& warnings);

}  // namespace leadrouter
