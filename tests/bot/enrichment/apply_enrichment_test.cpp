// Enrichment's decisions on a real SQLite database: whether intake holds a
// lead for its lookups, what an answer or the deadline does to it.
#include "bot/enrichment/apply_enrichment.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "bot/intake/accept_lead.h"
#include "pipeline/process.h"
#include "storage/database.h"
#include "storage/enrichment_store.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"
#include "tests/support/stored_rows.h"

using namespace std::chrono_literals;
using leadrouter::Config;
using leadrouter::LookupResult;
using leadrouter::SystemTime;
using leadrouter::storage::Database;
using leadrouter::storage::Job;
using leadrouter::storage::LeadStore;
using json = nlohmann::json;

namespace {

const SystemTime kT0{std::chrono::seconds(1773526061)};

struct Enrich {
  Enrich() : db(Database::Open(":memory:")) {
    config.enrichment.property.url =
        "https://api.example.com/v1/property?address={address}&mls={mls_id}";
    config.enrichment.property.fields = {{"days_on_market", "/dom"}};
    config.rules.zip_medians->Replace({{"02139", {452000, ""}}});
  }

  int64_t Accept(const json& payload) {
    auto lead = leadrouter::pipeline::Process(payload, config.rules, kT0);
    REQUIRE(lead.ok());
    SQLite::Transaction tx(db->db());
    const int64_t id =
        leadrouter::AcceptLead(*db, lead.value(), std::nullopt, kT0, config)
            .lead_id;
    tx.commit();
    return id;
  }

  leadrouter::EnrichmentRouting Apply(int64_t id, const LookupResult& r,
                                      SystemTime at = kT0 + 300ms) {
    SQLite::Transaction tx(db->db());
    auto out = leadrouter::ApplyLookup(*db, id, r, config.rules, at, config);
    tx.commit();
    return out;
  }

  leadrouter::EnrichmentRouting Deadline(int64_t id,
                                         SystemTime at = kT0 + 800ms) {
    SQLite::Transaction tx(db->db());
    auto out = leadrouter::RouteAtDeadline(
        *db, id, "the lookups had not answered", at, config);
    tx.commit();
    return out;
  }

  std::vector<Job> Pending(const std::string& kind) {
    return leadrouter::testing::PendingJobs(*db, kind);
  }

  int Count(int64_t lead, const std::string& kind) {
    return leadrouter::testing::CountEvents(*db, lead, kind);
  }

  std::unique_ptr<Database> db;
  Config config;
};

json Buyer(const std::string& message, const std::string& mls = "MLS-1") {
  return {{"name", "Bea Buyer"},
          {"email", "bea@example.com"},
          {"message", message},
          {"mls_id", mls},
          {"zip", "02139"}};
}

}  // namespace

TEST_CASE("a warm lead waits for its lookup; a hot one never does",
          "[bot][enrichment]") {
  Enrich e;
  const int64_t warm = e.Accept(Buyer("We are pre-approved, can we see it?"));
  CHECK(e.Count(warm, "routed") == 0);
  REQUIRE(e.Pending("route.enrich_lookup").size() == 1);
  REQUIRE(e.Pending("route.enrich_deadline").size() == 1);
  CHECK(e.Pending("route.enrich_deadline")[0].due_at == kT0 + 800ms);

  json hot =
      Buyer("Pre-approved, closing by Friday, can we see it today?", "MLS-2");
  hot["email"] = "hal@example.com";
  const int64_t hot_id = e.Accept(hot);
  CHECK(e.Count(hot_id, "routed") == 1);
  CHECK(e.Pending("route.enrich_lookup").size() == 2);
  CHECK(e.Pending("route.enrich_deadline").size() == 1);
}

TEST_CASE(
    "an answer that makes the lead hot routes it to the shark tank at once",
    "[bot][enrichment]") {
  Enrich e;
  const int64_t id = e.Accept(Buyer("We are pre-approved, can we see it?"));
  const auto routed =
      e.Apply(id, LookupResult{"property", true, {{"days_on_market", 3}}});
  CHECK(routed.route == "shark_tank");
  CHECK(routed.segment == "HOT_BUYER");
  auto stored = LeadStore(e.db->db()).Get(id);
  REQUIRE(stored);
  CHECK(stored->segment == "HOT_BUYER");
  CHECK(stored->lead.property.days_on_market == 3);
  CHECK(e.Count(id, "enriched") == 1);
  CHECK(e.Count(id, "resegmented") == 1);
  CHECK(e.Count(id, "routed") == 1);
  CHECK(e.Pending("slack.post_shark_tank").size() == 1);
  // The deadline comes later and finds nothing to do.
  CHECK(e.Deadline(id).jobs == 0);
  CHECK(e.Deadline(id).route.empty());
  CHECK(e.Count(id, "routed") == 1);
  CHECK(e.Count(id, "enrichment_deadline") == 0);
}

TEST_CASE(
    "the deadline routes a waiting lead and says why; late data updates it",
    "[bot][enrichment]") {
  Enrich e;
  const int64_t id = e.Accept(Buyer("Is the flat still available?"));
  const auto routed = e.Deadline(id);
  CHECK(routed.jobs > 0);
  CHECK(routed.route == "round_robin");
  CHECK(e.Count(id, "routed") == 1);
  CHECK(e.Count(id, "enrichment_deadline") == 1);
  CHECK(e.Pending("route.assign_round_robin").size() == 1);

  e.Apply(id, LookupResult{"property", true, {{"days_on_market", 40}}},
          kT0 + 2s);
  CHECK(e.Count(id, "routed") == 1);  // not routed twice
  CHECK(e.Pending("slack.refresh_lead_card").size() == 1);
}

TEST_CASE("late data that makes an unowned lead hot sends it to the shark tank",
          "[bot][enrichment]") {
  Enrich e;
  const int64_t id = e.Accept(Buyer("We are pre-approved, can we see it?"));
  e.Deadline(id);
  CHECK(e.Pending("slack.post_shark_tank").empty());
  e.Apply(id, LookupResult{"property", true, {{"days_on_market", 3}}},
          kT0 + 2s);
  CHECK(e.Pending("slack.post_shark_tank").size() == 1);
  CHECK(e.Count(id, "resegmented") == 1);
  CHECK(e.Count(id, "routed") == 2);
}

TEST_CASE("a lookup that gives up ends the wait and is recorded",
          "[bot][enrichment]") {
  Enrich e;
  const int64_t id = e.Accept(Buyer("Is the flat still available?"));
  LookupResult failed{"property"};
  failed.failure = "the provider's answer is not JSON";
  e.Apply(id, failed);
  CHECK(e.Count(id, "enrichment_failed") == 1);
  CHECK(e.Count(id, "routed") == 1);
}

TEST_CASE("the cache answers within its TTL only",
          "[bot][enrichment][storage]") {
  Enrich e;
  leadrouter::storage::EnrichmentStore cache(e.db->db());
  cache.CacheAnswer("property", "key-1", {{"beds", 3}}, kT0);
  CHECK(cache.CachedAnswer("property", "key-1", kT0 + 23h, 24h));
  CHECK_FALSE(cache.CachedAnswer("property", "key-1", kT0 + 25h, 24h));
  CHECK_FALSE(cache.CachedAnswer("person", "key-1", kT0, 24h));
}
