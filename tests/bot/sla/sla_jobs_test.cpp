#include "bot/sla/sla_jobs.h"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <functional>

#include "bot/interactions/lead_actions.h"
#include "bot/interactions/slash_leads.h"
#include "bot/routing/outbox_plan.h"
#include "bot/routing/round_robin.h"
#include "bot/runtime/storage_writer.h"
#include "storage/timeline.h"
#include "tests/bot/routing/rotation_test_support.h"
#include "tests/support/fake_clock.h"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using leadrouter::AssignRequest;
using leadrouter::AssignRoundRobin;
using leadrouter::Click;
using leadrouter::Config;
using leadrouter::SystemTime;
using leadrouter::storage::AgentStore;
using leadrouter::storage::Database;
using leadrouter::storage::Job;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::LeadStore;
using leadrouter::storage::Timeline;
using leadrouter::testing::AgentSeed;
using leadrouter::testing::FakeClock;
using leadrouter::testing::IdOf;
using leadrouter::testing::kT0;
using leadrouter::testing::NewLead;
using leadrouter::testing::PendingJobs;
using leadrouter::testing::RotationConfig;

namespace {

Config SlaConfig() {
  Config c = RotationConfig();
  c.slack.ops_channel = "C0123OPS";
  return c;
}

// Ana, Ben and Cy in the rotation and one hot lead (NewLead is HOT_BUYER)
// assigned by the rotation at the fake clock's start: Ana's clock runs.
struct Fixture {
  explicit Fixture(std::vector<leadrouter::storage::AgentSeed> seeds =
                       {AgentSeed("Ana"), AgentSeed("Ben"), AgentSeed("Cy")})
      : db(Database::Open(":memory:")), config(SlaConfig()), clock(kT0) {
    AgentStore(db->db()).SeedIfEmpty(seeds, kT0);
    lead = NewLead(*db, kT0);
  }

  void Assign() {
    REQUIRE(AssignRoundRobin(*db, lead, clock.Now(), config, AssignRequest{})
                .agent == IdOf("Ana"));
  }

  // Moves the clock by `by` and runs the SLA timers then due, as the job
  // runner would; returns how many ran.
  int AdvanceAndRun(std::chrono::milliseconds by) {
    clock.Advance(by);
    JobStore jobs(db->db());
    std::vector<Job> due = jobs.ClaimDue(
        clock.Now(), {leadrouter::kJobSlaRemind, leadrouter::kJobSlaEscalate},
        100);
    for (const Job& job : due) {
      if (job.kind == leadrouter::kJobSlaRemind) {
        leadrouter::RunSlaReminder(*db, job, clock.Now(), config);
      } else {
        leadrouter::RunSlaEscalation(*db, job, clock.Now(), config);
      }
      jobs.Complete(job.id, clock.Now());
    }
    return static_cast<int>(due.size());
  }

  std::vector<Job> Pending(const std::string& kind) {
    return PendingJobs(*db, kind);
  }
  std::optional<std::string> Owner() {
    return LeadStore(db->db()).Get(lead)->owner_slack_id;
  }
  std::string Ref() const { return "lead #" + std::to_string(lead); }

  std::unique_ptr<Database> db;
  Config config;
  FakeClock clock;
  int64_t lead = 0;
};

Click ClickBy(const std::string& user, int64_t lead) {
  return {user, "D0123DM", "1700000000.000100", std::to_string(lead)};
}

}  // namespace

TEST_CASE(
    "the owner of a hot lead is reminded at 5 min, and at 15 min the lead "
    "goes to the next agent with an ops alert and a thread note",
    "[bot][sla]") {
  Fixture f;
  f.Assign();
  auto timers = f.Pending(leadrouter::kJobSlaRemind);
  REQUIRE(timers.size() == 1);
  CHECK(timers[0].due_at == kT0 + 5min);
  CHECK(timers[0].payload["agent"] == IdOf("Ana"));
  REQUIRE(f.Pending(leadrouter::kJobSlaEscalate).size() == 1);
  CHECK(f.Pending(leadrouter::kJobSlaEscalate)[0].due_at == kT0 + 15min);

  CHECK(f.AdvanceAndRun(5min - 1s) == 0);
  CHECK(f.Pending(leadrouter::kJobDmNote).empty());

  CHECK(f.AdvanceAndRun(1s) == 1);
  auto dms = f.Pending(leadrouter::kJobDmNote);
  REQUIRE(dms.size() == 1);
  CHECK(dms[0].payload["agent"] == IdOf("Ana"));
  CHECK(dms[0].payload["text"] ==
        "Reminder: " + f.Ref() +
            " Dana O'Connell has waited 5 min for first contact; press Mark "
            "contacted on its card once you've reached them.");
  CHECK(f.Owner() == IdOf("Ana"));
  CHECK(f.Pending(leadrouter::kJobOpsAlert).empty());

  CHECK(f.AdvanceAndRun(10min) == 1);
  CHECK(f.Owner() == IdOf("Ben"));
  auto alerts = f.Pending(leadrouter::kJobOpsAlert);
  REQUIRE(alerts.size() == 1);
  CHECK_THAT(alerts[0].payload["title"].get<std::string>(),
             Contains(f.Ref() + " not contacted after 15 min"));
  const std::string detail = alerts[0].payload["detail"];
  CHECK_THAT(detail, Contains("Ana (U0123ANA) got it"));
  CHECK_THAT(detail, Contains("Reassigned to Ben (U0123BEN)"));
  auto notes = f.Pending(leadrouter::kJobThreadNote);
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0].payload["text"].get<std::string>(),
             Contains("within 15 min of <@U0123ANA> getting this lead, so "
                      "the rotation gave it to <@U0123BEN> (SLA escalation"));
  auto posts = f.Pending(leadrouter::kJobUpdateLeadPost);
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].payload["status_line"] ==
        "Reassigned to <@U0123BEN> after 15 min without contact");
  auto cards = f.Pending(leadrouter::kJobDmLeadCard);
  REQUIRE(cards.size() == 2);
  CHECK(cards[1].payload["agent"] == IdOf("Ben"));
  CHECK_THAT(cards[1].payload["reason"].get<std::string>(),
             Contains("SLA escalation"));
  dms = f.Pending(leadrouter::kJobDmNote);
  REQUIRE(dms.size() == 2);
  CHECK(dms[1].payload["agent"] == IdOf("Ana"));
  CHECK_THAT(dms[1].payload["text"].get<std::string>(),
             Contains("went to <@U0123BEN>"));
  auto events = Timeline(f.db->db()).List(f.lead);
  CHECK(std::any_of(events.begin(), events.end(), [](const auto& e) {
    return e.kind == "sla_escalated" && e.detail["reassigned_to"] == "U0123BEN";
  }));

  SECTION("the lead's timeline says what happened") {
    leadrouter::SlashCommand cmd;
    cmd.user_id = "U0123MGR";
    cmd.is_manager = true;
    cmd.text = "show " + std::to_string(f.lead);
    const std::string shown =
        leadrouter::RunLeadsCommand(*f.db, cmd, f.clock.Now(), f.config).text;
    CHECK_THAT(shown,
               Contains("*sla_reminder* reminded <@U0123ANA> after 5 min"));
    CHECK_THAT(shown, Contains("*sla_escalated* no contact by <@U0123ANA> "
                               "after 15 min, reassigned to <@U0123BEN>"));
  }
  SECTION("Ben's own clock starts with the reassignment") {
    auto remind = f.Pending(leadrouter::kJobSlaRemind);
    REQUIRE(remind.size() == 1);
    CHECK(remind[0].payload["agent"] == IdOf("Ben"));
    CHECK(remind[0].due_at == kT0 + 20min);
    CHECK(f.AdvanceAndRun(5min) == 1);
    CHECK(f.Pending(leadrouter::kJobDmNote).back().payload["agent"] ==
          IdOf("Ben"));
    CHECK(f.AdvanceAndRun(10min) == 1);
    CHECK(f.Owner() == IdOf("Cy"));
  }
}

TEST_CASE(
    "an escalation never hands the lead back to the owner who let it wait",
    "[bot][sla]") {
  SECTION("not even when their weighted block has turns left") {
    Fixture f({AgentSeed("Ana", 3), AgentSeed("Ben")});
    f.Assign();
    f.AdvanceAndRun(15min);
    CHECK(f.Owner() == IdOf("Ben"));
  }
  SECTION("an owner alone in the rotation keeps it") {
    Fixture f({AgentSeed("Ana")});
    f.Assign();
    f.AdvanceAndRun(15min);
    CHECK(f.Owner() == IdOf("Ana"));
    CHECK_THAT(f.Pending(leadrouter::kJobOpsAlert)[0]
                   .payload["detail"]
                   .get<std::string>(),
               Contains("(nobody else is in the rotation)"));
  }
  SECTION(
      "when nobody else is available the owner keeps it, and managers "
      "hear so") {
    Fixture f;
    AgentStore(f.db->db()).Pause(IdOf("Ben"), std::nullopt);
    AgentStore(f.db->db()).Pause(IdOf("Cy"), std::nullopt);
    f.Assign();
    f.AdvanceAndRun(15min);
    CHECK(f.Owner() == IdOf("Ana"));
    CHECK(f.Pending(leadrouter::kJobPostTriage).empty());
    CHECK(f.Pending(leadrouter::kJobUpdateLeadPost).empty());
    auto alerts = f.Pending(leadrouter::kJobOpsAlert);
    REQUIRE(alerts.size() == 1);
    CHECK_THAT(alerts[0].payload["detail"].get<std::string>(),
               Contains("Nobody else can take it (nobody available: Ben: "
                        "paused, Cy: paused), so it stays with Ana"));
    CHECK_THAT(
        f.Pending(leadrouter::kJobThreadNote)[0]
            .payload["text"]
            .get<std::string>(),
        Contains("so it stays with <@U0123ANA>. The managers were alerted."));
  }
}

TEST_CASE("a lead marked contacted in time gets no reminder and no escalation",
          "[bot][sla]") {
  Fixture f;
  f.Assign();
  std::vector<Job> timers = f.Pending(leadrouter::kJobSlaRemind);
  auto escalations = f.Pending(leadrouter::kJobSlaEscalate);
  timers.insert(timers.end(), escalations.begin(), escalations.end());
  f.clock.Advance(4min);
  leadrouter::ApplyMarkContacted(*f.db, ClickBy(IdOf("Ana"), f.lead),
                                 f.clock.Now(), f.config);

  SECTION("its timers are cancelled") {
    CHECK(f.AdvanceAndRun(20min) == 0);
    for (const Job& t : timers) {
      CHECK(JobStore(f.db->db()).Get(t.id)->state == JobState::kCancelled);
    }
  }
  SECTION("and a timer that fires anyway does nothing") {
    f.clock.Advance(20min);
    for (const Job& t : timers) {
      auto out =
          t.kind == leadrouter::kJobSlaRemind
              ? leadrouter::RunSlaReminder(*f.db, t, f.clock.Now(), f.config)
              : leadrouter::RunSlaEscalation(*f.db, t, f.clock.Now(), f.config);
      CHECK_FALSE(out.acted);
      CHECK(out.skipped == "first contact was recorded");
    }
  }
  CHECK(f.Pending(leadrouter::kJobDmNote).empty());
  CHECK(f.Pending(leadrouter::kJobOpsAlert).empty());
  CHECK(f.Owner() == IdOf("Ana"));
}

TEST_CASE("a lead the CRM took over gets no reminder and no escalation",
          "[bot][sla]") {
  Fixture f;
  f.Assign();
  LeadStore(f.db->db()).MarkTakenOver(f.lead, kT0 + 2min);
  CHECK(f.AdvanceAndRun(5min) == 1);
  CHECK(f.AdvanceAndRun(10min) == 1);
  CHECK(f.Pending(leadrouter::kJobDmNote).empty());
  CHECK(f.Pending(leadrouter::kJobOpsAlert).empty());
  CHECK(f.Pending(leadrouter::kJobThreadNote).empty());
  CHECK(f.Owner() == IdOf("Ana"));
}

TEST_CASE("/leads reassign restarts the clock for the new owner",
          "[bot][sla]") {
  Fixture f;
  f.Assign();
  auto anas = f.Pending(leadrouter::kJobSlaRemind);
  f.clock.Advance(4min);
  leadrouter::SlashCommand cmd;
  cmd.user_id = "U0123MGR";
  cmd.is_manager = true;
  cmd.text = "reassign " + std::to_string(f.lead) + " <@U0123BEN>";
  leadrouter::RunLeadsCommand(*f.db, cmd, f.clock.Now(), f.config);
  REQUIRE(f.Owner() == IdOf("Ben"));
  CHECK(JobStore(f.db->db()).Get(anas[0].id)->state == JobState::kCancelled);

  CHECK(f.AdvanceAndRun(1min) == 0);  // Ana's 5 min mark: nothing
  CHECK(f.AdvanceAndRun(4min) == 1);  // Ben's 5 min mark
  auto dms = f.Pending(leadrouter::kJobDmNote);
  REQUIRE(dms.size() == 1);
  CHECK(dms[0].payload["agent"] == IdOf("Ben"));
}

TEST_CASE("a timer from an earlier assignment does nothing", "[bot][sla]") {
  Fixture f;
  f.Assign();
  Job old = f.Pending(leadrouter::kJobSlaRemind)[0];
  // Away to Ben and back to Ana: Ana's new assignment has its own timers.
  f.clock.Advance(1min);
  LeadStore(f.db->db()).SetOwner(f.lead, IdOf("Ben"), f.clock.Now());
  f.clock.Advance(1min);
  LeadStore(f.db->db()).SetOwner(f.lead, IdOf("Ana"), f.clock.Now());
  f.clock.Advance(3min);
  auto out = leadrouter::RunSlaReminder(*f.db, old, f.clock.Now(), f.config);
  CHECK_FALSE(out.acted);
  CHECK(out.skipped == "the lead has changed hands since");
  CHECK(f.Pending(leadrouter::kJobDmNote).empty());
}

TEST_CASE("a shark-tank claim starts the winner's clock", "[bot][sla]") {
  Fixture f;
  f.clock.Advance(37s);
  leadrouter::ApplyClaim(*f.db, ClickBy(IdOf("Cy"), f.lead), f.clock.Now(),
                         f.config);
  REQUIRE(f.Owner() == IdOf("Cy"));
  auto remind = f.Pending(leadrouter::kJobSlaRemind);
  REQUIRE(remind.size() == 1);
  CHECK(remind[0].payload["agent"] == IdOf("Cy"));
  CHECK(remind[0].due_at == kT0 + 37s + 5min);
  CHECK(f.Pending(leadrouter::kJobSlaEscalate)[0].due_at == kT0 + 37s + 15min);
}

TEST_CASE("the SLA follows the segment's configuration", "[bot][sla]") {
  Fixture f;
  SECTION("a warm lead escalates at 4 h without reassignment") {
    auto lead = LeadStore(f.db->db()).Get(f.lead);
    auto processed = lead->lead;
    processed.segment = leadrouter::pipeline::Segment::kWarmBuyer;
    processed.email = "warm@example.com";
    processed.dedupe_keys = {"email:warm@example.com"};
    f.lead = LeadStore(f.db->db()).Intake(processed, kT0, 1s).lead_id;
    f.Assign();
    CHECK(f.AdvanceAndRun(1h) == 1);
    CHECK(f.Pending(leadrouter::kJobDmNote).size() == 1);
    CHECK(f.AdvanceAndRun(3h) == 1);
    CHECK(f.Owner() == IdOf("Ana"));
    CHECK_THAT(f.Pending(leadrouter::kJobOpsAlert)[0]
                   .payload["detail"]
                   .get<std::string>(),
               Contains("(warm) has no recorded contact 4 h after Ana"));
  }
  SECTION("a segment without an SLA writes no timers") {
    f.config.sla.erase("HOT_BUYER");
    f.Assign();
    CHECK(f.Pending(leadrouter::kJobSlaRemind).empty());
    CHECK(f.Pending(leadrouter::kJobSlaEscalate).empty());
  }
  SECTION("a reminder turned off leaves the escalation") {
    f.config.sla["HOT_BUYER"].remind_after.reset();
    f.Assign();
    CHECK(f.Pending(leadrouter::kJobSlaRemind).empty());
    CHECK(f.Pending(leadrouter::kJobSlaEscalate).size() == 1);
  }
}

namespace {

bool RunUntil(boost::asio::io_context& loop,
              const std::function<bool()>& done) {
  auto until = std::chrono::steady_clock::now() + 5s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    loop.restart();
    loop.run_for(5ms);
  }
  return true;
}

}  // namespace

TEST_CASE(
    "the job runner fires a registered SLA reminder when the clock "
    "reaches it",
    "[bot][sla]") {
  boost::asio::io_context loop;
  FakeClock clock(kT0);
  Config config = SlaConfig();
  leadrouter::StorageWriter writer(loop, Database::Open(":memory:"));
  leadrouter::JobRunner runner(loop, writer, clock, {});
  leadrouter::SlaJobs sla(writer, runner, config, clock);
  sla.Register();
  auto submit = [&](std::function<void(Database&)> work) {
    bool done = false;
    writer.Submit(std::move(work), [&](const std::string&) { done = true; });
    REQUIRE(RunUntil(loop, [&] { return done; }));
  };
  submit([&](Database& db) {
    AgentStore(db.db()).SeedIfEmpty({AgentSeed("Ana")}, kT0);
    AssignRoundRobin(db, NewLead(db, kT0), kT0, config, AssignRequest{});
  });
  runner.Start();
  auto dm_notes = [&] {
    size_t n = 0;
    submit([&](Database& db) {
      n = PendingJobs(db, leadrouter::kJobDmNote).size();
    });
    return n;
  };
  CHECK(dm_notes() == 0);
  clock.Advance(5min);
  runner.Wake();
  CHECK(RunUntil(loop, [&] { return dm_notes() == 1; }));
  runner.Stop();
  writer.Stop();
}
