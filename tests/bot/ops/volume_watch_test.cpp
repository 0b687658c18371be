#include "bot/ops/volume_watch.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "bot/routing/outbox_plan.h"
#include "bot/runtime/storage_writer.h"
#include "bot/runtime/time_zone.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "tests/storage/storage_test_support.h"
#include "tests/support/fake_clock.h"

using namespace std::chrono_literals;
using Catch::Matchers::StartsWith;
using leadrouter::Config;
using leadrouter::RunVolumeWatch;
using leadrouter::SystemTime;
using leadrouter::storage::Database;
using leadrouter::storage::Job;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;

namespace {

constexpr char kZone[] = "America/New_York";

Config WatchConfig(int days = 0x7F) {
  Config c;
  c.slack.ops_channel = "C0123OPS";
  c.rotation.timezone = kZone;
  leadrouter::VolumeWatchConfig w;
  w.source = "Zillow Premier";
  w.silence = 3h;
  w.start_minute = 8 * 60;
  w.end_minute = 20 * 60;
  w.days = days;
  c.volume_watch = {w};
  return c;
}

// `date` at hh:mm in New York (EDT in these tests: DST began 2026-03-08).
SystemTime Local(const std::string& date, int hour, int minute = 0) {
  return *leadrouter::FromLocal(date, hour * 60 + minute, kZone);
}

void AddLead(Database& db, const std::string& source, SystemTime at) {
  static int n = 0;
  auto lead = leadrouter::storage::testing::LeadWithEmail(
      "watch" + std::to_string(++n) + "@example.com", "hello");
  lead.source = source;
  leadrouter::storage::LeadStore(db.db()).Intake(lead, at, 1s);
}

std::vector<Job> Pending(Database& db, const std::string& kind) {
  std::vector<Job> out;
  for (Job& j : JobStore(db.db()).List(JobState::kPending, 10000)) {
    if (j.kind == kind) out.push_back(std::move(j));
  }
  std::sort(out.begin(), out.end(), [](const Job& a, const Job& b) { return a.id < b.id; });
  return out;
}

std::vector<Job> Alerts(Database& db) { return Pending(db, leadrouter::kJobOpsAlert); }

std::string Detail(const Job& j) { return j.payload.value("detail", std::string()); }

}  // namespace

TEST_CASE("a source silent in business hours alerts once with its usual rate, recovers on "
          "its next lead and is watched again",
          "[bot][volume_watch]") {
  auto db = Database::Open(":memory:");
  const Config config = WatchConfig();
  // Wednesday 2026-03-18 14:30: a lead every half hour of business hours
  // (08:00-20:00) for the week before, the last at 11:30.
  const SystemTime now = Local("2026-03-18", 14, 30);
  int sent = 0;
  for (int day = 11; day <= 18; ++day) {
    for (int half = 16; half < 40; ++half) {
      const SystemTime at = Local("2026-03-" + std::to_string(day), half / 2, (half % 2) * 30);
      if (at < now - 24h * 7 || at > Local("2026-03-18", 11, 30)) continue;
      AddLead(*db, "Zillow Premier", at);
      ++sent;
    }
  }
  AddLead(*db, "Website", now - 10min);  // another source says nothing
  // 163 leads in the 84 business hours of the last 7 days: 1.94 an hour.
  REQUIRE(sent == 163);

  CHECK(RunVolumeWatch(*db, now - 5min, config).alerts == 0);
  CHECK(Alerts(*db).empty());

  CHECK(RunVolumeWatch(*db, now, config).alerts == 1);
  std::vector<Job> alerts = Alerts(*db);
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].payload["title"] == "Lead volume stopped: Zillow Premier");
  CHECK_THAT(Detail(alerts[0]),
             StartsWith("no leads from Zillow Premier for 3 h; usual rate is 1.9/h"));

  // Still silent an hour later: no second alert.
  CHECK(RunVolumeWatch(*db, now + 1h, config).alerts == 0);
  CHECK(Alerts(*db).size() == 1);

  AddLead(*db, "zillow premier", Local("2026-03-18", 15, 40));
  CHECK(RunVolumeWatch(*db, now + 1h + 15min, config).recoveries == 1);
  alerts = Alerts(*db);
  REQUIRE(alerts.size() == 2);
  CHECK(alerts[1].payload["title"] == "Lead volume back: Zillow Premier");
  CHECK(Detail(alerts[1]) == "leads from Zillow Premier again after 4 h 10 min");

  // Re-armed: quiet while leads are recent, one new alert after 3 h more.
  RunVolumeWatch(*db, now + 1h + 20min, config);
  CHECK(Alerts(*db).size() == 2);
  CHECK(RunVolumeWatch(*db, Local("2026-03-18", 18, 40), config).alerts == 1);
  CHECK(Alerts(*db).size() == 3);
}

TEST_CASE("a silence outside business hours is not alerted until they begin",
          "[bot][volume_watch]") {
  auto db = Database::Open(":memory:");
  AddLead(*db, "Zillow Premier", Local("2026-03-18", 16));
  SECTION("after hours and before they open") {
    const Config config = WatchConfig();
    CHECK(RunVolumeWatch(*db, Local("2026-03-18", 21), config).alerts == 0);
    CHECK(RunVolumeWatch(*db, Local("2026-03-19", 7, 55), config).alerts == 0);
    CHECK(Alerts(*db).empty());
    CHECK(RunVolumeWatch(*db, Local("2026-03-19", 8), config).alerts == 1);
    CHECK_THAT(Detail(Alerts(*db).at(0)),
               StartsWith("no leads from Zillow Premier for 16 h;"));
  }
  SECTION("on a day that is not a business day") {
    constexpr int kMonToFri = 0b0111110;
    const Config config = WatchConfig(kMonToFri);
    // Friday 16:00 to Saturday noon.
    AddLead(*db, "Zillow Premier", Local("2026-03-20", 16));
    CHECK(RunVolumeWatch(*db, Local("2026-03-21", 12), config).alerts == 0);
    CHECK(Alerts(*db).empty());
  }
}

TEST_CASE("a source that never sent a lead is not alerted", "[bot][volume_watch]") {
  auto db = Database::Open(":memory:");
  CHECK(RunVolumeWatch(*db, Local("2026-03-18", 12), WatchConfig()).alerts == 0);
  CHECK(Alerts(*db).empty());
}

TEST_CASE("the watch writes its own next check once, five minutes on",
          "[bot][volume_watch]") {
  auto db = Database::Open(":memory:");
  const Config config = WatchConfig();
  const SystemTime now = Local("2026-03-18", 12);
  CHECK(leadrouter::ScheduleVolumeWatch(*db, now, config));
  CHECK_FALSE(leadrouter::ScheduleVolumeWatch(*db, now, config));
  // The check that was due runs (claimed: no longer pending) and writes
  // its successor; run twice (a crash before it was marked done), it
  // still leaves one.
  REQUIRE(JobStore(db->db()).ClaimDue(now, {leadrouter::kJobVolumeWatch}, 10).size() == 1);
  RunVolumeWatch(*db, now, config);
  RunVolumeWatch(*db, now, config);
  std::vector<Job> next = Pending(*db, leadrouter::kJobVolumeWatch);
  REQUIRE(next.size() == 1);
  CHECK(next[0].due_at == now + 5min);
}

TEST_CASE("the volume watch job runs on the runner and follows a moved clock",
          "[bot][volume_watch]") {
  boost::asio::io_context loop;
  const Config config = WatchConfig();
  leadrouter::testing::FakeClock clock(Local("2026-03-18", 12));
  leadrouter::StorageWriter writer(loop, Database::Open(":memory:"));
  leadrouter::JobRunnerOptions options;
  options.outside_commit_check = 0ms;
  leadrouter::JobRunner runner(loop, writer, clock, options);
  leadrouter::VolumeWatch watch(writer, runner, config, clock);
  auto alerts = [&] {
    std::optional<size_t> n;
    writer.Call<size_t>([](Database& db) { return Alerts(db).size(); },
                        [&](leadrouter::Result<size_t> r) { n = r.value(); });
    while (!n) {
      loop.restart();
      loop.run_for(1ms);
    }
    return *n;
  };
  // Writer round trips until the runner has been idle for several: each
  // lets the claim, the check and its commit move one hop.
  auto settle = [&] {
    for (int idle = 0; idle < 6;) {
      alerts();
      idle = runner.in_flight() == 0 ? idle + 1 : 0;
    }
  };
  const SystemTime last = clock.Now() - 1h;
  writer.Submit([last](Database& db) { AddLead(db, "Zillow Premier", last); },
                [](const std::string&) {});
  watch.Start();
  runner.Start();
  settle();
  CHECK(alerts() == 0);
  clock.Advance(2h);  // the next check is due; nothing ran in between
  runner.Wake();
  settle();
  CHECK(alerts() == 1);
  runner.Stop();
  writer.Stop();
}
