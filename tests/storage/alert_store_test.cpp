#include "storage/alert_store.h"

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "storage/job_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::AlertGroup;
using leadrouter::storage::AlertStore;
using leadrouter::storage::Database;
using leadrouter::storage::JobStore;
using leadrouter::storage::NewJob;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::TempDbFile;

namespace {

AlertGroup OpenGroup(const std::string& key) {
  AlertGroup g;
  g.key = key;
  g.state.open = true;
  g.state.opened_at = kT0;
  g.state.last_event_at = kT0 + 3min;
  g.state.count = 37;
  g.state.alerted = true;
  g.state.first = "slack.dm_lead_card channel_not_found";
  g.alert_job_id = 12;
  return g;
}

}  // namespace

TEST_CASE("an alert group survives closing and reopening the database file",
          "[storage][alert_store]") {
  TempDbFile file;
  {
    auto db = Database::Open(file.path());
    AlertStore(db->db()).Put(OpenGroup("dead_letters:slack"), kT0 + 3min);
  }
  auto db = Database::Open(file.path());
  AlertStore store(db->db());
  std::optional<AlertGroup> g = store.Get("dead_letters:slack");
  REQUIRE(g);
  CHECK(g->state.open);
  CHECK(g->state.alerted);
  CHECK(g->state.opened_at == kT0);
  CHECK(g->state.last_event_at == kT0 + 3min);
  CHECK(g->state.count == 37);
  CHECK(g->state.first == "slack.dm_lead_card channel_not_found");
  CHECK(g->alert_job_id == 12);
  CHECK_FALSE(g->closed_at);
  CHECK_FALSE(store.Get("crm_unmatched"));
}

TEST_CASE("a closed group keeps its history and leaves the open keys",
          "[storage][alert_store]") {
  auto db = Database::Open(":memory:");
  AlertStore store(db->db());
  store.Put(OpenGroup("slack_connection"), kT0);
  store.Put(OpenGroup("dead_letters:slack"), kT0);
  CHECK(store.OpenKeys() == std::vector<std::string>{"dead_letters:slack", "slack_connection"});

  AlertGroup closed = OpenGroup("dead_letters:slack");
  closed.state.open = false;
  closed.closed_at = kT0 + 14min;
  store.Put(closed, kT0 + 14min);
  CHECK(store.OpenKeys() == std::vector<std::string>{"slack_connection"});
  std::optional<AlertGroup> g = store.Get("dead_letters:slack");
  REQUIRE(g);
  CHECK_FALSE(g->state.open);
  CHECK(g->closed_at == kT0 + 14min);
  CHECK(g->state.count == 37);
}

TEST_CASE("a pending job of a kind is found, a finished one is not",
          "[storage][alert_store]") {
  auto db = Database::Open(":memory:");
  AlertStore store(db->db());
  JobStore jobs(db->db());
  CHECK_FALSE(store.HasPendingJob("ops.volume_watch"));
  NewJob job;
  job.kind = "ops.volume_watch";
  job.due_at = kT0 + 5min;
  const int64_t id = jobs.Enqueue(job, kT0);
  CHECK(store.HasPendingJob("ops.volume_watch"));
  CHECK_FALSE(store.HasPendingJob("ops.volume"));  // the whole kind, not a prefix
  jobs.Complete(id, kT0 + 5min);
  CHECK_FALSE(store.HasPendingJob("ops.volume_watch"));
}
