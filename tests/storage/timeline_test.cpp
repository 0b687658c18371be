#include "storage/timeline.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "storage/lead_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Database;
using leadrouter::storage::LeadStore;
using leadrouter::storage::Timeline;
using leadrouter::storage::TimelineEvent;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;

TEST_CASE("a lead's timeline lists events by time, then in insertion order",
          "[storage][timeline]") {
  auto db = Database::Open(":memory:");
  int64_t lead = LeadStore(db->db())
                     .Intake(LeadWithEmail("dana@example.com", "x"), kT0, 24h)
                     .lead_id;
  int64_t other = LeadStore(db->db())
                      .Intake(LeadWithEmail("sam@example.com", "y"), kT0, 24h)
                      .lead_id;
  Timeline timeline(db->db());
  timeline.AppendRaw(lead, kT0 + 40s, "claimed", {{"by", "U0123ANA"}});
  timeline.AppendRaw(lead, kT0 + 5s, "routed", {{"route", "shark_tank"}});
  timeline.AppendRaw(lead, kT0 + 5s, "posted", {{"channel", "C0123SHARK"}});
  timeline.AppendRaw(other, kT0 + 1s, "routed");

  std::vector<TimelineEvent> events = timeline.List(lead);
  std::vector<std::string> kinds;
  for (const TimelineEvent& e : events) kinds.push_back(e.kind);
  CHECK(kinds ==
        std::vector<std::string>{"received", "routed", "posted", "claimed"});
  CHECK(events[3].at == kT0 + 40s);
  CHECK(events[3].detail == nlohmann::json{{"by", "U0123ANA"}});
  CHECK(events[3].lead_id == lead);
  CHECK(timeline.List(other).size() == 2);
  CHECK(timeline.List(other).back().detail == nlohmann::json::object());
}

TEST_CASE("an event for an unknown lead is refused", "[storage][timeline]") {
  auto db = Database::Open(":memory:");
  CHECK_THROWS_AS(Timeline(db->db()).AppendRaw(99, kT0, "routed"),
                  SQLite::Exception);
  CHECK(Timeline(db->db()).List(99).empty());
}
