// The jobs a route decision writes, read back the way their executors read
// them: what intake planned for a lead is what the rotation and the owner's
// DM card get.
#include "bot/routing/outbox_plan.h"

#include <catch2/catch.hpp>

#include "bot/routing/round_robin.h"
#include "tests/bot/routing/rotation_test_support.h"

using leadrouter::Assignment;
using leadrouter::AssignRoundRobinJob;
using leadrouter::Config;
using leadrouter::Decode;
using leadrouter::DmLeadCardJob;
using leadrouter::storage::AgentStore;
using leadrouter::storage::Database;
using leadrouter::storage::JobStore;
using leadrouter::testing::AgentSeed;
using leadrouter::testing::IdOf;
using leadrouter::testing::kT0;
using leadrouter::testing::NewLead;
using leadrouter::testing::PendingJobs;
using leadrouter::testing::RotationConfig;

namespace {

const leadrouter::pipeline::RouteDecision kStandard{
    leadrouter::pipeline::RouteKind::kRoundRobin,
    "WARM_BUYER: next agent in the rotation"};

// Runs the lead's pending round-robin job as its executor does and
// returns the reason its owner's DM card gives.
std::string DmReasonAfterAssigning(Database& db, int64_t lead, const Config& config) {
  auto assign = PendingJobs(db, leadrouter::kJobAssignRoundRobin);
  REQUIRE(assign.size() == 1);
  REQUIRE(assign[0].lead_id == lead);
  Assignment a = leadrouter::AssignRoundRobin(
      db, lead, kT0, config,
      leadrouter::ToAssignRequest(Decode<AssignRoundRobinJob>(assign[0].payload)));
  REQUIRE(a.assigned);
  auto dms = PendingJobs(db, leadrouter::kJobDmLeadCard);
  REQUIRE(dms.size() == 1);
  const DmLeadCardJob card = Decode<DmLeadCardJob>(dms[0].payload);
  CHECK(card.agent == a.agent);
  return card.reason;
}

}  // namespace

TEST_CASE("a standard lead's DM card says why it went to the rotation",
          "[bot][outbox_plan]") {
  auto db = Database::Open(":memory:");
  Config config = RotationConfig();
  AgentStore(db->db()).SeedIfEmpty({AgentSeed("Ana"), AgentSeed("Ben")}, kT0);
  const int64_t lead = NewLead(*db, kT0);
  JobStore jobs(db->db());
  for (const auto& job : leadrouter::PlanJobs(kStandard, lead, kT0, config)) {
    jobs.Enqueue(job, kT0);
  }
  CHECK(DmReasonAfterAssigning(*db, lead, config) ==
        "WARM_BUYER: next agent in the rotation; round-robin, turn 1");
}

TEST_CASE("a round-robin job written before its reason had its own key still "
          "gives the DM its reason",
          "[bot][outbox_plan]") {
  auto db = Database::Open(":memory:");
  Config config = RotationConfig();
  AgentStore(db->db()).SeedIfEmpty({AgentSeed("Ana")}, kT0);
  const int64_t lead = NewLead(*db, kT0);
  // The row as intake wrote it then.
  JobStore(db->db()).Enqueue(
      leadrouter::MakeJobRow(leadrouter::kJobAssignRoundRobin, lead,
                          {{"route", "round_robin"}, {"reason", kStandard.reason}},
                          kT0, config),
      kT0);
  CHECK(DmReasonAfterAssigning(*db, lead, config) ==
        "WARM_BUYER: next agent in the rotation; round-robin, turn 1");
  CHECK(leadrouter::storage::LeadStore(db->db()).Get(lead)->owner_slack_id ==
        IdOf("Ana"));
}

TEST_CASE("a returning lead's job starts the reason with its own why",
          "[bot][outbox_plan]") {
  AssignRoundRobinJob returning;
  returning.why = "returning lead";
  returning.returning = true;
  const leadrouter::AssignRequest request = leadrouter::ToAssignRequest(returning);
  CHECK(request.why == "returning lead");
  CHECK(request.returning_lead);
}

TEST_CASE("a job kind shared by several payloads refuses the wrong one",
          "[bot][outbox_plan]") {
  Config config;
  CHECK_THROWS_AS(leadrouter::MakeJob(leadrouter::JobKind::kSlaRemind, 1,
                                      leadrouter::SequenceStepJob{}, kT0, config),
                  std::logic_error);
  const auto row = leadrouter::MakeJob(leadrouter::JobKind::kSequenceSms, 1,
                                       leadrouter::SequenceStepJob{"HOT_BUYER", 0, 5},
                                       kT0, config);
  CHECK(row.kind == "sequence.sms");
  CHECK(row.payload == nlohmann::json{{"segment", "HOT_BUYER"}, {"step", 0}, {"enrolled_ms", 5}});
}
