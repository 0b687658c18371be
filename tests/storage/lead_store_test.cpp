#include "storage/lead_store.h"

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "storage/timeline.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Database;
using leadrouter::storage::IntakeResult;
using leadrouter::storage::LeadStatus;
using leadrouter::storage::LeadStore;
using leadrouter::storage::StoredLead;
using leadrouter::storage::Timeline;
using leadrouter::storage::TimelineEvent;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;
using leadrouter::storage::testing::LeadWithPhone;
using leadrouter::storage::testing::WithPhone;

namespace {

constexpr std::chrono::seconds kWindow = 24h;
const char kDana[] = "dana@example.com";
const char kDanaPhone[] = "+12125550199";

int64_t CountLeads(Database& db) {
  return db.db().execAndGet("SELECT COUNT(*) FROM leads").getInt64();
}

}  // namespace

TEST_CASE("a new lead is stored with its keys and a received event",
          "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  auto lead =
      WithPhone(LeadWithEmail(kDana, "Looking to buy in March"), kDanaPhone);
  lead.crm_id = "00Q5e000001";

  IntakeResult r = leads.Intake(lead, kT0, kWindow);
  CHECK_FALSE(r.duplicate);
  CHECK_FALSE(r.duplicate_of.has_value());
  CHECK(r.repeat_count == 0);

  std::optional<StoredLead> stored = leads.Get(r.lead_id);
  REQUIRE(stored.has_value());
  CHECK(stored->status == LeadStatus::kActive);
  CHECK(stored->created_at == kT0);
  CHECK(leads.CreatedAt(r.lead_id) == kT0);
  CHECK_FALSE(leads.CreatedAt(r.lead_id + 1).has_value());
  CHECK(stored->updated_at == kT0);
  CHECK(stored->source == "Website");
  CHECK(stored->segment == "HOT_BUYER");
  CHECK(stored->intent == "URGENT_BUYER");
  CHECK(stored->score == 72);
  CHECK(stored->name == "Dana O'Connell");
  CHECK(stored->email == kDana);
  CHECK(stored->phone_e164 == kDanaPhone);
  CHECK(stored->crm_id == "00Q5e000001");
  CHECK_FALSE(stored->owner_slack_id.has_value());
  CHECK(stored->messages ==
        std::vector<std::string>{"Looking to buy in March"});
  CHECK(stored->lead.email == kDana);
  CHECK(stored->lead.phone.e164 == kDanaPhone);
  CHECK(stored->lead.score_reasons.size() == 1);

  CHECK(leads.FindByKey(std::string("email:") + kDana) == r.lead_id);
  CHECK(leads.FindByKey(std::string("phone:") + kDanaPhone) == r.lead_id);

  std::vector<TimelineEvent> events = Timeline(db->db()).List(r.lead_id);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == "received");
  CHECK(events[0].at == kT0);
  CHECK(events[0].detail["source"] == "Website");
  CHECK(events[0].detail["score"] == 72);
  CHECK(events[0].detail["segment"] == "HOT_BUYER");
  CHECK(events[0].detail["intent"] == "URGENT_BUYER");
  CHECK(events[0].detail["reasons"][0]["rule"] == "timeline_30d");
}

TEST_CASE(
    "a repeat with the same e-mail inside the window merges into the first "
    "lead",
    "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  IntakeResult first = leads.Intake(
      LeadWithEmail(kDana, "Looking to buy in March"), kT0, kWindow);

  auto repeat =
      WithPhone(LeadWithEmail(kDana, "Can we see it Saturday?"), kDanaPhone);
  repeat.source = "Zillow Premier";
  IntakeResult second = leads.Intake(repeat, kT0 + 2h, kWindow);

  SECTION("the result names the first lead as a duplicate") {
    CHECK(second.duplicate);
    CHECK(second.lead_id == first.lead_id);
    CHECK(second.duplicate_of == first.lead_id);
    CHECK(second.repeat_count == 1);
    CHECK(CountLeads(*db) == 1);
  }
  SECTION("the missing phone is filled and the new message appended") {
    std::optional<StoredLead> stored = leads.Get(first.lead_id);
    REQUIRE(stored.has_value());
    CHECK(stored->phone_e164 == kDanaPhone);
    CHECK(stored->lead.phone.e164 == kDanaPhone);
    CHECK(stored->messages ==
          std::vector<std::string>{"Looking to buy in March",
                                   "Can we see it Saturday?"});
    CHECK(stored->repeat_count == 1);
    CHECK(stored->created_at == kT0);
    CHECK(stored->updated_at == kT0 + 2h);
    CHECK(stored->source == "Website");  // the first inquiry's
  }
  SECTION("the repeat's new phone key now finds the lead") {
    CHECK(leads.FindByKey(std::string("phone:") + kDanaPhone) == first.lead_id);
  }
  SECTION("a duplicate event records the matched key and what was filled") {
    std::vector<TimelineEvent> events = Timeline(db->db()).List(first.lead_id);
    REQUIRE(events.size() == 2);
    CHECK(events[1].kind == "duplicate");
    CHECK(events[1].at == kT0 + 2h);
    CHECK(events[1].detail["matched_key"] == std::string("email:") + kDana);
    CHECK(events[1].detail["filled"] == nlohmann::json::array({"phone"}));
    CHECK(events[1].detail["message_added"] == true);
    CHECK(events[1].detail["repeat_count"] == 1);
  }
  SECTION("a third repeat counts again") {
    IntakeResult third =
        leads.Intake(LeadWithEmail(kDana, "Hello?"), kT0 + 3h, kWindow);
    CHECK(third.repeat_count == 2);
    CHECK(leads.Get(first.lead_id)->repeat_count == 2);
  }
}

TEST_CASE("a repeat with the same message text does not append it twice",
          "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  IntakeResult first =
      leads.Intake(LeadWithEmail(kDana, "Same words"), kT0, kWindow);
  leads.Intake(LeadWithEmail(kDana, "Same words"), kT0 + 1min, kWindow);
  std::optional<StoredLead> stored = leads.Get(first.lead_id);
  CHECK(stored->messages == std::vector<std::string>{"Same words"});
  CHECK(stored->repeat_count == 1);
  CHECK(Timeline(db->db()).List(first.lead_id).back().detail["message_added"] ==
        false);
}

TEST_CASE("a merge fills only empty fields and never overwrites",
          "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  auto original = WithPhone(LeadWithEmail(kDana, "First"), kDanaPhone);
  original.property.address = "12 Elm St";
  IntakeResult first = leads.Intake(original, kT0, kWindow);

  auto repeat = WithPhone(LeadWithEmail(kDana, "Second"), "+12125550123");
  repeat.name = {"D. O.", "D.", "O."};
  repeat.property.address = "99 Other Rd";
  repeat.property.price = 650000;
  repeat.budget = 700000;
  repeat.crm_id = "00Q5e000001";
  leads.Intake(repeat, kT0 + 1h, kWindow);

  std::optional<StoredLead> stored = leads.Get(first.lead_id);
  CHECK(stored->name == "Dana O'Connell");
  CHECK(stored->phone_e164 == kDanaPhone);
  CHECK(stored->lead.property.address == "12 Elm St");
  CHECK(stored->lead.property.price == 650000);
  CHECK(stored->lead.budget == 700000);
  CHECK(stored->crm_id == "00Q5e000001");
  nlohmann::json filled =
      Timeline(db->db()).List(first.lead_id).back().detail["filled"];
  CHECK(filled ==
        nlohmann::json::array({"crm_id", "property.price", "budget"}));
  // The second number is a new identity for the same person.
  CHECK(leads.FindByKey("phone:+12125550123") == first.lead_id);
}

TEST_CASE("the same e-mail outside the window creates a new lead",
          "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  IntakeResult first =
      leads.Intake(LeadWithEmail(kDana, "March"), kT0, kWindow);

  SECTION("one second past the window") {
    IntakeResult later =
        leads.Intake(LeadWithEmail(kDana, "June"), kT0 + kWindow + 1s, kWindow);
    CHECK_FALSE(later.duplicate);
    CHECK(later.lead_id != first.lead_id);
    CHECK(CountLeads(*db) == 2);
    CHECK(leads.Get(first.lead_id)->repeat_count == 0);
    // The newer lead is the one the key now names.
    CHECK(leads.FindByKey(std::string("email:") + kDana) == later.lead_id);
  }
  SECTION("exactly at the window's edge still merges") {
    IntakeResult edge =
        leads.Intake(LeadWithEmail(kDana, "June"), kT0 + kWindow, kWindow);
    CHECK(edge.duplicate);
    CHECK(edge.lead_id == first.lead_id);
  }
}

TEST_CASE(
    "the window counts from the lead's first sighting, not its last repeat",
    "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  IntakeResult first = leads.Intake(LeadWithEmail(kDana, "a"), kT0, kWindow);
  CHECK(leads.Intake(LeadWithEmail(kDana, "b"), kT0 + 20h, kWindow).duplicate);
  IntakeResult late =
      leads.Intake(LeadWithEmail(kDana, "c"), kT0 + 30h, kWindow);
  CHECK_FALSE(late.duplicate);
  CHECK(late.lead_id != first.lead_id);
}

TEST_CASE("a repeat known only by phone merges by the phone key",
          "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  IntakeResult first =
      leads.Intake(LeadWithPhone(kDanaPhone, "Call me"), kT0, kWindow);

  auto repeat = WithPhone(LeadWithEmail(kDana, "Call me"), kDanaPhone);
  IntakeResult second = leads.Intake(repeat, kT0 + 5min, kWindow);
  CHECK(second.duplicate);
  CHECK(second.duplicate_of == first.lead_id);

  std::optional<StoredLead> stored = leads.Get(first.lead_id);
  CHECK(stored->email == kDana);
  CHECK(stored->name == "Dana O'Connell");
  CHECK(Timeline(db->db()).List(first.lead_id).back().detail["matched_key"] ==
        std::string("phone:") + kDanaPhone);
  CHECK(leads.FindByKey(std::string("email:") + kDana) == first.lead_id);
}

TEST_CASE("a spam lead is stored as spam and never merges",
          "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  auto bot = LeadWithEmail(kDana, "cheap pills");
  bot.honeypot = true;

  SECTION("spam after a real lead is a separate spam row") {
    IntakeResult real =
        leads.Intake(LeadWithEmail(kDana, "Real"), kT0, kWindow);
    IntakeResult spam = leads.Intake(bot, kT0 + 1min, kWindow);
    CHECK_FALSE(spam.duplicate);
    CHECK(spam.lead_id != real.lead_id);
    CHECK(leads.Get(spam.lead_id)->status == LeadStatus::kSpam);
    CHECK(leads.Get(real.lead_id)->repeat_count == 0);
    CHECK(leads.Get(real.lead_id)->messages ==
          std::vector<std::string>{"Real"});
  }
  SECTION("a real lead after spam is not merged into the spam row") {
    IntakeResult spam = leads.Intake(bot, kT0, kWindow);
    IntakeResult real =
        leads.Intake(LeadWithEmail(kDana, "Real"), kT0 + 1min, kWindow);
    CHECK_FALSE(real.duplicate);
    CHECK(real.lead_id != spam.lead_id);
    CHECK(leads.Get(real.lead_id)->status == LeadStatus::kActive);
    CHECK(leads.FindByKey(std::string("email:") + kDana) == real.lead_id);
  }
  SECTION("spam intent without a honeypot is spam too") {
    auto spammy = LeadWithEmail(kDana, "SEO services");
    spammy.intent = leadrouter::pipeline::Intent::kSpam;
    IntakeResult r = leads.Intake(spammy, kT0, kWindow);
    CHECK(leads.Get(r.lead_id)->status == LeadStatus::kSpam);
    CHECK_FALSE(leads.FindByKey(std::string("email:") + kDana).has_value());
    CHECK(Timeline(db->db()).List(r.lead_id)[0].detail["status"] == "spam");
  }
}

TEST_CASE("ClaimIfUnowned lets exactly one claimer win",
          "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  int64_t id = leads.Intake(LeadWithEmail(kDana, "x"), kT0, kWindow).lead_id;

  CHECK(leads.ClaimIfUnowned(id, "U0123ANA", kT0 + 37s));
  CHECK_FALSE(leads.ClaimIfUnowned(id, "U0123BOB", kT0 + 38s));
  std::optional<StoredLead> stored = leads.Get(id);
  CHECK(stored->owner_slack_id == "U0123ANA");
  CHECK(stored->claimed_at == kT0 + 37s);
  CHECK_FALSE(leads.ClaimIfUnowned(id + 100, "U0123ANA", kT0));
}

TEST_CASE("SetOwner reassigns even an owned lead", "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  int64_t id = leads.Intake(LeadWithEmail(kDana, "x"), kT0, kWindow).lead_id;
  REQUIRE(leads.ClaimIfUnowned(id, "U0123ANA", kT0 + 1s));
  CHECK(leads.SetOwner(id, "U0123BOB", kT0 + 5min));
  CHECK(leads.Get(id)->owner_slack_id == "U0123BOB");
  CHECK(leads.Get(id)->claimed_at == kT0 + 5min);
  CHECK_FALSE(leads.SetOwner(id + 100, "U0123BOB", kT0));
}

TEST_CASE("MarkContacted and MarkTakenOver keep the first time",
          "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  int64_t id = leads.Intake(LeadWithEmail(kDana, "x"), kT0, kWindow).lead_id;

  CHECK(leads.MarkContacted(id, kT0 + 1min));
  CHECK_FALSE(leads.MarkContacted(id, kT0 + 2min));
  CHECK(leads.MarkTakenOver(id, kT0 + 3min));
  CHECK_FALSE(leads.MarkTakenOver(id, kT0 + 4min));
  std::optional<StoredLead> stored = leads.Get(id);
  CHECK(stored->contacted_at == kT0 + 1min);
  CHECK(stored->taken_over_at == kT0 + 3min);
  CHECK(stored->updated_at == kT0 + 3min);
}

TEST_CASE("Get and FindByKey report absence", "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  CHECK_FALSE(leads.Get(1).has_value());
  CHECK_FALSE(leads.FindByKey("email:nobody@example.com").has_value());
}

TEST_CASE("FindByCrmId finds the newest active lead with that CRM id",
          "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  auto with_crm_id = [](leadrouter::pipeline::ProcessedLead lead, const std::string& id) {
    lead.crm_id = id;
    return lead;
  };
  int64_t older = leads.Intake(with_crm_id(LeadWithEmail(kDana, "x"), "00Q1"),
                               kT0, kWindow).lead_id;
  // Outside the window: a second lead row carrying the same CRM id.
  int64_t newer = leads.Intake(with_crm_id(LeadWithEmail(kDana, "y"), "00Q1"),
                               kT0 + 48h, kWindow).lead_id;
  REQUIRE(newer != older);
  leads.Intake(LeadWithEmail("ben@example.com", "z"), kT0, kWindow);

  CHECK(leads.FindByCrmId("00Q1") == newer);
  CHECK_FALSE(leads.FindByCrmId("00Q2").has_value());
  // Leads without a CRM id store ''; an empty id must match none of them.
  CHECK_FALSE(leads.FindByCrmId("").has_value());
}

TEST_CASE("MarkContacted credits the owner with the time since they got it",
          "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  int64_t owned = leads.Intake(LeadWithEmail(kDana, "x"), kT0, kWindow).lead_id;
  int64_t unowned =
      leads.Intake(LeadWithEmail("ben@example.com", "y"), kT0, kWindow).lead_id;
  leads.SetOwner(owned, "U0123ANA", kT0 + 1min);

  CHECK(leads.MarkContacted(owned, kT0 + 4min));
  CHECK(leads.MarkContacted(unowned, kT0 + 4min));
  // A later owner does not rewrite who made the first contact.
  leads.SetOwner(owned, "U0123BOB", kT0 + 10min);
  std::optional<StoredLead> stored = leads.Get(owned);
  CHECK(stored->first_contact_owner == "U0123ANA");
  CHECK(stored->first_contact_wait == std::chrono::milliseconds(3min));
  CHECK_FALSE(leads.Get(unowned)->first_contact_owner);
  CHECK_FALSE(leads.Get(unowned)->first_contact_wait);
}

TEST_CASE("FindAllByKey lists every lead carrying the key, newest first",
          "[storage][lead_store]") {
  auto db = Database::Open(":memory:");
  LeadStore leads(db->db());
  // Outside the window each inquiry is a lead of its own; both carry the key.
  int64_t first = leads.Intake(LeadWithPhone(kDanaPhone, "a"), kT0, kWindow)
                      .lead_id;
  int64_t second =
      leads.Intake(LeadWithPhone(kDanaPhone, "b"), kT0 + 48h, kWindow).lead_id;
  int64_t other =
      leads.Intake(LeadWithEmail(kDana, "c"), kT0 + 49h, kWindow).lead_id;
  REQUIRE(first != second);

  CHECK(leads.FindAllByKey(std::string("phone:") + kDanaPhone) ==
        std::vector<int64_t>{second, first});
  CHECK(leads.FindAllByKey(std::string("email:") + kDana) ==
        std::vector<int64_t>{other});
  CHECK(leads.FindAllByKey("phone:+12125550100").empty());
}
