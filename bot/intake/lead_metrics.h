// The counters a lead taken in adds to (leads received, leads routed),
// the same for every front door: HTTP intake and e-mail. Called after the
// lead's transaction committed.
#pragma once

#include <string_view>

#include "bot/intake/accept_lead.h"

namespace leadrouter {

// Counts `accepted` as received through `channel` ("http", "email") from
// `source`, and, when it was routed now, as routed with its `segment`.
void CountLead(std::string_view channel, std::string_view source,
               std::string_view segment, const AcceptedLead& accepted);

// Counts a lead routed now (at intake, or when its wait for enrichment or
// the model ended) under its route, pool and segment; nothing when `route`
// is empty. With [[pools]] a route names its pool; without, or for a lead
// no pool takes (nurture, spam, triage), the pool is "none".
void CountRouted(std::string_view route, std::string_view route_name,
                 std::string_view pool, std::string_view segment);

}  // namespace leadrouter
