#include "bot/interactions/slash_leads.h"

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
using leadrouter::Config;
using leadrouter::RunLeadsCommand;
using leadrouter::SlashCommand;
using leadrouter::SlashReply;
using leadrouter::pipeline::Intent;
using leadrouter::pipeline::ProcessedLead;
using leadrouter::pipeline::Segment;
using leadrouter::storage::AgentSeed;
using leadrouter::storage::AgentStore;
using leadrouter::storage::Database;
using leadrouter::storage::Job;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::LeadStore;
using leadrouter::storage::Timeline;
using leadrouter::storage::TimelineEvent;
using leadrouter::storage::TimePoint;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;

namespace {

constexpr char kManager[] = "U0123MGR";
constexpr char kAgentUser[] = "U0123ANA";

AgentSeed Seed(const std::string& slack_id, const std::string& name) {
  AgentSeed seed;
  seed.slack_id = slack_id;
  seed.name = name;
  return seed;
}

// A database with Ana and Ben in the rotation, and a way to run /leads.
struct Fixture {
  Fixture() : db(Database::Open(":memory:")), leads(db->db()) {
    AgentStore(db->db()).SeedIfEmpty(
        {Seed("U0123ANA", "Ana"), Seed("U0123BEN", "Ben")}, kT0 - 24h);
  }
  int64_t Add(Segment segment, TimePoint at, const std::string& name = "Dana") {
    ProcessedLead lead = LeadWithEmail(
        "lead" + std::to_string(next++) + "@example.com", "hello");
    lead.segment = segment;
    lead.name.full = name;
    return leads.Intake(lead, at, 24h).lead_id;
  }
  SlashReply Run(const std::string& text, bool manager,
                 const std::string& user = "") {
    SlashCommand cmd;
    cmd.command = "/leads";
    cmd.text = text;
    cmd.user_id = user.empty() ? (manager ? kManager : kAgentUser) : user;
    cmd.channel_id = "C0123SALES";
    cmd.is_manager = manager;
    return RunLeadsCommand(*db, cmd, kT0, config);
  }
  std::vector<Job> Jobs() {
    return JobStore(db->db()).List(JobState::kPending, 100);
  }
  std::vector<TimelineEvent> Events(int64_t id) {
    return Timeline(db->db()).List(id);
  }

  std::unique_ptr<Database> db;
  LeadStore leads;
  Config config;
  int next = 0;
};

}  // namespace

TEST_CASE("/leads counts the team's calendar day, not UTC's",
          "[bot][handlers][slash_leads]") {
  Fixture f;
  // 03:07 UTC on the 14th is still the 13th in New York.
  f.Add(Segment::kHotBuyer, kT0 - 19h);
  f.Add(Segment::kWarmBuyer, kT0 - 1h);
  SECTION("in New York") {
    f.config.rotation.timezone = "America/New_York";
    CHECK_THAT(f.Run("", false).text, Contains("Received: 1 ("));
  }
  SECTION("in UTC") {
    f.config.rotation.timezone = "UTC";
    CHECK_THAT(f.Run("", false).text, Contains("(2026-03-14, UTC)\nReceived: 2 ("));
  }
}

TEST_CASE(
    "/leads alone summarises today: segments, claim times, waiting, agents",
    "[bot][handlers][slash_leads]") {
  Fixture f;
  // kT0 is 22:07:41 UTC; leads from earlier today, yesterday and spam.
  int64_t a = f.Add(Segment::kHotBuyer, kT0 - 2h);
  f.leads.SetOwner(a, "U0123ANA", kT0 - 2h + 20s);
  int64_t b = f.Add(Segment::kHotBuyer, kT0 - 1h);
  f.leads.SetOwner(b, "U0123ANA", kT0 - 1h + 40s);
  int64_t waiting_hot = f.Add(Segment::kHotBuyer, kT0 - 10min);
  int64_t waiting_warm = f.Add(Segment::kWarmBuyer, kT0 - 5min);
  f.Add(Segment::kNurtureLongterm, kT0 - 3min);
  f.Add(Segment::kHotBuyer, kT0 - 23h);  // yesterday, and still waiting

  SlashReply r = f.Run("", /*manager=*/false);
  CHECK_FALSE(r.in_channel);
  CHECK_THAT(r.text, Contains("*Leads today* (2026-03-14, America/New_York)"));
  CHECK_THAT(
      r.text,
      Contains("Received: 5 (hot 3 · warm 1 · nurture 1 · low quality 0)"));
  CHECK_THAT(r.text,
             Contains("median 30 s, p90 38 s over 2 leads owned today"));
  CHECK_THAT(r.text,
             Contains("Waiting now: 2 hot unclaimed (#6, #" +
                      std::to_string(waiting_hot) + "), 1 unassigned (#" +
                      std::to_string(waiting_warm) + ")"));
  CHECK_THAT(r.text, Contains("Per agent: <@U0123ANA> 2 · <@U0123BEN> 0"));
}

TEST_CASE("/leads on a quiet day says nothing was owned",
          "[bot][handlers][slash_leads]") {
  Fixture f;
  SlashReply r = f.Run("  ", false);
  CHECK_THAT(r.text, Contains("Received: 0"));
  CHECK_THAT(r.text, Contains("Time to claim: no lead owned yet today"));
  CHECK_THAT(r.text, Contains("0 hot unclaimed, 0 unassigned"));
  CHECK_THAT(r.text,
             Contains("Time to first contact: no first contact recorded yet "
                      "today"));
}

TEST_CASE("/leads shows each agent's median and p90 time to first contact",
          "[bot][handlers][slash_leads]") {
  Fixture f;
  const TimePoint t = kT0 - 3h;
  for (auto wait : {1min, 3min, 10min}) {
    int64_t id = f.Add(Segment::kHotBuyer, t - 1min);
    f.leads.SetOwner(id, "U0123ANA", t);
    f.leads.MarkContacted(id, t + wait);
  }
  int64_t bens = f.Add(Segment::kWarmBuyer, t);
  f.leads.SetOwner(bens, "U0123BEN", t);
  f.leads.MarkContacted(bens, t + 90s);

  SlashReply r = f.Run("", false);
  CHECK_THAT(r.text,
             Contains("Time to first contact: <@U0123ANA> median 3 min, p90 "
                      "8 min (3) · <@U0123BEN> median 1 min, p90 1 min (1)"));
}

TEST_CASE("/leads show lists the lead's timeline with user text escaped",
          "[bot][handlers][slash_leads]") {
  Fixture f;
  int64_t id = f.Add(Segment::kHotBuyer, kT0, "<!channel> Dana & co");
  Timeline(f.db->db())
      .AppendRaw(id, kT0 + 1s, "routed",
              {{"route", "shark_tank"}, {"reason", "hot <@U0999EVIL>"}});
  Timeline(f.db->db())
      .AppendRaw(id, kT0 + 37s, "claimed",
              {{"by", "U0123ANA"}, {"latency_ms", 37000}});
  f.leads.SetOwner(id, "U0123ANA", kT0 + 37s);

  SlashReply r = f.Run("show " + std::to_string(id), false);
  CHECK_FALSE(r.in_channel);
  CHECK_THAT(r.text,
             Contains("*Lead #" + std::to_string(id) +
                      "*: &lt;!channel&gt; Dana &amp; co · hot · score 72 · "
                      "owner <@U0123ANA>"));
  CHECK_THAT(r.text, Contains("• 2026-03-14 22:07:41 UTC *received* Website, "
                              "score 72, hot"));
  CHECK_THAT(
      r.text,
      Contains("• 22:07:42 *routed* shark_tank: hot &lt;@U0999EVIL&gt;"));
  CHECK_THAT(r.text,
             Contains("• 22:08:18 *claimed* by <@U0123ANA>, latency_ms 37000"));
  CHECK(r.text.find("<!channel>") == std::string::npos);
  CHECK(r.text.find("<@U0999EVIL>") == std::string::npos);
  // Events in time order.
  CHECK(r.text.find("*received*") < r.text.find("*routed*"));
  CHECK(r.text.find("*routed*") < r.text.find("*claimed*"));

  SECTION("a user id in a lead's own words does not become a mention") {
    Timeline(f.db->db())
        .AppendRaw(id, kT0 + 60s, "note", {{"message", "U0123BEN"}});
    SlashReply again = f.Run("show " + std::to_string(id), false);
    CHECK_THAT(again.text, Contains("*note* message U0123BEN"));
    CHECK(again.text.find("<@U0123BEN>") == std::string::npos);
  }
  SECTION("the id may be written as the cards show it") {
    CHECK(f.Run("show #" + std::to_string(id), false).text == r.text);
  }
}

TEST_CASE(
    "/leads show hides name and source of an unclaimed lead when the "
    "shark tank does",
    "[bot][handlers][slash_leads]") {
  Fixture f;
  f.config.slack.hide_identity_until_claimed = true;
  int64_t id = f.Add(Segment::kHotBuyer, kT0, "Dana O'Connell");

  SlashReply agent = f.Run("show " + std::to_string(id), false);
  CHECK(agent.text.find("Dana") == std::string::npos);
  CHECK(agent.text.find("Website") == std::string::npos);
  CHECK_THAT(agent.text, Contains("hidden until it is claimed"));

  SlashReply manager = f.Run("show " + std::to_string(id), true);
  CHECK_THAT(manager.text, Contains("Dana O'Connell"));
  CHECK_THAT(manager.text, Contains("Website"));

  SECTION("a text the lead sent us is hidden the same way") {
    leadrouter::storage::Timeline(f.db->db())
        .AppendRaw(id, kT0, "sms_reply",
                {{"text", "This is Dana, call me after 5"}, {"message_sid", "SM1"}});
    SlashReply hidden = f.Run("show " + std::to_string(id), false);
    CHECK(hidden.text.find("call me after 5") == std::string::npos);
    CHECK_THAT(hidden.text, Contains("a text from the lead"));
    CHECK_THAT(f.Run("show " + std::to_string(id), true).text,
               Contains("text: This is Dana, call me after 5"));
  }
}

TEST_CASE("/leads show answers plainly for an unknown or malformed id",
          "[bot][handlers][slash_leads]") {
  Fixture f;
  CHECK(f.Run("show 999", false).text == "There is no lead #999.");
  SlashReply bad = f.Run("show abc", false);
  CHECK_THAT(bad.text, Contains("“abc” is not a lead id."));
  CHECK_THAT(bad.text, Contains("*Usage*"));
  CHECK_THAT(f.Run("show -3", false).text, Contains("is not a lead id"));
  CHECK_THAT(f.Run("show", false).text, Contains("`show` takes one lead id"));
  CHECK_THAT(f.Run("show 1 2", false).text,
             Contains("`show` takes one lead id"));
}

TEST_CASE(
    "a manager's reassign moves the lead, records it and tells both sides",
    "[bot][handlers][slash_leads]") {
  Fixture f;
  int64_t id = f.Add(Segment::kWarmBuyer, kT0 - 10min);
  f.leads.SetOwner(id, "U0123ANA", kT0 - 9min);
  std::string mention =
      GENERATE(std::string("<@U0123BEN|ben>"), std::string("<@U0123BEN>"));

  SlashReply r = f.Run("reassign " + std::to_string(id) + " " + mention, true);
  CHECK_FALSE(r.in_channel);
  CHECK_THAT(r.text, Contains("<@U0123BEN> now owns lead #" +
                              std::to_string(id) + " (was <@U0123ANA>)"));

  auto lead = f.leads.Get(id);
  REQUIRE(lead);
  CHECK(lead->owner_slack_id == "U0123BEN");
  CHECK(lead->claimed_at == kT0);

  TimelineEvent last = f.Events(id).back();
  CHECK(last.kind == "reassigned");
  CHECK(last.at == kT0);
  CHECK(last.detail == nlohmann::json{{"from", "U0123ANA"},
                                      {"to", "U0123BEN"},
                                      {"by", kManager}});

  // Its first owner through the routing also starts the lead's follow-up
  // sequence: a warm lead's four e-mails, after the jobs checked here.
  std::vector<Job> jobs = f.Jobs();
  REQUIRE(jobs.size() == 9);
  CHECK(jobs[5].kind == leadrouter::kJobSequenceEmail);
  CHECK(jobs[0].kind == leadrouter::kJobDmLeadCard);
  CHECK(jobs[0].lead_id == id);
  CHECK(jobs[0].payload ==
        nlohmann::json{{"agent", "U0123BEN"},
                       {"reason", "reassigned by <@U0123MGR>"}});
  CHECK(jobs[0].due_at == kT0);
  CHECK(jobs[0].max_attempts == f.config.jobs.max_attempts);
  CHECK(jobs[1].kind == leadrouter::kJobThreadNote);
  CHECK(jobs[1].lead_id == id);
  CHECK(jobs[1].payload["text"] ==
        "Reassigned to <@U0123BEN> (was <@U0123ANA>) by <@U0123MGR>.");
  CHECK(jobs[2].kind == leadrouter::kJobUpdateLeadPost);
  CHECK(jobs[2].payload["status_line"] ==
        "Reassigned to <@U0123BEN> by <@U0123MGR>");
  // Ben's first-contact clock (a warm lead: 1 h, 4 h) starts now.
  CHECK(jobs[3].kind == leadrouter::kJobSlaRemind);
  CHECK(jobs[3].due_at == kT0 + 1h);
  CHECK(jobs[3].payload["agent"] == "U0123BEN");
  CHECK(jobs[4].kind == leadrouter::kJobSlaEscalate);
  CHECK(jobs[4].due_at == kT0 + 4h);

  SECTION("the timeline shows it") {
    CHECK_THAT(f.Run("show " + std::to_string(id), false).text,
               Contains("*reassigned* to <@U0123BEN> (was <@U0123ANA>) by "
                        "<@U0123MGR>"));
  }
}

TEST_CASE("reassigning a lead nobody owned says it was nobody's",
          "[bot][handlers][slash_leads]") {
  Fixture f;
  int64_t id = f.Add(Segment::kHotBuyer, kT0 - 1min);
  SlashReply r = f.Run("REASSIGN " + std::to_string(id) + " <@U0123ANA>", true);
  CHECK_THAT(r.text, Contains("(was nobody)"));
  CHECK(f.leads.Get(id)->owner_slack_id == "U0123ANA");
  CHECK(f.Events(id).back().detail["from"].is_null());
  // Card, note, post, two SLA timers, and the hot lead's four follow-up steps.
  CHECK(f.Jobs().size() == 9);
}

TEST_CASE("reassign changes nothing unless a manager names a lead and an agent",
          "[bot][handlers][slash_leads]") {
  Fixture f;
  int64_t id = f.Add(Segment::kWarmBuyer, kT0 - 10min);
  f.leads.SetOwner(id, "U0123ANA", kT0 - 9min);
  size_t events_before = f.Events(id).size();
  std::string lead = std::to_string(id);

  SECTION("a non-manager is refused") {
    SlashReply r = f.Run("reassign " + lead + " <@U0123BEN>", false);
    CHECK_FALSE(r.in_channel);
    CHECK_THAT(r.text, Contains("Only managers can reassign leads"));
  }
  SECTION("an unknown lead") {
    CHECK(f.Run("reassign 999 <@U0123BEN>", true).text ==
          "There is no lead #999.");
  }
  SECTION("a user who is not one of our agents") {
    CHECK_THAT(f.Run("reassign " + lead + " <@U0999NEW|new>", true).text,
               Contains("<@U0999NEW> is not one of our agents"));
  }
  SECTION("a name instead of a mention") {
    SlashReply r = f.Run("reassign " + lead + " @ben", true);
    CHECK_THAT(r.text, Contains("“@ben” is not a person"));
    CHECK_THAT(r.text, Contains("*Usage*"));
  }
  SECTION("a malformed id") {
    CHECK_THAT(f.Run("reassign 4x2 <@U0123BEN>", true).text,
               Contains("“4x2” is not a lead id."));
  }
  SECTION("missing or extra arguments") {
    CHECK_THAT(f.Run("reassign " + lead, true).text,
               Contains("`reassign` takes a lead id and an agent"));
    CHECK_THAT(f.Run("reassign " + lead + " <@U0123BEN> now", true).text,
               Contains("`reassign` takes a lead id and an agent"));
  }
  SECTION("the agent already owns it") {
    CHECK_THAT(f.Run("reassign " + lead + " <@U0123ANA>", true).text,
               Contains("<@U0123ANA> already owns lead #" + lead +
                        "; nothing changed."));
  }
  CHECK(f.leads.Get(id)->owner_slack_id == "U0123ANA");
  CHECK(f.leads.Get(id)->claimed_at == kT0 - 9min);
  CHECK(f.Events(id).size() == events_before);
  CHECK(f.Jobs().empty());
}

TEST_CASE("an unknown subcommand gets usage help that names it, escaped",
          "[bot][handlers][slash_leads]") {
  Fixture f;
  SlashReply r = f.Run("<!channel> now", true);
  CHECK_FALSE(r.in_channel);
  CHECK_THAT(r.text,
             Contains("“&lt;!channel&gt;” is not a `/leads` subcommand."));
  CHECK_THAT(r.text, Contains("`/leads show ID`"));
  CHECK_THAT(r.text, Contains("`/leads reassign ID @agent`"));
  CHECK(r.text.find("<!channel>") == std::string::npos);

  SECTION("help is usage without a complaint") {
    SlashReply help = f.Run("help", false);
    CHECK(help.text.rfind("*Usage*", 0) == 0);
  }
}
