// The transactions that end a lead's wait for enrichment: a lookup's
// answer (or its giving up), and the deadline. Decisions: run on the
// storage writer inside one transaction, never touch a socket or read the
// clock (`now` and the rules are passed in).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bot/daemon/config.h"
#include "bot/runtime/system_time.h"
#include "pipeline/lead.h"
#include "pipeline/rules.h"

namespace leadrouter {
namespace storage {
class Database;
}

// What one lookup came to.
struct LookupResult {
  std::string provider;   // "property" | "person"
  bool answered = false;  // facts came back (maybe none of them)
  nlohmann::json facts = nlohmann::json::object();
  std::vector<std::string> missing = {};  // mapped fields the answer lacked
  bool cached = false;
  std::string failure = {};  // when !answered: why the lookup gave up
};

// What ending a wait wrote: the jobs, and the route when the lead was
// routed (for the metrics), with the segment it was routed as.
struct EnrichmentRouting {
  size_t jobs = 0;
  std::string route = {};       // empty: not routed now
  std::string route_name = {};  // with [[pools]], as AcceptedLead has them
  std::string pool = {};
  std::string segment = {};
};

// Routes `lead` for the first time once its wait is over (RouteFirstTime)
// and notes the jobs, the route and the segment in `out`.
void RouteAfterWait(storage::Database& db, const pipeline::ProcessedLead& lead,
                    int64_t lead_id, SystemTime now, const Config& config,
                    EnrichmentRouting& out);

// Adds the facts to lead `lead_id` and records them (`enriched`, or
// `enrichment_failed` with the reason). The lead is segmented again with
// `rules` unless it is low quality or taken over (`resegmented` says from
// what to what and why). Then: a lead waiting for its lookups is routed
// once none is pending; one routed before is shown again in Slack in place
// (slack.refresh_lead_card), and if it is still unowned and now hot it is
// routed again, to the shark tank.
EnrichmentRouting ApplyLookup(storage::Database& db, int64_t lead_id,
                              const LookupResult& result,
                              const pipeline::Rules& rules, SystemTime now,
                              const Config& config);

// The deadline passed: a lead still waiting is routed with what it has,
// its timeline saying why (`why`: what the lookups were doing). Nothing
// when its lookups answered first.
EnrichmentRouting RouteAtDeadline(storage::Database& db, int64_t lead_id,
                                  const std::string& why, SystemTime now,
                                  const Config& config);

}  // namespace leadrouter
