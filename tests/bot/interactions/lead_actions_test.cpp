#include "bot/interactions/lead_actions.h"

#include <catch2/catch.hpp>

#include "bot/routing/outbox_plan.h"
#include "storage/agent_store.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using leadrouter::ApplyClaim;
using leadrouter::ApplyMarkContacted;
using leadrouter::Click;
using leadrouter::Config;
using leadrouter::storage::AgentSeed;
using leadrouter::storage::AgentStore;
using leadrouter::storage::Database;
using leadrouter::storage::Job;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::LeadStore;
using leadrouter::storage::Timeline;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;

namespace {

constexpr char kAna[] = "U0123ANA";
constexpr char kBen[] = "U0123BEN";
constexpr char kStranger[] = "U0123ZED";
constexpr char kManager[] = "U0123MGR";

struct Fixture {
  Fixture() : db(Database::Open(":memory:")) {
    config.rotation.timezone = "UTC";
    config.slack.managers = {kManager};
    AgentSeed ana, ben;
    ana.slack_id = kAna;
    ana.name = "Ana";
    ben.slack_id = kBen;
    ben.name = "Ben";
    AgentStore(db->db()).SeedIfEmpty({ana, ben}, kT0);
    lead_id = LeadStore(db->db())
                  .Intake(LeadWithEmail("dana@example.com", "Dana"), kT0, 24h)
                  .lead_id;
  }
  Click ClickBy(const std::string& user, std::string value = "") const {
    return {user, "C0123SHARK", "1700000000.000100",
            value.empty() ? std::to_string(lead_id) : value};
  }
  std::vector<Job> Pending(const std::string& kind) {
    std::vector<Job> out;
    for (Job& j : JobStore(db->db()).List(JobState::kPending, 100)) {
      if (j.kind == kind) out.push_back(std::move(j));
    }
    return out;
  }
  std::string LastEphemeralText() {
    auto jobs = Pending(leadrouter::kJobEphemeral);
    return jobs.empty() ? "" : jobs.back().payload.value("text", "");
  }

  std::unique_ptr<Database> db;
  Config config;
  int64_t lead_id = 0;
};

}  // namespace

TEST_CASE("the first claim wins, updates the post and DMs the winner",
          "[bot][handlers][claim]") {
  Fixture f;
  ApplyClaim(*f.db, f.ClickBy(kAna), kT0 + 37s, f.config);

  auto lead = LeadStore(f.db->db()).Get(f.lead_id);
  REQUIRE(lead->owner_slack_id == std::string(kAna));
  CHECK(f.Pending(leadrouter::kJobUpdateLeadPost).size() == 1);
  auto dms = f.Pending(leadrouter::kJobDmLeadCard);
  REQUIRE(dms.size() == 1);
  CHECK(dms[0].payload["agent"] == kAna);
  CHECK_THAT(dms[0].payload["reason"].get<std::string>(), Contains("37 s"));
  auto events = Timeline(f.db->db()).List(f.lead_id);
  CHECK(events.back().kind == "claimed");
  CHECK(events.back().detail["latency_s"] == 37);

  SECTION("a later clicker is told who owns it, and nothing else changes") {
    ApplyClaim(*f.db, f.ClickBy(kBen), kT0 + 38s, f.config);
    CHECK(LeadStore(f.db->db()).Get(f.lead_id)->owner_slack_id == std::string(kAna));
    CHECK_THAT(f.LastEphemeralText(), Contains("already claimed by <@U0123ANA>"));
    CHECK(f.Pending(leadrouter::kJobEphemeral)[0].payload["user"] == kBen);
    CHECK(f.Pending(leadrouter::kJobDmLeadCard).size() == 1);
  }
  SECTION("the winner clicking again is harmless") {
    ApplyClaim(*f.db, f.ClickBy(kAna), kT0 + 39s, f.config);
    CHECK_THAT(f.LastEphemeralText(), Contains("already own"));
    CHECK(f.Pending(leadrouter::kJobDmLeadCard).size() == 1);
    CHECK(f.Pending(leadrouter::kJobUpdateLeadPost).size() == 1);
  }
}

TEST_CASE("a claim that cannot be honoured says why", "[bot][handlers][claim]") {
  Fixture f;
  SECTION("an unknown lead") {
    ApplyClaim(*f.db, f.ClickBy(kAna, "999"), kT0, f.config);
    CHECK_THAT(f.LastEphemeralText(), Contains("can't find that lead"));
    CHECK(f.Pending(leadrouter::kJobDmLeadCard).empty());
  }
  SECTION("a value that is not a lead id") {
    ApplyClaim(*f.db, f.ClickBy(kAna, "lead-1; drop"), kT0, f.config);
    CHECK_THAT(f.LastEphemeralText(), Contains("can't find that lead"));
    CHECK(f.Pending(leadrouter::kJobDmLeadCard).empty());
  }
  SECTION("someone outside the rotation") {
    ApplyClaim(*f.db, f.ClickBy(kStranger), kT0, f.config);
    CHECK_THAT(f.LastEphemeralText(), Contains("Only agents in the rotation"));
    CHECK_FALSE(LeadStore(f.db->db()).Get(f.lead_id)->owner_slack_id);
    CHECK(f.Pending(leadrouter::kJobDmLeadCard).empty());
  }
  SECTION("anyone may claim when the rotation is not required") {
    f.config.rotation.claim_requires_rotation = false;
    ApplyClaim(*f.db, f.ClickBy(kStranger), kT0, f.config);
    CHECK(LeadStore(f.db->db()).Get(f.lead_id)->owner_slack_id == std::string(kStranger));
  }
  SECTION("a lead the CRM took over") {
    LeadStore(f.db->db()).MarkTakenOver(f.lead_id, kT0);
    ApplyClaim(*f.db, f.ClickBy(kAna), kT0, f.config);
    CHECK_THAT(f.LastEphemeralText(), Contains("handled in the CRM"));
    CHECK_FALSE(LeadStore(f.db->db()).Get(f.lead_id)->owner_slack_id);
    CHECK(f.Pending(leadrouter::kJobDmLeadCard).empty());
  }
}

TEST_CASE("mark contacted is for the owner or a manager", "[bot][handlers][contacted]") {
  Fixture f;
  ApplyClaim(*f.db, f.ClickBy(kAna), kT0, f.config);
  SECTION("the owner records first contact once") {
    ApplyMarkContacted(*f.db, f.ClickBy(kAna), kT0 + 4min, f.config);
    auto lead = LeadStore(f.db->db()).Get(f.lead_id);
    REQUIRE(lead->contacted_at);
    CHECK(*lead->contacted_at == kT0 + 4min);
    CHECK_THAT(f.LastEphemeralText(), Contains("4 min after it arrived"));
    ApplyMarkContacted(*f.db, f.ClickBy(kAna), kT0 + 9min, f.config);
    CHECK(*LeadStore(f.db->db()).Get(f.lead_id)->contacted_at == kT0 + 4min);
    CHECK_THAT(f.LastEphemeralText(), Contains("already marked"));
  }
  SECTION("another agent is told who owns it") {
    ApplyMarkContacted(*f.db, f.ClickBy(kBen), kT0 + 4min, f.config);
    CHECK_FALSE(LeadStore(f.db->db()).Get(f.lead_id)->contacted_at);
    CHECK_THAT(f.LastEphemeralText(), Contains("<@U0123ANA>"));
  }
  SECTION("a manager may mark it") {
    ApplyMarkContacted(*f.db, f.ClickBy(kManager), kT0 + 4min, f.config);
    CHECK(LeadStore(f.db->db()).Get(f.lead_id)->contacted_at);
  }
}
