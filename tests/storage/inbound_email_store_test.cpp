#include "storage/inbound_email_store.h"

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "storage/lead_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Database;
using leadrouter::storage::InboundEmailStore;
using leadrouter::storage::LeadStore;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;

TEST_CASE("a raw e-mail is stored once; a redelivery finds the first copy",
          "[storage][inbound_email]") {
  auto db = Database::Open(":memory:");
  InboundEmailStore store(db->db());
  const std::string raw = std::string("From: a@b.example\r\n\r\nbody with a NUL \0 byte", 41);
  auto first = store.Store("lead-1@zillow.com", raw, "http", kT0);
  CHECK_FALSE(first.duplicate);
  auto again = store.Store("lead-1@zillow.com", "other bytes", "imap", kT0 + 1min);
  CHECK(again.duplicate);
  CHECK(again.id == first.id);
  auto other = store.Store("sha256:ab12", raw, "pipe", kT0);
  CHECK(other.id != first.id);

  auto stored = store.Get(first.id);
  REQUIRE(stored);
  CHECK(stored->raw == raw);  // byte for byte, NUL included
  CHECK(stored->via == "http");
  CHECK(stored->received_at == kT0);
  CHECK(stored->outcome == "pending");
  CHECK(stored->attempts == 0);
  CHECK_FALSE(store.Get(999));
}

TEST_CASE("a parse outcome is written back and counted", "[storage][inbound_email]") {
  auto db = Database::Open(":memory:");
  int64_t lead = LeadStore(db->db())
                     .Intake(LeadWithEmail("dana@example.com", "x"), kT0, 24h)
                     .lead_id;
  InboundEmailStore store(db->db());
  auto a = store.Store("a@x", "raw a", "http", kT0);
  auto b = store.Store("b@x", "raw b", "http", kT0);
  store.RecordOutcome(a.id, "dead_letter", "Realtor.com", "no phone or e-mail", std::nullopt,
                      kT0 + 1s);
  store.RecordOutcome(a.id, "lead", "Realtor.com", "from Realtor.com", lead, kT0 + 1h);
  store.RecordOutcome(b.id, "unknown_sender", "", "no source", std::nullopt, kT0 + 1s);
  auto stored = store.Get(a.id);
  REQUIRE(stored);
  CHECK(stored->outcome == "lead");
  CHECK(stored->lead_id == lead);
  CHECK(stored->attempts == 2);
  CHECK(store.CountByOutcome("lead") == 1);
  CHECK(store.CountByOutcome("unknown_sender") == 1);
  CHECK(store.CountByOutcome("dead_letter") == 0);
}
