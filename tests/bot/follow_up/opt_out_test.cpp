// What an opt-out does to the database, applied the way the storage writer
// does it: inside one transaction on a real SQLite connection.
#include "bot/follow_up/opt_out.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "bot/intake/intake_consent.h"
#include "storage/database.h"
#include "storage/follow_up_store.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

using namespace std::chrono_literals;
using leadrouter::SystemTime;
using leadrouter::storage::Database;
using leadrouter::storage::FollowUpStore;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::LeadStore;
using leadrouter::storage::OptOut;
using json = nlohmann::json;

namespace {

const SystemTime kT0{std::chrono::seconds(1773526061)};
const char kPhone[] = "+12125550199";
const char kEmail[] = "dana@example.com";

leadrouter::pipeline::ProcessedLead Lead(const std::string& email,
                                         const std::string& phone) {
  leadrouter::pipeline::ProcessedLead lead;
  lead.source = "Zillow Premier";
  lead.name = {"Dana O'Connell", "Dana", "O'Connell"};
  if (!email.empty()) {
    lead.email = email;
    lead.email_valid = true;
    lead.dedupe_keys.push_back("email:" + email);
  }
  if (!phone.empty()) {
    lead.phone = {phone, phone, true, "MOBILE", "US"};
    lead.dedupe_keys.push_back("phone:" + phone);
  }
  return lead;
}

struct World {
  World() : db(Database::Open(":memory:")) {}

  int64_t Intake(const leadrouter::pipeline::ProcessedLead& lead, SystemTime at) {
    return LeadStore(db->db()).Intake(lead, at, 24h).lead_id;
  }
  int64_t Job(const std::string& kind, int64_t lead) {
    leadrouter::storage::NewJob job;
    job.kind = kind;
    job.lead_id = lead;
    job.due_at = kT0 + 1h;
    return JobStore(db->db()).Enqueue(job, kT0);
  }
  JobState State(int64_t job) { return JobStore(db->db()).Get(job)->state; }
  leadrouter::OptOutResult Apply(const std::vector<OptOut>& opt_outs,
                                 SystemTime at = kT0 + 10min) {
    SQLite::Transaction tx(db->db());
    auto r = leadrouter::ApplyOptOut(*db, opt_outs, at);
    tx.commit();
    return r;
  }
  std::vector<leadrouter::storage::TimelineEvent> Events(int64_t lead,
                                                         const std::string& kind) {
    std::vector<leadrouter::storage::TimelineEvent> out;
    for (auto& e : leadrouter::storage::Timeline(db->db()).List(lead)) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

  std::unique_ptr<Database> db;
};

}  // namespace

TEST_CASE("an SMS opt-out cancels only the SMS steps of every lead with the phone",
          "[bot][opt_out]") {
  World w;
  int64_t old_lead = w.Intake(Lead("", kPhone), kT0 - 72h);
  int64_t lead = w.Intake(Lead(kEmail, kPhone), kT0);
  int64_t stranger = w.Intake(Lead("sam@example.com", "+13125550142"), kT0);
  int64_t sms1 = w.Job("sequence.sms", lead);
  int64_t sms2 = w.Job("sequence.sms", old_lead);
  int64_t email = w.Job("sequence.email", lead);
  int64_t remind = w.Job("sla.remind", lead);
  int64_t escalate = w.Job("sla.escalate", lead);
  int64_t dm = w.Job("slack.dm_note", lead);
  int64_t other = w.Job("sequence.sms", stranger);

  auto r = w.Apply({{"sms", kPhone, "twilio", "keyword STOP", kT0 + 10min}});
  REQUIRE(r.channels.size() == 1);
  CHECK(r.channels[0].channel == "sms");
  CHECK(r.channels[0].address == kPhone);
  CHECK(r.channels[0].added);
  CHECK(r.channels[0].lead_ids == std::vector<int64_t>{lead, old_lead});
  CHECK(r.channels[0].cancelled_steps == 2);
  CHECK(r.leads == 2);
  CHECK(r.cancelled_steps == 2);

  CHECK(w.State(sms1) == JobState::kCancelled);
  CHECK(w.State(sms2) == JobState::kCancelled);
  CHECK(JobStore(w.db->db()).Get(sms1)->last_error == "opted out (sms via twilio)");
  // A manager's or owner's reminder is not a message to the person.
  CHECK(w.State(email) == JobState::kPending);
  CHECK(w.State(remind) == JobState::kPending);
  CHECK(w.State(escalate) == JobState::kPending);
  CHECK(w.State(dm) == JobState::kPending);
  CHECK(w.State(other) == JobState::kPending);
}

TEST_CASE("an opt-out is explained on the timeline and withdraws the consent",
          "[bot][opt_out]") {
  World w;
  int64_t lead = w.Intake(Lead(kEmail, kPhone), kT0);
  w.Apply({{"email", "Dana@Example.com", "api", "unsubscribe page", kT0}});
  auto events = w.Events(lead, "opted_out");
  REQUIRE(events.size() == 1);
  CHECK(events[0].detail == json{{"channel", "email"}, {"source", "api"},
                                 {"detail", "unsubscribe page"}, {"new", true}});
  FollowUpStore follow_up(w.db->db());
  CHECK(follow_up.LatestConsent(lead, "email") == false);
  CHECK_FALSE(follow_up.LatestConsent(lead, "sms").has_value());
  CHECK(follow_up.ConsentHistory(lead).back().source == "optout");
  CHECK(follow_up.FindOptOut("email", kEmail).has_value());
}

TEST_CASE("a repeated opt-out is not new but still stops steps written since",
          "[bot][opt_out]") {
  World w;
  int64_t lead = w.Intake(Lead("", kPhone), kT0);
  w.Apply({{"sms", kPhone, "api", "", kT0}});
  int64_t late = w.Job("sequence.sms", lead);
  auto r = w.Apply({{"sms", kPhone, "twilio", "keyword STOP", kT0 + 1h}});
  CHECK_FALSE(r.channels[0].added);
  CHECK(r.cancelled_steps == 1);
  CHECK(w.State(late) == JobState::kCancelled);
  // The first report stays the stored one.
  CHECK(FollowUpStore(w.db->db()).FindOptOut("sms", kPhone)->source == "api");
}

TEST_CASE("an opt-out for an address no lead has is stored for later leads",
          "[bot][opt_out]") {
  World w;
  auto r = w.Apply({{"sms", kPhone, "api", "", kT0}});
  CHECK(r.leads == 0);
  CHECK(r.channels[0].lead_ids.empty());
  int64_t later = w.Intake(Lead("", kPhone), kT0 + 1h);
  CHECK(FollowUpStore(w.db->db()).FindOptOut("sms", kPhone).has_value());
  CHECK(w.Events(later, "opted_out").empty());
}

TEST_CASE("START lifts the SMS opt-out and records consent on the phone's leads",
          "[bot][opt_out]") {
  World w;
  int64_t lead = w.Intake(Lead(kEmail, kPhone), kT0);
  w.Apply({{"sms", kPhone, "twilio", "keyword STOP", kT0}});
  w.Apply({{"email", kEmail, "api", "", kT0}});
  SQLite::Transaction tx(w.db->db());
  auto r = leadrouter::ApplySmsOptIn(w.db->db(), kPhone, "twilio", "keyword START",
                                     kT0 + 1h);
  tx.commit();
  CHECK(r.lifted);
  CHECK(r.lead_ids == std::vector<int64_t>{lead});
  FollowUpStore follow_up(w.db->db());
  CHECK_FALSE(follow_up.FindOptOut("sms", kPhone).has_value());
  CHECK(follow_up.FindOptOut("email", kEmail).has_value());  // not its business
  CHECK(follow_up.LatestConsent(lead, "sms") == true);
  CHECK(follow_up.ConsentHistory(lead).back().source == "twilio");
  auto events = w.Events(lead, "opted_in");
  REQUIRE(events.size() == 1);
  CHECK(events[0].detail["lifted"] == true);
  CHECK(events[0].detail["detail"] == "keyword START");
}

TEST_CASE("an ordinary reply lands on the timeline of the phone's leads",
          "[bot][opt_out]") {
  World w;
  int64_t lead = w.Intake(Lead("", kPhone), kT0);
  SQLite::Transaction tx(w.db->db());
  auto leads = leadrouter::RecordSmsReply(
      w.db->db(), kPhone, {"Saturday works", "SM1", "+13125550100"}, kT0);
  CHECK(leadrouter::RecordSmsReply(w.db->db(), "+13125550142", {"?", "SM2", "+13125550100"},
                                   kT0)
            .empty());
  tx.commit();
  CHECK(leads == std::vector<int64_t>{lead});
  auto events = w.Events(lead, "sms_reply");
  REQUIRE(events.size() == 1);
  CHECK(events[0].detail["text"] == "Saturday works");
  CHECK_FALSE(FollowUpStore(w.db->db()).FindOptOut("sms", kPhone).has_value());
}

TEST_CASE("intake records the consent the form stated, and only then",
          "[bot][opt_out][consent]") {
  World w;
  auto lead = Lead(kEmail, kPhone);
  lead.consent.sms = true;
  lead.consent.marketing = false;
  lead.consent.policy_version = "2026-01";
  int64_t id = w.Intake(lead, kT0);
  CHECK(leadrouter::RecordIntakeConsent(w.db->db(), id, lead, kT0));
  auto history = FollowUpStore(w.db->db()).ConsentHistory(id);
  REQUIRE(history.size() == 2);
  CHECK(history[0].flag == "marketing");
  CHECK(history[0].source == "Zillow Premier");
  CHECK(history[1].flag == "sms");
  CHECK(history[1].policy_version == "2026-01");
  auto events = w.Events(id, "consent_recorded");
  REQUIRE(events.size() == 1);
  CHECK(events[0].detail == json{{"source", "Zillow Premier"}, {"marketing", false},
                                 {"sms", true}, {"policy_version", "2026-01"}});

  auto silent = Lead("sam@example.com", "");
  int64_t quiet = w.Intake(silent, kT0);
  CHECK_FALSE(leadrouter::RecordIntakeConsent(w.db->db(), quiet, silent, kT0));
  CHECK(w.Events(quiet, "consent_recorded").empty());
}
