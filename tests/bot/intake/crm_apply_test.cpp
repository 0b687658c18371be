// The CRM override's effect on the database, applied the way the storage
// writer does it: inside one transaction on a real SQLite connection.
#include "bot/intake/crm_apply.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "bot/routing/outbox_plan.h"
#include "pipeline/process.h"
#include "pipeline/route.h"
#include "storage/agent_store.h"
#include "storage/database.h"
#include "storage/follow_up_store.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

using namespace std::chrono_literals;
using leadrouter::Config;
using leadrouter::CrmApplyResult;
using leadrouter::CrmOutcome;
using leadrouter::SystemTime;
using leadrouter::storage::Database;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::LeadStore;
using json = nlohmann::json;

namespace {

const SystemTime kT0{std::chrono::seconds(1773526061)};

// A database with two agents and one lead taken in like intake does it,
// with the jobs its route plans.
struct World {
  World() : db(Database::Open(":memory:")) {
    leadrouter::storage::AgentSeed ana;
    ana.slack_id = "U0123ANA";
    ana.name = "Ana";
    ana.email = "ana@brokerage.example";
    leadrouter::storage::AgentSeed ben;
    ben.slack_id = "U0123BEN";
    ben.name = "Ben";
    leadrouter::storage::AgentStore(db->db()).SeedIfEmpty({ana, ben}, kT0);
  }

  int64_t Intake(const std::string& payload) {
    auto lead = leadrouter::pipeline::ProcessBody(payload, config.rules, kT0);
    REQUIRE(lead.ok());
    int64_t id = LeadStore(db->db()).Intake(lead.value(), kT0, 720h).lead_id;
    JobStore jobs(db->db());
    for (const auto& job : leadrouter::PlanJobs(
             leadrouter::pipeline::DecideRoute(lead.value()), id, kT0, config)) {
      jobs.Enqueue(job, kT0);
    }
    return id;
  }

  CrmApplyResult Apply(const json& event, SystemTime at = kT0 + 10min) {
    auto parsed = leadrouter::pipeline::ParseCrmEvent(event, "US");
    REQUIRE(parsed.ok());
    SQLite::Transaction tx(db->db());
    CrmApplyResult r = leadrouter::ApplyCrmEvent(db->db(), parsed.value(), at, config);
    tx.commit();
    return r;
  }

  int64_t Count(const std::string& sql) { return db->db().execAndGet(sql).getInt64(); }

  std::vector<std::string> Notes(int64_t lead) {
    std::vector<std::string> texts;
    for (const auto& job : JobStore(db->db()).List(JobState::kPending, 100)) {
      if (job.kind == leadrouter::kJobThreadNote && job.lead_id == lead) {
        texts.push_back(job.payload.value("text", ""));
      }
    }
    return texts;
  }

  Config config;
  std::unique_ptr<Database> db;
};

// The portal sample: a hot lead (shark tank post + claim timeout).
constexpr char kHotLead[] = R"({"contact": {"full_name": "Dana O'Connell",
  "email": "dana.oconnell@example.com", "phone": "(212) 555-0199"},
  "crm_id": "00Q5e000001",
  "notes": "Pre-approved with Chase, cash offer possible.",
  "property_inquiry": {"mls_id": "NY-1", "price": 1250000, "days_on_market": 6}})";

json Event(const std::string& id, const std::string& type, json contact) {
  return {{"event_id", id}, {"type", type}, {"contact", std::move(contact)}};
}

}  // namespace

TEST_CASE("a CRM override stops the lead's automated follow-ups and keeps its Slack posts",
          "[bot][crm]") {
  World w;
  int64_t lead = w.Intake(kHotLead);
  JobStore(w.db->db()).Enqueue(
      leadrouter::MakeJobRow("sequence.step", lead, {}, kT0 + 24h, w.config), kT0);
  int64_t other = w.Intake(R"({"firstName": "Ben", "email": "ben@example.com",
                               "message": "Looking for a 2 bedroom"})");

  json e = Event("evt-1", "status_changed", {{"crm_id", "00Q5e000001"}});
  e["status"] = "Contacted";
  CrmApplyResult r = w.Apply(e);

  CHECK(r.outcome == CrmOutcome::kApplied);
  CHECK(r.lead_id == lead);
  CHECK(r.matched_by == "crm_id");
  CHECK(r.cancelled_jobs == 2);  // the claim timeout and the sequence step
  const std::string id = std::to_string(lead);
  CHECK(w.Count("SELECT count(*) FROM jobs WHERE lead_id = " + id +
                " AND state = 'cancelled' AND kind IN ('route.claim_timeout', "
                "'sequence.step')") == 2);
  CHECK(w.Count("SELECT count(*) FROM jobs WHERE lead_id = " + id +
                " AND state = 'pending' AND kind = 'slack.post_shark_tank'") == 1);
  CHECK(w.Count("SELECT count(*) FROM jobs WHERE lead_id = " + std::to_string(other) +
                " AND state = 'pending'") == 1);
  auto stored = LeadStore(w.db->db()).Get(lead);
  CHECK(stored->taken_over_at == kT0 + 10min);
  CHECK_FALSE(stored->contacted_at.has_value());
  CHECK(w.Notes(lead) ==
        std::vector<std::string>{"CRM: status Contacted; stopped 2 automated follow-ups"});
}

TEST_CASE("a CRM override records what changed on the lead's timeline", "[bot][crm]") {
  World w;
  int64_t lead = w.Intake(kHotLead);
  json e = Event("evt-1", "contacted", {{"email", "Dana.OConnell@Example.com"}});
  e["occurred_at"] = "2026-03-14T22:19:03Z";
  w.Apply(e);

  auto events = leadrouter::storage::Timeline(w.db->db()).List(lead);
  REQUIRE_FALSE(events.empty());
  const auto& last = events.back();
  CHECK(last.kind == "crm_override");
  CHECK(last.detail["event_id"] == "evt-1");
  CHECK(last.detail["type"] == "contacted");
  CHECK(last.detail["matched_by"] == "email");
  CHECK(last.detail["cancelled_jobs"] == 1);
  CHECK(last.detail["first_takeover"] == true);
  CHECK(last.detail["occurred_at"] == "2026-03-14T22:19:03Z");
  CHECK(last.detail["summary"] == "contacted; stopped 1 automated follow-up");
  CHECK(LeadStore(w.db->db()).Get(lead)->contacted_at == kT0 + 10min);
}

TEST_CASE("a CRM owner who is one of our agents becomes the lead's owner", "[bot][crm]") {
  World w;
  int64_t lead = w.Intake(kHotLead);
  LeadStore(w.db->db()).SetOwner(lead, "U0123BEN", kT0 + 1min);

  SECTION("named by e-mail, in any case") {
    json e = Event("evt-1", "owner_changed", {{"phone", "+1 212 555 0199"}});
    e["owner"] = {{"email", "ANA@brokerage.example"}};
    CrmApplyResult r = w.Apply(e);
    CHECK(r.matched_by == "phone");
    CHECK(r.owner_synced == "U0123ANA");
    CHECK(LeadStore(w.db->db()).Get(lead)->owner_slack_id == "U0123ANA");
    auto last = leadrouter::storage::Timeline(w.db->db()).List(lead).back();
    CHECK(last.detail["owner"] == json{{"from", "U0123BEN"}, {"to", "U0123ANA"}});
    CHECK(w.Notes(lead) == std::vector<std::string>{
                               "CRM: owner <@U0123ANA>; stopped 1 automated follow-up"});
  }
  SECTION("already the owner: nothing to sync, the note still names them") {
    json e = Event("evt-1", "owner_changed", {{"crm_id", "00Q5e000001"}});
    e["owner"] = {{"slack_id", "U0123BEN"}};
    CrmApplyResult r = w.Apply(e);
    CHECK_FALSE(r.owner_synced.has_value());
    CHECK(LeadStore(w.db->db()).Get(lead)->claimed_at == kT0 + 1min);
    CHECK(w.Notes(lead).at(0).rfind("CRM: owner <@U0123BEN>;", 0) == 0);
  }
  SECTION("someone who is not our agent leaves the owner as it was") {
    json e = Event("evt-1", "owner_changed", {{"crm_id", "00Q5e000001"}});
    e["owner"] = {{"email", "zoe@other.example"}};
    CrmApplyResult r = w.Apply(e);
    CHECK_FALSE(r.owner_synced.has_value());
    CHECK(LeadStore(w.db->db()).Get(lead)->owner_slack_id == "U0123BEN");
    CHECK(w.Notes(lead).at(0) ==
          "CRM: owner zoe@other.example (not one of our agents); stopped 1 "
          "automated follow-up");
  }
}

TEST_CASE("a replayed CRM event changes nothing and answers duplicate", "[bot][crm]") {
  World w;
  int64_t lead = w.Intake(kHotLead);
  json e = Event("evt-1", "contacted", {{"crm_id", "00Q5e000001"}});
  CHECK(w.Apply(e).outcome == CrmOutcome::kApplied);
  CrmApplyResult again = w.Apply(e, kT0 + 20min);
  CHECK(again.outcome == CrmOutcome::kDuplicate);
  CHECK(again.lead_id == lead);
  CHECK(again.cancelled_jobs == 0);
  CHECK_FALSE(again.note_queued);
  CHECK(w.Count("SELECT count(*) FROM timeline_events WHERE kind = 'crm_override'") == 1);
  CHECK(w.Notes(lead).size() == 1);
  CHECK(leadrouter::CrmAnswer("evt-1", again) ==
        json{{"event_id", "evt-1"}, {"status", "duplicate"}, {"lead_id", lead},
             {"cancelled_jobs", 0}});
}

TEST_CASE("a CRM event for an unknown contact is recorded unmatched and changes no lead",
          "[bot][crm]") {
  World w;
  w.Intake(kHotLead);
  CrmApplyResult r = w.Apply(Event("evt-9", "contacted", {{"email", "nobody@example.com"}}));
  CHECK(r.outcome == CrmOutcome::kUnmatched);
  CHECK_FALSE(r.lead_id.has_value());
  CHECK(w.Count("SELECT count(*) FROM crm_events WHERE event_id = 'evt-9' "
                "AND matched = 0 AND lead_id IS NULL") == 1);
  CHECK(w.Count("SELECT count(*) FROM jobs WHERE state = 'cancelled'") == 0);
  CHECK(w.Count("SELECT count(*) FROM jobs WHERE kind = 'slack.thread_note'") == 0);
  CHECK(w.Count("SELECT count(*) FROM leads WHERE taken_over_at IS NOT NULL") == 0);
  CHECK(leadrouter::CrmAnswer("evt-9", r)["lead_id"].is_null());
}

TEST_CASE("an opt-out from the CRM is kept on the lead's timeline", "[bot][crm]") {
  World w;
  int64_t lead = w.Intake(kHotLead);
  w.Apply(Event("evt-2", "opted_out", {{"crm_id", "00Q5e000001"}}));
  auto events = leadrouter::storage::Timeline(w.db->db()).List(lead);
  REQUIRE(events.size() >= 3);
  CHECK(events[events.size() - 3].kind == "crm_override");
  // One entry per channel: the lead's e-mail and phone, named by crm_id only.
  for (size_t i = events.size() - 2; i < events.size(); ++i) {
    CHECK(events[i].kind == "opted_out");
    CHECK(events[i].detail["source"] == "crm");
    CHECK(events[i].detail["detail"] == "evt-2");
  }
  CHECK(events[events.size() - 2].detail["channel"] == "email");
  CHECK(events.back().detail["channel"] == "sms");
  CHECK(w.Notes(lead).at(0) == "CRM: opted out; stopped 1 automated follow-up");
}

TEST_CASE("an opt-out from the CRM opts the contact out of sms and email for good",
          "[bot][crm][opt_out]") {
  World w;
  int64_t lead = w.Intake(kHotLead);
  w.Apply(Event("evt-2", "opted_out", {{"crm_id", "00Q5e000001"}}));
  leadrouter::storage::FollowUpStore follow_up(w.db->db());
  auto sms = follow_up.FindOptOut("sms", "+12125550199");
  REQUIRE(sms.has_value());
  CHECK(sms->source == "crm");
  CHECK(sms->detail == "evt-2");
  auto email = follow_up.FindOptOut("email", "dana.oconnell@example.com");
  REQUIRE(email.has_value());
  CHECK(email->source == "crm");
  CHECK(follow_up.LatestConsent(lead, "sms") == false);
  CHECK(follow_up.LatestConsent(lead, "email") == false);
}

TEST_CASE("an opt-out from the CRM for a contact we do not know yet still binds",
          "[bot][crm][opt_out]") {
  World w;
  CrmApplyResult r = w.Apply(
      Event("evt-3", "opted_out", {{"email", "Sam@Example.com"}, {"phone", "+13125550142"}}));
  CHECK(r.outcome == CrmOutcome::kUnmatched);
  leadrouter::storage::FollowUpStore follow_up(w.db->db());
  CHECK(follow_up.FindOptOut("email", "sam@example.com").has_value());
  CHECK(follow_up.FindOptOut("sms", "+13125550142").has_value());
  SECTION("a redelivery changes nothing") {
    CrmApplyResult again = w.Apply(
        Event("evt-3", "opted_out", {{"email", "sam@example.com"}}));
    CHECK(again.outcome == CrmOutcome::kDuplicate);
  }
}

TEST_CASE("an opt-out from the CRM stops that channel's steps on the person's other leads",
          "[bot][crm][opt_out]") {
  World w;
  // An older inquiry by the same phone (outside the dedupe window, so a lead
  // of its own), with its own pending steps.
  auto older = leadrouter::pipeline::ProcessBody(
      R"({"contact": {"full_name": "Dana", "phone": "(212) 555-0199"}})", w.config.rules, kT0);
  REQUIRE(older.ok());
  int64_t other = LeadStore(w.db->db()).Intake(older.value(), kT0 - 2000h, 720h).lead_id;
  int64_t lead = w.Intake(kHotLead);
  REQUIRE(other != lead);
  JobStore jobs(w.db->db());
  leadrouter::storage::NewJob step;
  step.kind = "sequence.sms";
  step.lead_id = other;
  step.due_at = kT0 + 1h;
  int64_t sms_step = jobs.Enqueue(step, kT0);
  step.kind = "sequence.email";
  int64_t email_step = jobs.Enqueue(step, kT0);
  step.kind = "sla.remind";
  int64_t reminder = jobs.Enqueue(step, kT0);

  CrmApplyResult r = w.Apply(Event("evt-4", "opted_out", {{"crm_id", "00Q5e000001"}}));
  CHECK(r.lead_id == lead);
  CHECK(r.opt_out_cancelled == 1);
  CHECK(jobs.Get(sms_step)->state == JobState::kCancelled);
  // That lead has no e-mail key: its e-mail step is not this opt-out's.
  CHECK(jobs.Get(email_step)->state == JobState::kPending);
  CHECK(jobs.Get(reminder)->state == JobState::kPending);
}

TEST_CASE("the CRM note escapes what the CRM wrote", "[bot][crm]") {
  auto parsed = leadrouter::pipeline::ParseCrmEvent(
      {{"event_id", "e"}, {"type", "status_changed"}, {"contact", {{"crm_id", "1"}}},
       {"status", "Won & <@U999> >"}},
      "US");
  REQUIRE(parsed.ok());
  std::string text = leadrouter::CrmNoteText(parsed.value(), std::nullopt, 0);
  CHECK(text.find("<@U999>") == std::string::npos);
  CHECK(text.find("&amp;") != std::string::npos);
  CHECK(text.find("no automated follow-ups were pending") != std::string::npos);
}

TEST_CASE("a CRM event that gives a lead its first contact or first owner says so, once",
          "[bot][crm][metrics]") {
  using leadrouter::storage::LeadMilestone;
  World w;
  w.Intake(kHotLead);
  json contacted = Event("evt-1", "contacted", {{"crm_id", "00Q5e000001"}});
  contacted["owner"] = {{"email", "ana@brokerage.example"}};
  CrmApplyResult r = w.Apply(contacted);
  REQUIRE(r.milestones.size() == 2);
  CHECK(r.milestones[0].kind == LeadMilestone::Kind::kFirstContact);
  CHECK(r.milestones[0].since_intake == 10min);
  CHECK(r.milestones[1].kind == LeadMilestone::Kind::kFirstOwner);
  CHECK(r.milestones[1].since_intake == 10min);

  // Neither happens twice: a second contact and a new owner are no firsts.
  json again = Event("evt-2", "contacted", {{"crm_id", "00Q5e000001"}});
  again["owner"] = {{"slack_id", "U0123BEN"}};
  CHECK(w.Apply(again).milestones.empty());
  CHECK(w.Apply(contacted).milestones.empty());  // a replay changes nothing
}
