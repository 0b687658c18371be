// EnrichmentStore: the lookup cache, each lead's wait for its lookups, and
// writing back a lead that enrichment changed.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself. Every method
// throws SQLite::Exception on a database failure.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "pipeline/lead.h"
#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct CachedFacts {
  nlohmann::json facts;  // the provider's answer, mapped to our field names
  TimePoint fetched_at;
};

enum class EnrichmentWait { kNone, kWaiting, kRouted };

class EnrichmentStore {
 public:
  // `db` must outlive this object.
  explicit EnrichmentStore(SQLite::Database& db) : db_(db) {}

  // The cached answer for (provider, key) fetched within `ttl` before
  // `now`; nullopt when there is none that fresh.
  std::optional<CachedFacts> CachedAnswer(const std::string& provider,
                                          const std::string& key, TimePoint now,
                                          std::chrono::milliseconds ttl);
  // Stores (or replaces) the answer for (provider, key).
  void CacheAnswer(const std::string& provider, const std::string& key,
                   const nlohmann::json& facts, TimePoint now);

  // Lead `lead_id` waits for `lookups` answers before it is routed.
  // REQUIRES: lookups > 0; the lead exists and has no wait yet.
  void StartWait(int64_t lead_id, int lookups, TimePoint now);
  EnrichmentWait WaitOf(int64_t lead_id);
  // One lookup answered (or gave up): returns the lookups still pending.
  int Answered(int64_t lead_id);
  // Ends the wait: returns true when this call did (it was waiting), so
  // the one caller that ends it routes the lead.
  bool FinishWait(int64_t lead_id, TimePoint now);

  // The "why you" of the lead's newest owner DM card (the reason its
  // slack.dm_lead_card job carried), so a card shown again keeps it; ""
  // when it has none.
  std::string LatestCardReason(int64_t lead_id);

  // Writes the enriched or re-read lead back (lead_json, segment, score,
  // intent).
  void SaveLead(int64_t lead_id, const pipeline::ProcessedLead& lead,
                TimePoint now);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
