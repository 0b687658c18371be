#include "storage/follow_up_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "storage/lead_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::pipeline::Consent;
using leadrouter::storage::ConsentRecord;
using leadrouter::storage::Database;
using leadrouter::storage::FollowUpStore;
using leadrouter::storage::LeadStore;
using leadrouter::storage::OptOut;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;
using leadrouter::storage::testing::LeadWithPhone;

namespace {

const char kDanaPhone[] = "+12125550199";

int64_t NewLead(Database& db, const std::string& email) {
  return LeadStore(db.db())
      .Intake(LeadWithEmail(email, "hello"), kT0, 24h)
      .lead_id;
}

OptOut SmsOptOut(const std::string& phone, const std::string& source,
                 leadrouter::storage::TimePoint at) {
  return OptOut{"sms", phone, source, "keyword STOP", at};
}

}  // namespace

TEST_CASE("consent writes one row per stated flag and keeps the history",
          "[storage][follow_up]") {
  auto db = Database::Open(":memory:");
  int64_t lead = NewLead(*db, "dana@example.com");
  FollowUpStore store(db->db());

  Consent first;
  first.marketing = true;
  first.sms = false;  // email left unset: nothing written for it
  first.policy_version = "2026-01";
  store.RecordConsent(lead, first, "Zillow Premier", kT0);

  Consent second;
  second.sms = true;
  store.RecordConsent(lead, second, "twilio", kT0 + 1h);

  std::vector<ConsentRecord> history = store.ConsentHistory(lead);
  REQUIRE(history.size() == 3);
  CHECK(history[0].flag == "marketing");
  CHECK(history[0].granted);
  CHECK(history[0].source == "Zillow Premier");
  CHECK(history[0].policy_version == "2026-01");
  CHECK(history[0].recorded_at == kT0);
  CHECK(history[1].flag == "sms");
  CHECK_FALSE(history[1].granted);
  CHECK(history[2].flag == "sms");
  CHECK(history[2].granted);
  CHECK(history[2].source == "twilio");
  CHECK(history[2].policy_version.empty());
  CHECK(history[2].recorded_at == kT0 + 1h);
  for (const ConsentRecord& r : history) CHECK(r.lead_id == lead);
}

TEST_CASE("the latest consent statement wins; an unstated flag is unknown",
          "[storage][follow_up]") {
  auto db = Database::Open(":memory:");
  int64_t lead = NewLead(*db, "dana@example.com");
  int64_t other = NewLead(*db, "sam@example.com");
  FollowUpStore store(db->db());
  Consent yes;
  yes.sms = true;
  Consent no;
  no.sms = false;

  CHECK_FALSE(store.LatestConsent(lead, "sms").has_value());
  store.RecordConsent(lead, yes, "Website", kT0);
  store.RecordConsent(lead, no, "crm", kT0 + 1min);
  CHECK(store.LatestConsent(lead, "sms") == false);
  SECTION("same time: the later row wins") {
    store.RecordConsent(lead, yes, "twilio", kT0 + 1min);
    CHECK(store.LatestConsent(lead, "sms") == true);
  }
  SECTION("other flags and other leads are unaffected") {
    CHECK_FALSE(store.LatestConsent(lead, "email").has_value());
    CHECK_FALSE(store.LatestConsent(other, "sms").has_value());
    CHECK(store.ConsentHistory(other).empty());
  }
}

TEST_CASE("an empty consent writes nothing", "[storage][follow_up]") {
  auto db = Database::Open(":memory:");
  int64_t lead = NewLead(*db, "dana@example.com");
  FollowUpStore store(db->db());
  Consent unset;
  unset.policy_version = "2026-01";
  store.RecordConsent(lead, unset, "Website", kT0);
  CHECK(store.ConsentHistory(lead).empty());
}

TEST_CASE("consent for an unknown lead throws", "[storage][follow_up]") {
  auto db = Database::Open(":memory:");
  Consent yes;
  yes.sms = true;
  CHECK_THROWS_AS(FollowUpStore(db->db()).RecordConsent(404, yes, "x", kT0),
                  SQLite::Exception);
}

TEST_CASE("an opt-out is recorded once and keeps its first source and time",
          "[storage][follow_up]") {
  auto db = Database::Open(":memory:");
  FollowUpStore store(db->db());
  CHECK(store.AddOptOut(SmsOptOut(kDanaPhone, "twilio", kT0)));
  CHECK_FALSE(store.AddOptOut(SmsOptOut(kDanaPhone, "api", kT0 + 1h)));

  auto found = store.FindOptOut("sms", kDanaPhone);
  REQUIRE(found.has_value());
  CHECK(found->channel == "sms");
  CHECK(found->address == kDanaPhone);
  CHECK(found->source == "twilio");
  CHECK(found->detail == "keyword STOP");
  CHECK(found->at == kT0);
  // Another channel for the same person is a separate matter.
  CHECK_FALSE(store.FindOptOut("email", kDanaPhone).has_value());
  CHECK_FALSE(store.FindOptOut("sms", "+12125550100").has_value());
}

TEST_CASE("an e-mail opt-out matches whatever the capitalisation",
          "[storage][follow_up]") {
  auto db = Database::Open(":memory:");
  FollowUpStore store(db->db());
  REQUIRE(store.AddOptOut({"email", "Dana@Example.com", "api", "", kT0}));
  auto found = store.FindOptOut("email", "dana@example.com");
  REQUIRE(found.has_value());
  CHECK(found->address == "dana@example.com");
  CHECK_FALSE(store.AddOptOut({"email", "DANA@example.com", "api", "", kT0}));
  CHECK(store.RemoveOptOut("email", "DANA@EXAMPLE.COM"));
  CHECK_FALSE(store.FindOptOut("email", "dana@example.com").has_value());
}

TEST_CASE("an opt-out survives consent, a new lead and a duplicate",
          "[storage][follow_up]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  FollowUpStore store(db->db());
  int64_t lead =
      leads.Intake(LeadWithPhone(kDanaPhone, "first"), kT0, 24h).lead_id;
  REQUIRE(store.AddOptOut(SmsOptOut(kDanaPhone, "twilio", kT0 + 1min)));

  Consent yes;
  yes.sms = true;
  yes.marketing = true;
  // The same person submits again (a duplicate), then again after the
  // window (a new lead), each time ticking "texts OK".
  auto repeat = leads.Intake(LeadWithPhone(kDanaPhone, "again"), kT0 + 1h, 24h);
  REQUIRE(repeat.duplicate);
  store.RecordConsent(repeat.lead_id, yes, "Zillow Premier", kT0 + 1h);
  int64_t later =
      leads.Intake(LeadWithPhone(kDanaPhone, "later"), kT0 + 72h, 24h).lead_id;
  REQUIRE(later != lead);
  store.RecordConsent(later, yes, "Zillow Premier", kT0 + 72h);

  auto found = store.FindOptOut("sms", kDanaPhone);
  REQUIRE(found.has_value());
  CHECK(found->source == "twilio");
  CHECK(store.LatestConsent(later, "sms") == true);  // stated, still stored
}

TEST_CASE("RemoveOptOut lifts an opt-out and reports whether there was one",
          "[storage][follow_up]") {
  auto db = Database::Open(":memory:");
  FollowUpStore store(db->db());
  CHECK_FALSE(store.RemoveOptOut("sms", kDanaPhone));
  REQUIRE(store.AddOptOut(SmsOptOut(kDanaPhone, "twilio", kT0)));
  CHECK(store.RemoveOptOut("sms", kDanaPhone));
  CHECK_FALSE(store.FindOptOut("sms", kDanaPhone).has_value());
  // A later STOP opts out afresh.
  CHECK(store.AddOptOut(SmsOptOut(kDanaPhone, "twilio", kT0 + 1h)));
  CHECK(store.FindOptOut("sms", kDanaPhone)->at == kT0 + 1h);
}

TEST_CASE("only sms and email can be opted out of, and never an empty address",
          "[storage][follow_up]") {
  auto db = Database::Open(":memory:");
  FollowUpStore store(db->db());
  CHECK_THROWS_AS(store.AddOptOut({"webhook", "x", "api", "", kT0}),
                  SQLite::Exception);
  CHECK_THROWS_AS(store.AddOptOut({"sms", "", "api", "", kT0}),
                  SQLite::Exception);
}

TEST_CASE("a lead is enrolled once; a second enrolment changes nothing",
          "[storage][follow_up]") {
  auto db = Database::Open(":memory:");
  int64_t lead = NewLead(*db, "dana@example.com");
  FollowUpStore store(db->db());
  CHECK_FALSE(store.EnrolledAt(lead).has_value());
  CHECK(store.Enroll(lead, "HOT_BUYER", kT0));
  CHECK_FALSE(store.Enroll(lead, "WARM_BUYER", kT0 + 1h));
  CHECK(store.EnrolledAt(lead) == kT0);
  CHECK(db->db()
            .execAndGet("SELECT segment FROM sequence_enrollments")
            .getString() == "HOT_BUYER");
  CHECK_THROWS_AS(store.Enroll(404, "HOT_BUYER", kT0), SQLite::Exception);
}

TEST_CASE("a channel is stopped once per lead and keeps the first reason",
          "[storage][follow_up]") {
  auto db = Database::Open(":memory:");
  int64_t lead = NewLead(*db, "dana@example.com");
  int64_t other = NewLead(*db, "sam@example.com");
  FollowUpStore store(db->db());
  CHECK_FALSE(store.ChannelStopReason(lead, "sms").has_value());
  CHECK(store.StopChannel(lead, "sms", "21211 invalid number", kT0));
  CHECK_FALSE(store.StopChannel(lead, "sms", "later failure", kT0 + 1h));
  CHECK(store.ChannelStopReason(lead, "sms") == "21211 invalid number");
  CHECK_FALSE(store.ChannelStopReason(lead, "email").has_value());
  CHECK_FALSE(store.ChannelStopReason(other, "sms").has_value());
  CHECK(store.StopChannel(lead, "email", "550 mailbox unavailable", kT0));
}
