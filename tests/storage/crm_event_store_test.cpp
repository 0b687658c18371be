#include "storage/crm_event_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "storage/lead_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::CrmEventStore;
using leadrouter::storage::Database;
using leadrouter::storage::LeadStore;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;

TEST_CASE("a CRM event is recorded once; a redelivery is recognised",
          "[storage][crm_events]") {
  auto db = Database::Open(":memory:");
  int64_t lead = LeadStore(db->db())
                     .Intake(LeadWithEmail("dana@example.com", "x"), kT0, 24h)
                     .lead_id;
  CrmEventStore events(db->db());
  nlohmann::json payload = {{"event_id", "evt-8812"}, {"type", "contacted"}};

  CHECK(events.RecordIfNew("evt-8812", "contacted", lead, true, payload, kT0));
  CHECK_FALSE(events.RecordIfNew("evt-8812", "contacted", lead, true, payload,
                                 kT0 + 1min));
  CHECK(events.RecordIfNew("evt-8813", "opted_out", std::nullopt, false,
                           payload, kT0 + 2min));

  SQLite::Statement row(db->db(),
                        "SELECT received_at, lead_id, matched FROM crm_events "
                        "WHERE event_id = 'evt-8812'");
  REQUIRE(row.executeStep());
  CHECK(row.getColumn(0).getInt64() == leadrouter::storage::ToMillis(kT0));
  CHECK(row.getColumn(1).getInt64() == lead);
  CHECK(row.getColumn(2).getInt() == 1);
  CHECK(db->db().execAndGet("SELECT COUNT(*) FROM crm_events").getInt() == 2);
}

TEST_CASE("a CRM event naming an unknown lead is an error, not a redelivery",
          "[storage][crm_events]") {
  auto db = Database::Open(":memory:");
  CHECK_THROWS_AS(
      CrmEventStore(db->db()).RecordIfNew("evt-1", "contacted", 404, true,
                                          nlohmann::json::object(), kT0),
      SQLite::Exception);
}

TEST_CASE("a recorded CRM event reads back, and unmatched ones are counted",
          "[storage][crm_events]") {
  auto db = Database::Open(":memory:");
  int64_t lead = LeadStore(db->db())
                     .Intake(LeadWithEmail("dana@example.com", "x"), kT0, 24h)
                     .lead_id;
  CrmEventStore events(db->db());
  CHECK_FALSE(events.Get("evt-1").has_value());
  CHECK(events.CountUnmatched() == 0);

  REQUIRE(events.RecordIfNew("evt-1", "contacted", lead, true, {}, kT0));
  REQUIRE(events.RecordIfNew("evt-2", "opted_out", std::nullopt, false, {}, kT0));
  REQUIRE(events.RecordIfNew("evt-3", "status_changed", std::nullopt, false, {}, kT0));
  // A redelivery of an unmatched event is not counted twice.
  REQUIRE_FALSE(events.RecordIfNew("evt-3", "status_changed", std::nullopt, false,
                                   {}, kT0 + 1min));

  auto first = events.Get("evt-1");
  REQUIRE(first.has_value());
  CHECK(first->type == "contacted");
  CHECK(first->lead_id == lead);
  CHECK(first->matched);
  CHECK(first->received_at == kT0);
  auto unmatched = events.Get("evt-2");
  REQUIRE(unmatched.has_value());
  CHECK_FALSE(unmatched->lead_id.has_value());
  CHECK_FALSE(unmatched->matched);
  CHECK(events.CountUnmatched() == 2);
}
