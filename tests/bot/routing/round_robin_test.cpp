#include "bot/routing/round_robin.h"

#include <catch2/catch.hpp>

#include "bot/routing/outbox_plan.h"
#include "storage/rotation_store.h"
#include "storage/timeline.h"
#include "tests/bot/routing/rotation_test_support.h"

using namespace std::chrono_literals;
using leadrouter::Assignment;
using leadrouter::AssignRequest;
using leadrouter::AssignRoundRobin;
using leadrouter::Config;
using leadrouter::RejoinPolicy;
using leadrouter::SystemTime;
using leadrouter::storage::AgentStore;
using leadrouter::storage::Database;
using leadrouter::storage::LeadStore;
using leadrouter::storage::RotationStore;
using leadrouter::storage::Timeline;
using leadrouter::testing::AgentSeed;
using leadrouter::testing::IdOf;
using leadrouter::testing::kT0;
using leadrouter::testing::NewLead;
using leadrouter::testing::PendingJobs;
using leadrouter::testing::RotationConfig;

namespace {

// The lead's latest routing event: enrolment in a follow-up sequence may
// be recorded after it.
const leadrouter::storage::TimelineEvent& LastRouting(
    const std::vector<leadrouter::storage::TimelineEvent>& events) {
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (it->kind == "assigned" || it->kind == "unassigned") return *it;
  }
  return events.back();
}

// Assigns `n` new leads at `now` and returns the owners' names ("-" when
// nobody), checking that each lead's owner, timeline and DM agree.
std::vector<std::string> AssignLeads(
    Database& db, int n, SystemTime now, const Config& config,
    std::vector<std::string>* reasons = nullptr) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    int64_t lead = NewLead(db, now);
    Assignment a = AssignRoundRobin(db, lead, now, config, AssignRequest{});
    if (reasons) reasons->push_back(a.reason);
    auto stored = LeadStore(db.db()).Get(lead);
    REQUIRE(stored);
    auto events = Timeline(db.db()).List(lead);
    REQUIRE(!events.empty());
    if (!a.assigned) {
      CHECK_FALSE(stored->owner_slack_id);
      CHECK(LastRouting(events).kind == "unassigned");
      names.push_back("-");
      continue;
    }
    CHECK(stored->owner_slack_id == a.agent);
    CHECK(LastRouting(events).kind == "assigned");
    CHECK(LastRouting(events).detail["agent"] == a.agent);
    CHECK(LastRouting(events).detail["reason"] == a.reason);
    auto dms = PendingJobs(db, leadrouter::kJobDmLeadCard);
    REQUIRE(!dms.empty());
    CHECK(dms.back().lead_id == lead);
    CHECK(dms.back().payload ==
          nlohmann::json{{"agent", a.agent}, {"reason", a.reason}});
    names.push_back(AgentStore(db.db()).Get(a.agent)->name);
  }
  return names;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

int TodayCount(Database& db, const std::string& name, const std::string& day) {
  return RotationStore(db.db()).CountOn(IdOf(name), day);
}

}  // namespace

TEST_CASE(
    "weighted round robin over 30 leads with a paused agent, one at cap and "
    "one out of hours, checked turn by turn",
    "[bot][round_robin]") {
  auto db = Database::Open(":memory:");
  Config config = RotationConfig();
  auto dee = AgentSeed("Dee");
  dee.timezone = "Asia/Tokyo";  // 07:07 on Sunday there
  dee.work_start_minute = 9 * 60;
  dee.work_end_minute = 17 * 60;
  AgentStore agents(db->db());
  agents.SeedIfEmpty({AgentSeed("Ana", 2), AgentSeed("Ben"),
                      AgentSeed("Cy", 1, 3), dee, AgentSeed("Eve")},
                     kT0);
  agents.Pause(IdOf("Ben"), std::nullopt);

  std::vector<std::string> reasons;
  std::vector<std::string> got = AssignLeads(*db, 30, kT0, config, &reasons);
  std::vector<std::string> want = Split(
      "Ana Ana Cy Eve Ana Ana Cy Eve Ana Ana Cy Eve "
      "Ana Ana Eve Ana Ana Eve Ana Ana Eve Ana Ana Eve Ana Ana Eve Ana Ana "
      "Eve");
  REQUIRE(got.size() == want.size());
  for (size_t turn = 0; turn < want.size(); ++turn) {
    INFO("turn " << turn + 1 << ": " << reasons[turn]);
    CHECK(got[turn] == want[turn]);
  }
  CHECK(reasons[2] == "round-robin, turn 3; skipped Ben: paused");
  CHECK(
      reasons[3] ==
      "round-robin, turn 4; skipped Dee: outside working hours (09:00-17:00)");
  CHECK(reasons[14] ==
        "round-robin, turn 15; skipped Ben: paused, Cy: at daily cap (3/3), "
        "Dee: outside working hours (09:00-17:00)");
  CHECK(TodayCount(*db, "Ana", "2026-03-14") == 18);
  CHECK(TodayCount(*db, "Cy", "2026-03-14") == 3);
  CHECK(TodayCount(*db, "Eve", "2026-03-14") == 9);
  CHECK(RotationStore(db->db()).Load().turn == 30);
  CHECK(PendingJobs(*db, leadrouter::kJobDmLeadCard).size() == 30);
}

TEST_CASE("the daily cap resets at the team's midnight, not at UTC's",
          "[bot][round_robin]") {
  auto db = Database::Open(":memory:");
  Config config = RotationConfig();
  AgentStore(db->db()).SeedIfEmpty({AgentSeed("Cy", 1, 1)}, kT0);

  CHECK(AssignLeads(*db, 2, kT0, config) == Split("Cy -"));
  // 00:07 UTC on the 15th is still 20:07 on the 14th in New York.
  CHECK(AssignLeads(*db, 1, kT0 + 2h, config) == Split("-"));
  // 23:59:59 EDT, then the team's midnight (04:00 UTC).
  SystemTime midnight{std::chrono::seconds(1773547200)};
  CHECK(AssignLeads(*db, 1, midnight - 1s, config) == Split("-"));
  CHECK(AssignLeads(*db, 2, midnight, config) == Split("Cy -"));
  CHECK(TodayCount(*db, "Cy", "2026-03-14") == 1);
  CHECK(TodayCount(*db, "Cy", "2026-03-15") == 1);
}

TEST_CASE("a pause with an end is over at that end", "[bot][round_robin]") {
  auto db = Database::Open(":memory:");
  Config config = RotationConfig();
  AgentStore agents(db->db());
  agents.SeedIfEmpty({AgentSeed("Ana"), AgentSeed("Ben")}, kT0);
  agents.Pause(IdOf("Ana"), kT0 + 1h);

  std::vector<std::string> reasons;
  CHECK(AssignLeads(*db, 2, kT0 + 59min, config, &reasons) == Split("Ben Ben"));
  CHECK(reasons[0] == "round-robin, turn 1; skipped Ana: paused");
  CHECK(AssignLeads(*db, 2, kT0 + 1h, config) == Split("Ana Ben"));
  CHECK_FALSE(agents.Get(IdOf("Ana"))->paused);
}

TEST_CASE(
    "a resumed agent keeps their place or joins the back, never with a "
    "burst",
    "[bot][round_robin]") {
  auto run = [](RejoinPolicy policy) {
    auto db = Database::Open(":memory:");
    Config config = RotationConfig(policy);
    AgentStore agents(db->db());
    agents.SeedIfEmpty(
        {AgentSeed("Ana"), AgentSeed("Ben"), AgentSeed("Cy"), AgentSeed("Dee")},
        kT0);
    agents.Pause(IdOf("Ben"), std::nullopt);
    CHECK(AssignLeads(*db, 7, kT0, config) ==
          Split("Ana Cy Dee Ana Cy Dee Ana"));
    REQUIRE(leadrouter::ResumeAgent(*db, IdOf("Ben"), config));
    CHECK_FALSE(agents.Get(IdOf("Ben"))->paused);
    return AssignLeads(*db, 8, kT0, config);
  };
  SECTION("old place: Ben's place after Ana comes up next") {
    CHECK(run(RejoinPolicy::kOldPlace) ==
          Split("Ben Cy Dee Ana Ben Cy Dee Ana"));
  }
  SECTION("back: Ben waits behind everyone but Ana, who just had a turn") {
    CHECK(run(RejoinPolicy::kBack) == Split("Cy Dee Ben Ana Cy Dee Ben Ana"));
  }
}

TEST_CASE(
    "a returning lead goes back to its previous owner, or to the "
    "rotation when that owner is paused",
    "[bot][round_robin]") {
  auto db = Database::Open(":memory:");
  Config config = RotationConfig();
  AgentStore agents(db->db());
  agents.SeedIfEmpty({AgentSeed("Ana"), AgentSeed("Ben"), AgentSeed("Cy")},
                     kT0);
  int64_t lead = NewLead(*db, kT0);
  LeadStore(db->db()).SetOwner(lead, IdOf("Cy"), kT0);
  AssignRequest returning{"round-robin", true};

  Assignment a = AssignRoundRobin(*db, lead, kT0 + 1h, config, returning);
  CHECK(a.assigned);
  CHECK(a.agent == IdOf("Cy"));
  CHECK(a.reason == "returning lead, back to its previous owner Cy");
  CHECK(RotationStore(db->db()).Load().turn == 0);  // not a rotation turn
  CHECK(TodayCount(*db, "Cy", "2026-03-14") == 1);

  agents.Pause(IdOf("Cy"), std::nullopt);
  a = AssignRoundRobin(*db, lead, kT0 + 2h, config, returning);
  CHECK(a.agent == IdOf("Ana"));
  CHECK(a.reason ==
        "returning lead, previous owner Cy paused; round-robin, turn 1");
  CHECK(LeadStore(db->db()).Get(lead)->owner_slack_id == IdOf("Ana"));
  CHECK(Timeline(db->db()).List(lead).back().detail["reason"] == a.reason);

  SECTION("a new lead never goes to a previous owner") {
    int64_t other = NewLead(*db, kT0);
    LeadStore(db->db()).SetOwner(other, IdOf("Ana"), kT0);
    CHECK(
        AssignRoundRobin(*db, other, kT0 + 2h, config, AssignRequest{}).agent ==
        IdOf("Ben"));
  }
}

TEST_CASE("nobody available sends the lead to triage with every reason",
          "[bot][round_robin]") {
  auto db = Database::Open(":memory:");
  Config config = RotationConfig();
  AgentStore agents(db->db());
  auto ben = AgentSeed("Ben");
  ben.work_start_minute = 9 * 60;
  ben.work_end_minute = 17 * 60;
  agents.SeedIfEmpty({AgentSeed("Ana"), ben}, kT0);
  agents.Pause(IdOf("Ana"), std::nullopt);

  int64_t lead = NewLead(*db, kT0);
  Assignment a =
      AssignRoundRobin(*db, lead, kT0, config, AssignRequest{"claim timeout"});
  CHECK_FALSE(a.assigned);
  CHECK(a.reason ==
        "nobody available: Ana: paused, Ben: outside working hours "
        "(09:00-17:00)");
  CHECK_FALSE(LeadStore(db->db()).Get(lead)->owner_slack_id);
  auto triage = PendingJobs(*db, leadrouter::kJobPostTriage);
  REQUIRE(triage.size() == 1);
  CHECK(triage[0].lead_id == lead);
  CHECK(triage[0].payload == nlohmann::json{{"reason", a.reason}});
  CHECK(PendingJobs(*db, leadrouter::kJobDmLeadCard).empty());
  auto events = Timeline(db->db()).List(lead);
  CHECK(LastRouting(events).kind == "unassigned");
  CHECK(LastRouting(events).detail["reason"] == a.reason);
  CHECK(RotationStore(db->db()).Load().turn == 0);
}

TEST_CASE("the rotation continues where it stopped after a restart",
          "[bot][round_robin]") {
  leadrouter::storage::testing::TempDbFile file;
  Config config = RotationConfig();
  {
    auto db = Database::Open(file.path());
    AgentStore(db->db()).SeedIfEmpty({AgentSeed("Ana", 2), AgentSeed("Ben")},
                                     kT0);
    CHECK(AssignLeads(*db, 4, kT0, config) == Split("Ana Ana Ben Ana"));
  }
  auto db = Database::Open(file.path());
  CHECK(AssignLeads(*db, 3, kT0 + 1min, config) == Split("Ana Ben Ana"));
  CHECK(RotationStore(db->db()).Load().turn == 7);
}

TEST_CASE("a shark-tank claim counts toward the claimer's cap",
          "[bot][round_robin]") {
  auto db = Database::Open(":memory:");
  Config config = RotationConfig();
  AgentStore(db->db()).SeedIfEmpty({AgentSeed("Ana", 1, 1), AgentSeed("Ben")},
                                   kT0);
  leadrouter::CountAssignment(*db, IdOf("Ana"), kT0, config);
  leadrouter::CountAssignment(*db, "U0NOTANAGENT", kT0, config);  // ignored
  CHECK(TodayCount(*db, "Ana", "2026-03-14") == 1);
  std::vector<std::string> reasons;
  CHECK(AssignLeads(*db, 1, kT0, config, &reasons) == Split("Ben"));
  CHECK(reasons[0] == "round-robin, turn 1; skipped Ana: at daily cap (1/1)");
}

TEST_CASE("only active rotation members may claim, unless claims are open",
          "[bot][round_robin]") {
  auto db = Database::Open(":memory:");
  Config config = RotationConfig();
  AgentStore agents(db->db());
  agents.SeedIfEmpty({AgentSeed("Ana"), AgentSeed("Ben"), AgentSeed("Cy")},
                     kT0);
  agents.Deactivate(IdOf("Ben"));
  agents.Pause(IdOf("Cy"), std::nullopt);
  CHECK(leadrouter::MayClaim(*db, IdOf("Ana"), config));
  CHECK(leadrouter::MayClaim(*db, IdOf("Cy"), config));
  CHECK_FALSE(leadrouter::MayClaim(*db, IdOf("Ben"), config));
  CHECK_FALSE(leadrouter::MayClaim(*db, "U0123OUTSIDER", config));
  config.rotation.claim_requires_rotation = false;
  CHECK(leadrouter::MayClaim(*db, "U0123OUTSIDER", config));
}

TEST_CASE("an unknown lead is refused and nothing is written",
          "[bot][round_robin]") {
  auto db = Database::Open(":memory:");
  Config config = RotationConfig();
  AgentStore(db->db()).SeedIfEmpty({AgentSeed("Ana")}, kT0);
  Assignment a = AssignRoundRobin(*db, 404, kT0, config, AssignRequest{});
  CHECK_FALSE(a.assigned);
  CHECK(a.reason == "lead 404 does not exist");
  CHECK(PendingJobs(*db, leadrouter::kJobPostTriage).empty());
  CHECK(RotationStore(db->db()).Load().turn == 0);
}
