#include "storage/lead_stats.h"

#include <catch2/catch.hpp>

#include "storage/agent_store.h"
#include "storage/database.h"
#include "storage/lead_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::pipeline::Intent;
using leadrouter::pipeline::ProcessedLead;
using leadrouter::pipeline::Segment;
using leadrouter::storage::AgentSeed;
using leadrouter::storage::AgentStore;
using leadrouter::storage::Database;
using leadrouter::storage::LeadStats;
using leadrouter::storage::LeadStore;
using leadrouter::storage::QueryLeadStats;
using leadrouter::storage::SegmentCount;
using leadrouter::storage::TimePoint;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;

namespace {

// The UTC day around kT0 (2026-03-14T22:07:41Z).
const TimePoint kDayStart = std::chrono::floor<std::chrono::days>(kT0);
const TimePoint kDayEnd = kDayStart + std::chrono::days(1);

AgentSeed Seed(const std::string& slack_id, const std::string& name) {
  AgentSeed seed;
  seed.slack_id = slack_id;
  seed.name = name;
  return seed;
}

struct Fixture {
  Fixture() : db(Database::Open(":memory:")), leads(db->db()) {
    AgentStore(db->db()).SeedIfEmpty(
        {Seed("U0123ANA", "Ana"), Seed("U0123BEN", "Ben"),
         Seed("U0123CY", "Cy")},
        kDayStart);
  }
  // A lead of `segment` received at `at`; each call a distinct contact.
  int64_t Add(Segment segment, TimePoint at,
              Intent intent = Intent::kGeneralInquiry) {
    ProcessedLead lead = LeadWithEmail(
        "lead" + std::to_string(next++) + "@example.com", "hello");
    lead.segment = segment;
    lead.intent = intent;
    return leads.Intake(lead, at, 24h).lead_id;
  }
  LeadStats Today() { return QueryLeadStats(db->db(), kDayStart, kDayEnd); }

  std::unique_ptr<Database> db;
  LeadStore leads;
  int next = 0;
};

int64_t SegmentLeads(const LeadStats& s, const std::string& segment) {
  for (const SegmentCount& c : s.by_segment) {
    if (c.segment == segment) return c.leads;
  }
  return -1;
}

}  // namespace

TEST_CASE("today's leads are counted by segment, spam and other days apart",
          "[storage][lead_stats]") {
  Fixture f;
  f.Add(Segment::kHotBuyer, kDayStart);  // the first millisecond counts
  f.Add(Segment::kHotBuyer, kT0);
  f.Add(Segment::kWarmBuyer, kT0);
  f.Add(Segment::kNurtureLongterm, kT0);
  f.Add(Segment::kWarmBuyer, kT0, Intent::kSpam);  // spam row
  f.Add(Segment::kHotBuyer, kDayStart - 1ms);      // yesterday
  f.Add(Segment::kHotBuyer, kDayEnd);              // tomorrow

  LeadStats s = f.Today();
  CHECK(SegmentLeads(s, "HOT_BUYER") == 2);
  CHECK(SegmentLeads(s, "WARM_BUYER") == 1);
  CHECK(SegmentLeads(s, "NURTURE_LONGTERM") == 1);
  CHECK(SegmentLeads(s, "LOW_QUALITY") == 0);  // listed even when zero
  CHECK(s.by_segment.size() == 4);
  CHECK(s.by_segment.front().segment == "HOT_BUYER");
  CHECK(s.received == 4);
  CHECK(s.spam == 1);
}

TEST_CASE("time to claim gives the median and p90 of today's owned leads",
          "[storage][lead_stats]") {
  Fixture f;
  // Claimed after 10, 20, …, 100 s: median 55 s, p90 91 s.
  for (int i = 1; i <= 10; ++i) {
    TimePoint at = kDayStart + std::chrono::hours(i);
    int64_t id = f.Add(Segment::kHotBuyer, at);
    f.leads.SetOwner(id, "U0123ANA", at + std::chrono::seconds(10 * i));
  }
  // Owned yesterday: not today's figure.
  int64_t old = f.Add(Segment::kHotBuyer, kDayStart - 2h);
  f.leads.SetOwner(old, "U0123BEN", kDayStart - 1h);

  LeadStats s = f.Today();
  CHECK(s.owned == 10);
  REQUIRE(s.claim_median.has_value());
  REQUIRE(s.claim_p90.has_value());
  CHECK(*s.claim_median == 55000ms);
  CHECK(*s.claim_p90 == 91000ms);
}

TEST_CASE("a lead received yesterday and claimed today counts today",
          "[storage][lead_stats]") {
  Fixture f;
  int64_t id = f.Add(Segment::kWarmBuyer, kDayStart - 30s);
  f.leads.SetOwner(id, "U0123ANA", kDayStart + 90s);
  LeadStats s = f.Today();
  CHECK(s.owned == 1);
  CHECK(*s.claim_median == 120s);
}

TEST_CASE("no owned lead means no time to claim", "[storage][lead_stats]") {
  Fixture f;
  f.Add(Segment::kHotBuyer, kT0);
  LeadStats s = f.Today();
  CHECK(s.owned == 0);
  CHECK_FALSE(s.claim_median.has_value());
  CHECK_FALSE(s.claim_p90.has_value());
}

TEST_CASE("waiting leads are the hot and warm ones nobody owns yet",
          "[storage][lead_stats]") {
  Fixture f;
  int64_t hot_yesterday = f.Add(Segment::kHotBuyer, kDayStart - 1h);
  int64_t hot = f.Add(Segment::kHotBuyer, kT0);
  int64_t claimed = f.Add(Segment::kHotBuyer, kT0);
  f.leads.SetOwner(claimed, "U0123ANA", kT0 + 5s);
  int64_t taken_over = f.Add(Segment::kHotBuyer, kT0);
  f.leads.MarkTakenOver(taken_over, kT0 + 1s);
  int64_t warm = f.Add(Segment::kWarmBuyer, kT0);
  f.Add(Segment::kNurtureLongterm, kT0);  // no agent by design
  f.Add(Segment::kWarmBuyer, kT0, Intent::kSupportRequest);  // triage
  f.Add(Segment::kHotBuyer, kT0, Intent::kSpam);             // spam

  LeadStats s = f.Today();
  CHECK(s.unclaimed_hot == 2);
  CHECK(s.unclaimed_hot_ids == std::vector<int64_t>{hot_yesterday, hot});
  CHECK(s.unassigned == 1);
  CHECK(s.unassigned_ids == std::vector<int64_t>{warm});
}

TEST_CASE("waiting ids are capped but the count is not",
          "[storage][lead_stats]") {
  Fixture f;
  for (int i = 0; i < 5; ++i) f.Add(Segment::kHotBuyer, kT0);
  LeadStats s = QueryLeadStats(f.db->db(), kDayStart, kDayEnd, 3);
  CHECK(s.unclaimed_hot == 5);
  CHECK(s.unclaimed_hot_ids.size() == 3);
}

TEST_CASE("per-agent counts list every agent in rotation order, then others",
          "[storage][lead_stats]") {
  Fixture f;
  for (int i = 0; i < 3; ++i) {
    f.leads.SetOwner(f.Add(Segment::kWarmBuyer, kT0), "U0123BEN", kT0 + 1s);
  }
  f.leads.SetOwner(f.Add(Segment::kWarmBuyer, kT0), "U0123ANA", kT0 + 1s);
  f.leads.SetOwner(f.Add(Segment::kWarmBuyer, kT0), "U0999OLD", kT0 + 1s);
  // Owned yesterday: not counted.
  f.leads.SetOwner(f.Add(Segment::kWarmBuyer, kDayStart - 2h), "U0123CY",
                   kDayStart - 1h);

  LeadStats s = f.Today();
  REQUIRE(s.per_agent.size() == 4);
  CHECK(s.per_agent[0].slack_id == "U0123ANA");
  CHECK(s.per_agent[0].name == "Ana");
  CHECK(s.per_agent[0].leads == 1);
  CHECK(s.per_agent[1].slack_id == "U0123BEN");
  CHECK(s.per_agent[1].leads == 3);
  CHECK(s.per_agent[2].slack_id == "U0123CY");
  CHECK(s.per_agent[2].leads == 0);
  CHECK(s.per_agent[3].slack_id == "U0999OLD");
  CHECK(s.per_agent[3].name == "");
  CHECK(s.per_agent[3].leads == 1);
}

TEST_CASE(
    "time to first contact per agent is the median and p90 of today's first "
    "contacts, from getting the lead to the contact",
    "[storage][lead_stats]") {
  Fixture f;
  const TimePoint t = kDayStart + 10h;
  // Ana: 1, 3 and 10 minutes.
  for (auto wait : {1min, 3min, 10min}) {
    int64_t id = f.Add(Segment::kHotBuyer, t - 5min);
    f.leads.SetOwner(id, "U0123ANA", t);
    f.leads.MarkContacted(id, t + wait);
  }
  // Ben: 2 minutes, then the lead moves on to Cy; the contact stays Ben's.
  int64_t bens = f.Add(Segment::kWarmBuyer, t);
  f.leads.SetOwner(bens, "U0123BEN", t);
  f.leads.MarkContacted(bens, t + 2min);
  f.leads.SetOwner(bens, "U0123CY", t + 1h);
  // Contact on a lead nobody owned, and yesterday's contact: neither counts.
  f.leads.MarkContacted(f.Add(Segment::kHotBuyer, t), t + 1min);
  int64_t old = f.Add(Segment::kHotBuyer, kDayStart - 3h);
  f.leads.SetOwner(old, "U0123ANA", kDayStart - 3h);
  f.leads.MarkContacted(old, kDayStart - 1h);

  LeadStats s = f.Today();
  REQUIRE(s.per_agent.size() == 3);
  const auto& ana = s.per_agent[0];
  CHECK(ana.contacted == 3);
  CHECK(ana.contact_median == std::chrono::milliseconds(3min));
  // Linear between the 2nd and 3rd of {1, 3, 10} min at rank 1.8.
  CHECK(ana.contact_p90 == std::chrono::milliseconds(516s));
  const auto& ben = s.per_agent[1];
  CHECK(ben.contacted == 1);
  CHECK(ben.contact_median == std::chrono::milliseconds(2min));
  CHECK(ben.contact_p90 == std::chrono::milliseconds(2min));
  const auto& cy = s.per_agent[2];
  CHECK(cy.leads == 1);
  CHECK(cy.contacted == 0);
  CHECK_FALSE(cy.contact_median);
}

TEST_CASE("a first contact by an agent who owns nothing today still lists them",
          "[storage][lead_stats]") {
  Fixture f;
  int64_t id = f.Add(Segment::kHotBuyer, kDayStart - 2h);
  f.leads.SetOwner(id, "U0999OLD", kDayStart - 1h);
  f.leads.MarkContacted(id, kDayStart + 1h);
  LeadStats s = f.Today();
  REQUIRE(s.per_agent.size() == 4);
  CHECK(s.per_agent[3].slack_id == "U0999OLD");
  CHECK(s.per_agent[3].leads == 0);
  CHECK(s.per_agent[3].contacted == 1);
  CHECK(s.per_agent[3].contact_median == std::chrono::milliseconds(2h));
}
