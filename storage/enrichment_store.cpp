#include "storage/enrichment_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"
#include "storage/stored_json.h"

namespace leadrouter::storage {

std::optional<CachedFacts> EnrichmentStore::CachedAnswer(
    const std::string& provider, const std::string& key, TimePoint now,
    std::chrono::milliseconds ttl) {
  CachedStatement q(
      db_,
      "SELECT facts, fetched_at FROM enrichment_cache "
      "WHERE provider = ? AND lookup_key = ? AND fetched_at >= ?");
  q.bind(1, provider);
  q.bind(2, key);
  q.bind(3, ToMillis(now) - static_cast<int64_t>(ttl.count()));
  if (!q.executeStep()) return std::nullopt;
  return CachedFacts{ParseStoredJson(q.getColumn(0).getString()),
                     FromMillis(q.getColumn(1).getInt64())};
}

void EnrichmentStore::CacheAnswer(const std::string& provider,
                                  const std::string& key,
                                  const nlohmann::json& facts, TimePoint now) {
  CachedStatement q(
      db_,
      "INSERT INTO enrichment_cache (provider, lookup_key, facts, "
      "fetched_at) VALUES (?, ?, ?, ?) ON CONFLICT (provider, "
      "lookup_key) DO UPDATE SET facts = excluded.facts, "
      "fetched_at = excluded.fetched_at");
  q.bind(1, provider);
  q.bind(2, key);
  q.bind(3, DumpJson(facts));
  q.bind(4, ToMillis(now));
  q.exec();
}

void EnrichmentStore::StartWait(int64_t lead_id, int lookups, TimePoint now) {
  CachedStatement q(db_,
                    "INSERT INTO lead_enrichment (lead_id, state, pending, "
                    "requested_at) VALUES (?, 'waiting', ?, ?)");
  q.bind(1, lead_id);
  q.bind(2, lookups);
  q.bind(3, ToMillis(now));
  q.exec();
}

EnrichmentWait EnrichmentStore::WaitOf(int64_t lead_id) {
  CachedStatement q(db_,
                    "SELECT state FROM lead_enrichment WHERE lead_id = ?");
  q.bind(1, lead_id);
  if (!q.executeStep()) return EnrichmentWait::kNone;
  return q.getColumn(0).getString() == "waiting" ? EnrichmentWait::kWaiting
                                                 : EnrichmentWait::kRouted;
}

int EnrichmentStore::Answered(int64_t lead_id) {
  CachedStatement q(
      db_,
      "UPDATE lead_enrichment SET pending = MAX(pending - 1, 0) "
      "WHERE lead_id = ? RETURNING pending");
  q.bind(1, lead_id);
  return q.executeStep() ? q.getColumn(0).getInt() : 0;
}

bool EnrichmentStore::FinishWait(int64_t lead_id, TimePoint now) {
  CachedStatement q(
      db_,
      "UPDATE lead_enrichment SET state = 'routed', routed_at = ? "
      "WHERE lead_id = ? AND state = 'waiting'");
  q.bind(1, ToMillis(now));
  q.bind(2, lead_id);
  return q.exec() == 1;
}

std::string EnrichmentStore::LatestCardReason(int64_t lead_id) {
  CachedStatement q(db_,
                    "SELECT payload FROM jobs WHERE lead_id = ? AND kind = "
                    "'slack.dm_lead_card' ORDER BY id DESC LIMIT 1");
  q.bind(1, lead_id);
  if (!q.executeStep()) return "";
  const nlohmann::json payload = ParseStoredJson(q.getColumn(0).getString());
  if (!payload.is_object() || !payload.contains("reason") ||
      !payload.at("reason").is_string()) {
    return "";
  }
  return payload.at("reason").get<std::string>();
}

void EnrichmentStore::SaveLead(int64_t lead_id,
                               const pipeline::ProcessedLead& lead,
                               TimePoint now) {
  CachedStatement q(
      db_,
      "UPDATE leads SET updated_at = ?, segment = ?, score = ?, "
      "lead_json = ?, intent = ? WHERE id = ?");
  q.bind(1, ToMillis(now));
  q.bind(2, pipeline::ToString(lead.segment));
  q.bind(3, lead.score);
  q.bind(4, DumpJson(pipeline::ToJson(lead)));
  q.bind(5, pipeline::ToString(lead.intent));
  q.bind(6, lead_id);
  q.exec();
}

}  // namespace leadrouter::storage
