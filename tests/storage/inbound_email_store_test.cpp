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

TEST_CASE("old not-a-lead bodies are emptied once; the rows and other outcomes stay",
          "[storage][inbound_email]") {
  auto db = Database::Open(":memory:");
  InboundEmailStore store(db->db());
  auto old_news = store.Store("news-1@x", "raw newsletter", "http", kT0);
  auto new_news = store.Store("news-2@x", "raw newsletter 2", "mailgun", kT0 + 20 * 24h);
  auto dead = store.Store("dead@x", "raw dead letter", "http", kT0);
  store.RecordOutcome(old_news.id, "not_a_lead", "Zillow", "bulk", std::nullopt, kT0);
  store.RecordOutcome(new_news.id, "not_a_lead", "Zillow", "bulk", std::nullopt, kT0);
  store.RecordOutcome(dead.id, "dead_letter", "Zillow", "no phone", std::nullopt, kT0);

  const auto now = kT0 + 31 * 24h;
  CHECK(store.OldestKept("not_a_lead") == kT0);
  CHECK(store.PurgeRaw("not_a_lead", now - 30 * 24h, now) == 1);
  CHECK(store.OldestKept("not_a_lead") == kT0 + 20 * 24h);
  CHECK_FALSE(store.OldestKept("lead"));
  CHECK(store.PurgeRaw("not_a_lead", now - 30 * 24h, now + 1h) == 0);  // once
  auto purged = store.Get(old_news.id);
  REQUIRE(purged);
  CHECK(purged->raw.empty());
  CHECK(purged->purged);
  CHECK_FALSE(store.Get(new_news.id)->purged);
  CHECK(purged->outcome == "not_a_lead");
  CHECK(store.Get(new_news.id)->raw == "raw newsletter 2");
  CHECK(store.Get(dead.id)->raw == "raw dead letter");
  // Still counted, and still found by its key.
  CHECK(store.CountByOutcome("not_a_lead") == 2);
  CHECK(store.Store("news-1@x", "again", "http", now).duplicate);
  auto counts = store.CountByOutcomeAndVia();
  CHECK(counts["not_a_lead"]["http"] == 1);
  CHECK(counts["not_a_lead"]["mailgun"] == 1);
  CHECK(counts["dead_letter"]["http"] == 1);
}

TEST_CASE("dead letters are listed newest first, and a replay takes one off the list",
          "[storage][inbound_email]") {
  auto db = Database::Open(":memory:");
  InboundEmailStore store(db->db());
  auto first = store.Store("a@x", "raw a", "http", kT0);
  auto second = store.Store("b@x", "raw b", "http", kT0 + 1min);
  for (int64_t id : {first.id, second.id}) {
    store.RecordOutcome(id, "dead_letter", "Realtor.com", "no name", std::nullopt, kT0);
  }
  auto listed = store.ListByOutcome("dead_letter", 10);
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == second.id);
  CHECK(listed[0].source == "Realtor.com");
  CHECK(listed[0].why == "no name");
  CHECK(listed[0].attempts == 1);
  CHECK(listed[0].raw.empty());  // a list carries no bodies
  CHECK(store.ListByOutcome("dead_letter", 1).size() == 1);

  CHECK(store.MarkPending(second.id, kT0 + 1h));
  CHECK_FALSE(store.MarkPending(999, kT0 + 1h));
  CHECK(store.ListByOutcome("dead_letter", 10).size() == 1);
  CHECK(store.Get(second.id)->outcome == "pending");
}
