// The intake transaction on a real SQLite database, without HTTP: what a
// front door's 202 promises is what the database holds after it.
#include "bot/intake/accept_lead.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "bot/routing/outbox_plan.h"
#include "pipeline/process.h"
#include "storage/database.h"
#include "storage/follow_up_store.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

using namespace std::chrono_literals;
using leadrouter::AcceptedLead;
using leadrouter::Config;
using leadrouter::IdempotencyClaim;
using leadrouter::SystemTime;
using leadrouter::storage::Database;
using leadrouter::storage::Job;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::LeadStore;
using leadrouter::storage::Timeline;
using leadrouter::storage::TimelineEvent;
using json = nlohmann::json;

namespace {

const SystemTime kT0{std::chrono::seconds(1773526061)};

std::string FixtureText(const std::string& name) {
  std::ifstream in(std::string(LEADROUTER_FIXTURES_DIR) + "/" + name);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Intake {
  Intake() : db(Database::Open(":memory:")) {}

  // Takes `body` in at `at` the way the storage writer runs it: one
  // transaction around AcceptLead.
  AcceptedLead Accept(const std::string& body, SystemTime at = kT0,
                      std::optional<IdempotencyClaim> key = std::nullopt) {
    auto lead = leadrouter::pipeline::ProcessBody(body, config.rules, at);
    REQUIRE(lead.ok());
    SQLite::Transaction tx(db->db());
    AcceptedLead out = leadrouter::AcceptLead(*db, lead.value(), key, at, config);
    tx.commit();
    return out;
  }

  std::vector<Job> Pending(const std::string& kind) {
    std::vector<Job> out;
    for (Job& j : JobStore(db->db()).List(JobState::kPending, 1000)) {
      if (j.kind == kind) out.push_back(std::move(j));
    }
    return out;
  }

  std::optional<TimelineEvent> Event(int64_t lead, const std::string& kind) {
    for (TimelineEvent& e : Timeline(db->db()).List(lead)) {
      if (e.kind == kind) return e;
    }
    return std::nullopt;
  }

  int64_t Leads() { return db->db().execAndGet("SELECT COUNT(*) FROM leads").getInt64(); }
  int64_t Jobs() { return db->db().execAndGet("SELECT COUNT(*) FROM jobs").getInt64(); }

  std::unique_ptr<Database> db;
  Config config;
};

}  // namespace

TEST_CASE("a new hot lead is stored, routed on its timeline and given its jobs",
          "[bot][accept_lead]") {
  Intake in;
  const AcceptedLead a = in.Accept(FixtureText("portal-nested.json"));
  CHECK(a.status == 202);
  CHECK_FALSE(a.duplicate);
  CHECK_FALSE(a.replayed);
  CHECK(json::parse(a.body) ==
        json{{"lead_id", a.lead_id}, {"status", "accepted"}, {"duplicate_of", nullptr}});
  auto stored = LeadStore(in.db->db()).Get(a.lead_id);
  REQUIRE(stored);
  CHECK(stored->segment == "HOT_BUYER");
  CHECK_FALSE(stored->owner_slack_id);

  CHECK(a.route == "shark_tank");
  auto routed = in.Event(a.lead_id, "routed");
  REQUIRE(routed);
  CHECK(routed->detail["route"] == "shark_tank");
  CHECK_THAT(routed->detail["reason"].get<std::string>(), Catch::StartsWith("HOT_BUYER"));

  auto post = in.Pending(leadrouter::kJobPostSharkTank);
  auto timeout = in.Pending(leadrouter::kJobClaimTimeout);
  REQUIRE(post.size() == 1);
  REQUIRE(timeout.size() == 1);
  CHECK(post[0].lead_id == a.lead_id);
  CHECK(post[0].due_at == kT0);
  CHECK(timeout[0].due_at == kT0 + in.config.slack.claim_timeout);
  CHECK(a.jobs_written == 2);
  CHECK(in.Jobs() == 2);
}

TEST_CASE("a new standard lead's rotation job carries the reason on its timeline",
          "[bot][accept_lead]") {
  Intake in;
  const AcceptedLead a = in.Accept(FixtureText("webform-standard.json"));
  CHECK(a.route == "round_robin");
  auto routed = in.Event(a.lead_id, "routed");
  REQUIRE(routed);
  auto assign = in.Pending(leadrouter::kJobAssignRoundRobin);
  REQUIRE(assign.size() == 1);
  const auto job = leadrouter::Decode<leadrouter::AssignRoundRobinJob>(assign[0].payload);
  CHECK(job.route_reason == routed->detail["reason"].get<std::string>());
  CHECK_FALSE(job.returning);
}

TEST_CASE("a repeat inquiry within the dedupe window merges into the first lead",
          "[bot][accept_lead]") {
  Intake in;
  const std::string body = FixtureText("webform-standard.json");
  const AcceptedLead first = in.Accept(body);
  const size_t assign_jobs = in.Pending(leadrouter::kJobAssignRoundRobin).size();

  SECTION("without an owner yet, it waits for the first route") {
    const AcceptedLead again = in.Accept(body, kT0 + 1h);
    CHECK(again.status == 202);
    CHECK(again.duplicate);
    CHECK(again.lead_id == first.lead_id);
    CHECK(json::parse(again.body) == json{{"lead_id", first.lead_id},
                                          {"status", "duplicate"},
                                          {"duplicate_of", first.lead_id}});
    CHECK(in.Leads() == 1);
    CHECK(in.Event(first.lead_id, "duplicate"));
    CHECK(again.jobs_written == 0);
    CHECK(in.Pending(leadrouter::kJobAssignRoundRobin).size() == assign_jobs);
  }

  SECTION("with an owner, it goes back to the rotation as a returning lead") {
    REQUIRE(LeadStore(in.db->db()).SetOwner(first.lead_id, "U0123ANA", kT0 + 1min));
    const AcceptedLead again = in.Accept(body, kT0 + 1h);
    CHECK(again.duplicate);
    CHECK(again.lead_id == first.lead_id);
    CHECK(in.Leads() == 1);
    CHECK(again.jobs_written == 1);
    auto assign = in.Pending(leadrouter::kJobAssignRoundRobin);
    REQUIRE(assign.size() == assign_jobs + 1);
    CHECK(assign.back().lead_id == first.lead_id);
    CHECK(leadrouter::Decode<leadrouter::AssignRoundRobinJob>(assign.back().payload) ==
          leadrouter::AssignRoundRobinJob{"", "returning lead", true});
  }

  SECTION("after the window it is a new lead") {
    const AcceptedLead later =
        in.Accept(body, kT0 + in.config.storage.dedupe_window + 1h);
    CHECK_FALSE(later.duplicate);
    CHECK(later.lead_id != first.lead_id);
    CHECK(in.Leads() == 2);
  }
}

TEST_CASE("an idempotency key replayed answers the same; with another body, 422",
          "[bot][accept_lead]") {
  Intake in;
  const std::string body = FixtureText("webform-standard.json");
  const IdempotencyClaim key{"/v1/leads", "key-7", "hash-of-body-1"};
  const AcceptedLead first = in.Accept(body, kT0, key);
  REQUIRE(first.status == 202);
  const int64_t jobs = in.Jobs();

  const AcceptedLead replay = in.Accept(body, kT0 + 1min, key);
  CHECK(replay.replayed);
  CHECK(replay.status == 202);
  CHECK(replay.body == first.body);
  CHECK(in.Leads() == 1);
  CHECK(in.Jobs() == jobs);
  CHECK_FALSE(in.Event(first.lead_id, "duplicate"));

  const IdempotencyClaim other_body{"/v1/leads", "key-7", "hash-of-body-2"};
  const AcceptedLead refused = in.Accept(body, kT0 + 2min, other_body);
  CHECK(refused.replayed);
  CHECK(refused.status == 422);
  CHECK(json::parse(refused.body)["field"] == "Idempotency-Key");
  CHECK(in.Leads() == 1);
  CHECK(in.Jobs() == jobs);
}

TEST_CASE("a nurture lead is enrolled in its sequence by the intake itself",
          "[bot][accept_lead]") {
  Intake in;
  const AcceptedLead a = in.Accept(FixtureText("webform-flat.json"));
  CHECK(a.route == "nurture");
  auto stored = LeadStore(in.db->db()).Get(a.lead_id);
  REQUIRE(stored);
  CHECK(stored->segment == "NURTURE_LONGTERM");
  CHECK(leadrouter::storage::FollowUpStore(in.db->db()).EnrolledAt(a.lead_id) == kT0);
  auto enrolled = in.Event(a.lead_id, "sequence_enrolled");
  REQUIRE(enrolled);
  const int64_t steps = enrolled->detail["steps"];
  CHECK(steps > 0);
  const size_t sequence_jobs = in.Pending(leadrouter::kJobSequenceSms).size() +
                               in.Pending(leadrouter::kJobSequenceEmail).size() +
                               in.Pending(leadrouter::kJobSequenceWebhook).size();
  CHECK(sequence_jobs == static_cast<size_t>(steps));
  CHECK(a.jobs_written == static_cast<size_t>(steps));
  // No agent gets it: nothing for the rotation or the shark tank.
  CHECK(in.Pending(leadrouter::kJobAssignRoundRobin).empty());
  CHECK(in.Pending(leadrouter::kJobPostSharkTank).empty());
}
