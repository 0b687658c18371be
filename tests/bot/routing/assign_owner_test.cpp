// AssignOwner on real SQLite: each way a lead gets a new owner (a rotation
// turn, a claim won and lost, a manager's reassignment, a claim timeout, an
// SLA escalation) and what each one writes.
#include "bot/routing/assign_owner.h"

#include <catch2/catch.hpp>

#include "bot/routing/outbox_plan.h"
#include "bot/routing/round_robin.h"
#include "bot/routing/claim_timeout.h"
#include "bot/sla/sla_jobs.h"
#include "bot/runtime/time_zone.h"
#include "storage/rotation_store.h"
#include "storage/timeline.h"
#include "tests/bot/routing/rotation_test_support.h"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using leadrouter::AssignOwner;
using leadrouter::Config;
using leadrouter::OwnerChange;
using leadrouter::SystemTime;
using leadrouter::storage::AgentStore;
using leadrouter::storage::Database;
using leadrouter::storage::Job;
using leadrouter::storage::LeadStore;
using leadrouter::storage::RotationStore;
using leadrouter::storage::StoredLead;
using leadrouter::storage::Timeline;
using leadrouter::storage::TimelineEvent;
using leadrouter::testing::AgentSeed;
using leadrouter::testing::IdOf;
using leadrouter::testing::kT0;
using leadrouter::testing::NewLead;
using leadrouter::testing::PendingJobs;
using leadrouter::testing::RotationConfig;

namespace {

struct Fixture {
  Fixture() : db(Database::Open(":memory:")), config(RotationConfig()) {
    config.slack.claim_timeout = 5min;
    AgentStore(db->db()).SeedIfEmpty({AgentSeed("Ana"), AgentSeed("Ben")}, kT0);
    lead_id = NewLead(*db, kT0);
  }
  StoredLead Lead() { return *LeadStore(db->db()).Get(lead_id); }
  int CountToday(const std::string& agent) {
    return RotationStore(db->db()).CountOn(
        agent, leadrouter::ToLocal(kT0, config.rotation.timezone).date);
  }
  std::vector<TimelineEvent> Events(const std::string& kind) {
    std::vector<TimelineEvent> out;
    for (TimelineEvent& e : Timeline(db->db()).List(lead_id)) {
      if (e.kind == kind) out.push_back(std::move(e));
    }
    return out;
  }
  std::vector<Job> Jobs(const std::string& kind) {
    return PendingJobs(*db, kind);
  }

  std::unique_ptr<Database> db;
  Config config;
  int64_t lead_id = 0;
};

OwnerChange Change(const std::string& agent) {
  OwnerChange c;
  c.agent = agent;
  c.event = leadrouter::storage::AssignedEvent{agent, "round-robin, turn 1", "routing",
                                               1, ""};
  c.card_reason = "round-robin, turn 1";
  return c;
}

}  // namespace

TEST_CASE("a new owner gets the lead, a count, an SLA clock, the event and "
          "the card",
          "[bot][routing][assign_owner]") {
  Fixture f;
  REQUIRE(AssignOwner(*f.db, f.Lead(), Change(IdOf("Ana")), kT0 + 5s,
                      f.config));

  StoredLead lead = f.Lead();
  CHECK(lead.owner_slack_id == IdOf("Ana"));
  CHECK(lead.claimed_at == kT0 + 5s);
  CHECK(f.CountToday(IdOf("Ana")) == 1);
  // The test lead is hot: its SLA (the default 5 m / 15 m) starts now.
  REQUIRE(f.Jobs(leadrouter::kJobSlaRemind).size() == 1);
  CHECK(f.Jobs(leadrouter::kJobSlaRemind)[0].payload["agent"] == IdOf("Ana"));
  REQUIRE(f.Events("assigned").size() == 1);
  CHECK(f.Events("assigned")[0].detail["agent"] == IdOf("Ana"));
  auto cards = f.Jobs(leadrouter::kJobDmLeadCard);
  REQUIRE(cards.size() == 1);
  CHECK(cards[0].payload == nlohmann::json{{"agent", IdOf("Ana")},
                                           {"reason", "round-robin, turn 1"}});
  // Nothing was asked of the thread or the post.
  CHECK(f.Jobs(leadrouter::kJobThreadNote).empty());
  CHECK(f.Jobs(leadrouter::kJobUpdateLeadPost).empty());

  SECTION("a second owner replaces the first one's SLA timers") {
    REQUIRE(AssignOwner(*f.db, f.Lead(), Change(IdOf("Ben")), kT0 + 9s,
                        f.config));
    CHECK(f.Lead().owner_slack_id == IdOf("Ben"));
    auto reminders = f.Jobs(leadrouter::kJobSlaRemind);
    REQUIRE(reminders.size() == 1);
    CHECK(reminders[0].payload["agent"] == IdOf("Ben"));
    // Enrolled in the follow-up sequence once, whatever the hand-offs.
    CHECK(f.Events("sequence_enrolled").size() <= 1);
  }
}

TEST_CASE("only_if_unowned: the first claim wins and a late one writes "
          "nothing",
          "[bot][routing][assign_owner]") {
  Fixture f;
  OwnerChange ana = Change(IdOf("Ana"));
  ana.only_if_unowned = true;
  ana.event = leadrouter::storage::ClaimedEvent{IdOf("Ana"), 3, "C0123SHARK"};
  ana.update_post = true;
  REQUIRE(AssignOwner(*f.db, f.Lead(), ana, kT0, f.config));
  // Re-rendered from the lead alone: no status line.
  auto posts = f.Jobs(leadrouter::kJobUpdateLeadPost);
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].payload == nlohmann::json::object());

  OwnerChange ben = Change(IdOf("Ben"));
  ben.only_if_unowned = true;
  ben.event = leadrouter::storage::ClaimedEvent{IdOf("Ben"), 4, "C0123SHARK"};
  ben.update_post = true;
  CHECK_FALSE(AssignOwner(*f.db, f.Lead(), ben, kT0 + 1s, f.config));
  CHECK(f.Lead().owner_slack_id == IdOf("Ana"));
  CHECK(f.CountToday(IdOf("Ben")) == 0);
  CHECK(f.Events("claimed").size() == 1);
  CHECK(f.Jobs(leadrouter::kJobDmLeadCard).size() == 1);
  CHECK(f.Jobs(leadrouter::kJobUpdateLeadPost).size() == 1);
}

TEST_CASE("counts_toward_cap: a manager's hand-off uses up no cap, and a "
          "claimer who is no agent has none",
          "[bot][routing][assign_owner]") {
  Fixture f;
  OwnerChange handoff = Change(IdOf("Ben"));
  handoff.counts_toward_cap = false;
  handoff.event = leadrouter::storage::ReassignedEvent{std::nullopt, "U0123BEN", "U0123MGR"};
  handoff.thread_note = "Reassigned to <@U0123BEN> (was nobody) by <@U0123MGR>.";
  handoff.update_post = true;
  handoff.post_status_line = "Reassigned to <@U0123BEN> by <@U0123MGR>";
  REQUIRE(AssignOwner(*f.db, f.Lead(), handoff, kT0, f.config));
  CHECK(f.Lead().owner_slack_id == IdOf("Ben"));
  CHECK(f.CountToday(IdOf("Ben")) == 0);
  auto notes = f.Jobs(leadrouter::kJobThreadNote);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].payload["text"] == *handoff.thread_note);
  auto posts = f.Jobs(leadrouter::kJobUpdateLeadPost);
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].payload["status_line"] == handoff.post_status_line);

  SECTION("a claimer outside [[agents]] owns the lead but is not counted") {
    int64_t other = NewLead(*f.db, kT0);
    OwnerChange zed = Change("U0123ZED");
    zed.only_if_unowned = true;
    REQUIRE(AssignOwner(*f.db, *LeadStore(f.db->db()).Get(other), zed, kT0,
                        f.config));
    CHECK(LeadStore(f.db->db()).Get(other)->owner_slack_id == "U0123ZED");
    CHECK(RotationStore(f.db->db()).CountsOn("2026-03-14").count("U0123ZED") ==
          0);
  }
}

TEST_CASE("a rotation turn goes through AssignOwner with the turn on the "
          "event",
          "[bot][routing][assign_owner]") {
  Fixture f;
  auto a = leadrouter::AssignRoundRobin(*f.db, f.lead_id, kT0, f.config,
                                        leadrouter::AssignRequest{});
  REQUIRE(a.assigned);
  CHECK(f.CountToday(a.agent) == 1);
  auto events = f.Events("assigned");
  REQUIRE(events.size() == 1);
  CHECK(events[0].detail["via"] == "round-robin");
  CHECK(events[0].detail["turn"] == 1);
  CHECK(f.Jobs(leadrouter::kJobDmLeadCard)[0].payload["reason"] == a.reason);
}

TEST_CASE("a claim timeout gives an unclaimed lead to the rotation and says "
          "so on the post and in the thread",
          "[bot][routing][assign_owner][claim_timeout]") {
  Fixture f;
  REQUIRE(leadrouter::RunClaimTimeout(*f.db, f.lead_id, kT0 + 5min, f.config));
  CHECK(f.Lead().owner_slack_id == IdOf("Ana"));
  CHECK(f.CountToday(IdOf("Ana")) == 1);
  auto assigned = f.Events("assigned");
  REQUIRE(assigned.size() == 1);
  CHECK(assigned[0].detail["via"] ==
        "claim timeout: nobody claimed it within 5m");
  auto timeouts = f.Events("claim_timeout");
  REQUIRE(timeouts.size() == 1);
  CHECK(timeouts[0].detail["agent"] == IdOf("Ana"));
  auto posts = f.Jobs(leadrouter::kJobUpdateLeadPost);
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].payload["status_line"] ==
        "Unclaimed after 5 min: assigned to <@U0123ANA> by the rotation");
  auto notes = f.Jobs(leadrouter::kJobThreadNote);
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0].payload["text"].get<std::string>(),
             Contains("so the rotation gave it to <@U0123ANA>"));

  SECTION("a lead claimed in time is left alone") {
    CHECK_FALSE(
        leadrouter::RunClaimTimeout(*f.db, f.lead_id, kT0 + 6min, f.config));
    CHECK(f.Events("claim_timeout").size() == 1);
  }
  SECTION("with nobody available it goes to triage") {
    int64_t other = NewLead(*f.db, kT0);
    AgentStore(f.db->db()).Pause(IdOf("Ana"), std::nullopt);
    AgentStore(f.db->db()).Pause(IdOf("Ben"), std::nullopt);
    REQUIRE(leadrouter::RunClaimTimeout(*f.db, other, kT0 + 5min, f.config));
    CHECK_FALSE(LeadStore(f.db->db()).Get(other)->owner_slack_id);
    bool triaged = false;
    for (const Job& j : f.Jobs(leadrouter::kJobPostTriage)) {
      triaged = triaged || j.lead_id == other;
    }
    CHECK(triaged);
  }
}

TEST_CASE("an SLA escalation moves the lead through AssignOwner, away from "
          "its owner",
          "[bot][routing][assign_owner][sla]") {
  Fixture f;
  f.config.slack.ops_channel = "C0123OPS";
  REQUIRE(leadrouter::AssignRoundRobin(*f.db, f.lead_id, kT0, f.config,
                                       leadrouter::AssignRequest{})
              .agent == IdOf("Ana"));
  auto escalations = f.Jobs(leadrouter::kJobSlaEscalate);
  REQUIRE(escalations.size() == 1);
  const SystemTime due = escalations[0].due_at;
  auto out = leadrouter::RunSlaEscalation(*f.db, escalations[0], due, f.config);
  REQUIRE(out.acted);
  REQUIRE(out.reassigned_to == IdOf("Ben"));
  CHECK(f.Lead().owner_slack_id == IdOf("Ben"));
  CHECK(f.CountToday(IdOf("Ben")) == 1);
  auto assigned = f.Events("assigned");
  REQUIRE(assigned.size() == 2);
  CHECK(assigned[1].detail["via"] == "SLA escalation");
  // Ben's own SLA clock replaced Ana's.
  auto reminders = f.Jobs(leadrouter::kJobSlaRemind);
  REQUIRE(reminders.size() == 1);
  CHECK(reminders[0].payload["agent"] == IdOf("Ben"));
}

TEST_CASE("a lead's first owner is noted as its time to claim, once",
          "[bot][routing][assign_owner][metrics]") {
  Fixture f;  // the lead came in at kT0
  using leadrouter::storage::LeadMilestone;
  REQUIRE(AssignOwner(*f.db, f.Lead(), Change(IdOf("Ana")), kT0 + 37s, f.config));
  REQUIRE(f.db->milestones().size() == 1);
  CHECK(f.db->milestones()[0].kind == LeadMilestone::Kind::kFirstOwner);
  CHECK(f.db->milestones()[0].since_intake == 37s);

  // A hand-off and a lost claim are not a lead's first owner.
  REQUIRE(AssignOwner(*f.db, f.Lead(), Change(IdOf("Ben")), kT0 + 90s, f.config));
  OwnerChange late = Change(IdOf("Ana"));
  late.only_if_unowned = true;
  CHECK_FALSE(AssignOwner(*f.db, f.Lead(), late, kT0 + 95s, f.config));
  CHECK(f.db->milestones().size() == 1);
}
