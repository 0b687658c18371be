// Follow-up steps on real SQLite: enrolment with the routing that starts it,
// and what a due step does (send, skip, wait for the send window) and
// what a delivery's answer does to the lead.
#include "bot/follow_up/sequence_step.h"

#include <catch2/catch.hpp>

#include "bot/routing/outbox_plan.h"
#include "bot/routing/round_robin.h"
#include "bot/follow_up/sequence_enrollment.h"
#include "bot/runtime/time_zone.h"
#include "pipeline/process.h"
#include "storage/follow_up_store.h"
#include "storage/timeline.h"
#include "tests/bot/routing/rotation_test_support.h"

using namespace std::chrono_literals;
using leadrouter::Config;
using leadrouter::DecideStep;
using leadrouter::DeliveryResult;
using leadrouter::JobOutcome;
using leadrouter::StepDecision;
using leadrouter::SystemTime;
using leadrouter::storage::Database;
using leadrouter::storage::FollowUpStore;
using leadrouter::storage::Job;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::LeadStore;
using leadrouter::storage::Timeline;
using leadrouter::testing::AgentSeed;
using leadrouter::testing::IdOf;
using leadrouter::testing::PendingJobs;
using leadrouter::testing::RotationConfig;
using nlohmann::json;

namespace {

// Tuesday 2026-03-17 15:00 in Chicago (CDT, UTC-5): inside the window.
const SystemTime kAfternoon =
    std::chrono::sys_days(std::chrono::year(2026) / 3 / 17) + 20h;

json HotPayload(const std::string& phone = "+13125550142") {
  return {{"name", "Hal Hotbuyer"},
          {"email", "hal@example.com"},
          {"phone", phone},
          {"message", "Pre-approved and paying cash, can we see it today?"},
          {"listing", {{"price", 650000}, {"days_on_market", 3}}},
          {"address", "12 Elm St, Chicago, IL 60601"},
          {"consent", {{"sms", true}, {"marketing", true}}}};
}

struct Fixture {
  Fixture() : db(Database::Open(":memory:")), config(RotationConfig()) {
    config.company.name = "Elm Realty";
    config.email.from = "Elm Realty <homes@elmrealty.example>";
    leadrouter::storage::AgentSeed ana = AgentSeed("Ana");
    ana.name = "Ana Alvarez";
    ana.email = "ana@elmrealty.example";
    leadrouter::storage::AgentStore(db->db()).SeedIfEmpty({ana}, kAfternoon);
  }

  // Takes the payload in as intake does (consent recorded), then assigns
  // it through the rotation at `at`: the routing that enrols it.
  int64_t Lead(const json& payload, SystemTime at = kAfternoon) {
    auto lead = leadrouter::pipeline::Process(payload, config.rules, at);
    REQUIRE(lead.ok());
    int64_t id = LeadStore(db->db()).Intake(lead.value(), at, std::chrono::seconds(1)).lead_id;
    FollowUpStore(db->db()).RecordConsent(id, lead.value().consent, lead.value().source, at);
    REQUIRE(leadrouter::AssignRoundRobin(*db, id, at, config, {}).assigned);
    return id;
  }

  Job StepJob(int64_t lead, const std::string& kind, size_t nth = 0) {
    std::vector<Job> jobs;
    for (Job& j : PendingJobs(*db, kind)) {
      if (j.lead_id == lead) jobs.push_back(j);
    }
    REQUIRE(jobs.size() > nth);
    return jobs[nth];
  }

  StepDecision Decide(const Job& job, SystemTime at, const std::string& unavailable = "") {
    return DecideStep(*db, job, at, config, unavailable);
  }

  std::vector<json> Events(int64_t lead, const std::string& kind) {
    std::vector<json> out;
    for (const auto& e : Timeline(db->db()).List(lead)) {
      if (e.kind == kind) out.push_back(e.detail);
    }
    return out;
  }

  std::unique_ptr<Database> db;
  Config config;
};

}  // namespace

TEST_CASE("a hot lead is enrolled when the rotation gives it an owner, once",
          "[bot][follow_up]") {
  Fixture f;
  const int64_t lead = f.Lead(HotPayload());
  std::vector<Job> sms = PendingJobs(*f.db, leadrouter::kJobSequenceSms);
  std::vector<Job> email = PendingJobs(*f.db, leadrouter::kJobSequenceEmail);
  REQUIRE(sms.size() == 2);
  REQUIRE(email.size() == 2);
  CHECK(sms[0].due_at == kAfternoon);
  CHECK(email[0].due_at == kAfternoon + 1h);
  CHECK(email[1].due_at == kAfternoon + 24h);
  CHECK(sms[1].due_at == kAfternoon + 48h);
  CHECK(sms[1].payload["segment"] == "HOT_BUYER");
  CHECK(f.Events(lead, "sequence_enrolled").size() == 1);

  // A reassignment later does not start the sequence again.
  auto stored = LeadStore(f.db->db()).Get(lead);
  auto again = leadrouter::EnrollInSequence(*f.db, *stored, kAfternoon + 2h, f.config);
  CHECK_FALSE(again.enrolled);
  CHECK(again.why_not == "already enrolled");
  CHECK(PendingJobs(*f.db, leadrouter::kJobSequenceSms).size() == 2);
}

TEST_CASE("a due text is rendered for the lead and signed by its owner",
          "[bot][follow_up]") {
  Fixture f;
  const int64_t lead = f.Lead(HotPayload());
  StepDecision d = f.Decide(f.StepJob(lead, leadrouter::kJobSequenceSms), kAfternoon);
  REQUIRE(d.kind == StepDecision::Kind::kSend);
  CHECK(d.step.to == "+13125550142");
  CHECK(d.step.channel == leadrouter::pipeline::Channel::kSms);
  CHECK_THAT(d.step.body, Catch::Matchers::StartsWith("Hi Hal"));
  CHECK_THAT(d.step.body, Catch::Matchers::Contains("12 Elm St"));
  CHECK_THAT(d.step.body, Catch::Matchers::Contains("Ana Alvarez"));
  CHECK_THAT(d.step.body, Catch::Matchers::Contains("Elm Realty"));
  CHECK(d.step.delivery_id == "lead-" + std::to_string(lead) + ".step-0." +
                                  std::to_string(leadrouter::storage::ToMillis(kAfternoon)));

  StepDecision mail = f.Decide(f.StepJob(lead, leadrouter::kJobSequenceEmail), kAfternoon + 1h);
  REQUIRE(mail.kind == StepDecision::Kind::kSend);
  CHECK(mail.step.to == "Hal Hotbuyer <hal@example.com>");
  CHECK(mail.step.reply_to == "ana@elmrealty.example");
  CHECK_FALSE(mail.step.subject.empty());
}

TEST_CASE("a text due at 23:30 in the lead's zone waits for 08:00 there",
          "[bot][follow_up]") {
  Fixture f;
  // 23:30 CDT on Tuesday is 04:30Z on Wednesday.
  const SystemTime late = std::chrono::sys_days(std::chrono::year(2026) / 3 / 18) + 4h + 30min;
  const int64_t lead = f.Lead(HotPayload(), late);
  StepDecision d = f.Decide(f.StepJob(lead, leadrouter::kJobSequenceSms), late);
  REQUIRE(d.kind == StepDecision::Kind::kWait);
  CHECK(leadrouter::FormatLocal(d.wait_until, "America/Chicago") == "2026-03-18 08:00 CDT");
  // The e-mails are not held back by the text window.
  StepDecision mail = f.Decide(f.StepJob(lead, leadrouter::kJobSequenceEmail), late + 1h);
  CHECK(mail.kind == StepDecision::Kind::kSend);
}

TEST_CASE("a due step skips itself, and says why on the timeline", "[bot][follow_up]") {
  Fixture f;
  SECTION("the lead opted out of texts") {
    const int64_t lead = f.Lead(HotPayload());
    leadrouter::storage::OptOut o;
    o.channel = "sms";
    o.address = "+13125550142";
    o.source = "api";
    o.at = kAfternoon;
    FollowUpStore(f.db->db()).AddOptOut(o);
    CHECK(f.Decide(f.StepJob(lead, leadrouter::kJobSequenceSms), kAfternoon).reason ==
          "opted_out");
    // E-mail is another channel.
    CHECK(f.Decide(f.StepJob(lead, leadrouter::kJobSequenceEmail), kAfternoon + 1h).kind ==
          StepDecision::Kind::kSend);
    auto skipped = f.Events(lead, "sequence_step_skipped");
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0]["channel"] == "sms");
    CHECK(skipped[0]["reason"] == "opted_out");
  }
  SECTION("the lead never agreed to texts") {
    json payload = HotPayload();
    payload["consent"] = {{"marketing", true}};
    const int64_t lead = f.Lead(payload);
    CHECK(f.Decide(f.StepJob(lead, leadrouter::kJobSequenceSms), kAfternoon).reason ==
          "no_consent");
    // Marketing consent is enough for e-mail under the default rule.
    CHECK(f.Decide(f.StepJob(lead, leadrouter::kJobSequenceEmail), kAfternoon + 1h).kind ==
          StepDecision::Kind::kSend);
  }
  SECTION("a human took over in the CRM") {
    const int64_t lead = f.Lead(HotPayload());
    LeadStore(f.db->db()).MarkTakenOver(lead, kAfternoon + 10min);
    CHECK(f.Decide(f.StepJob(lead, leadrouter::kJobSequenceEmail), kAfternoon + 1h).reason ==
          "taken_over");
  }
  SECTION("the owner has been in touch since enrolment") {
    const int64_t lead = f.Lead(HotPayload());
    LeadStore(f.db->db()).MarkContacted(lead, kAfternoon + 20min);
    CHECK(f.Decide(f.StepJob(lead, leadrouter::kJobSequenceEmail), kAfternoon + 1h).reason ==
          "contacted");
  }
  SECTION("a lead without a number gets no text") {
    json payload = HotPayload();
    payload.erase("phone");
    const int64_t lead = f.Lead(payload);
    CHECK(f.Decide(f.StepJob(lead, leadrouter::kJobSequenceSms), kAfternoon).reason ==
          "unreachable");
  }
  SECTION("the channel is not configured") {
    const int64_t lead = f.Lead(HotPayload());
    CHECK(f.Decide(f.StepJob(lead, leadrouter::kJobSequenceSms), kAfternoon,
                   "sms needs [sms] account_sid")
              .reason == "not_configured: sms needs [sms] account_sid");
  }
  SECTION("the config no longer has the step") {
    const int64_t lead = f.Lead(HotPayload());
    f.config.sequences.by_segment[leadrouter::pipeline::Segment::kHotBuyer].resize(1);
    CHECK(f.Decide(f.StepJob(lead, leadrouter::kJobSequenceSms, 1), kAfternoon + 48h).reason ==
          "no_longer_in_sequence");
  }
  SECTION("a field the template needs is empty for this lead") {
    f.config.sequences.by_segment[leadrouter::pipeline::Segment::kHotBuyer][0].body =
        "Hi {first_name}, about {mls_id}";
    const int64_t lead = f.Lead(HotPayload());
    StepDecision d = f.Decide(f.StepJob(lead, leadrouter::kJobSequenceSms), kAfternoon);
    CHECK(d.kind == StepDecision::Kind::kSkip);
    CHECK_THAT(d.reason, Catch::Matchers::Contains("{mls_id}"));
  }
}

TEST_CASE("a refused number stops texts for that lead and keeps its e-mails",
          "[bot][follow_up]") {
  Fixture f;
  const int64_t lead = f.Lead(HotPayload());
  StepDecision d = f.Decide(f.StepJob(lead, leadrouter::kJobSequenceSms), kAfternoon);
  REQUIRE(d.kind == StepDecision::Kind::kSend);
  DeliveryResult refused;
  refused.outcome = JobOutcome::Fail("21610");
  refused.recipient_refused = true;
  refused.unsubscribed = true;
  refused.detail = "21610 the recipient unsubscribed";
  JobOutcome ends = leadrouter::RecordDelivery(*f.db, d.step, refused, kAfternoon);
  CHECK(ends.kind == JobOutcome::Kind::kDone);
  FollowUpStore store(f.db->db());
  CHECK(store.ChannelStopReason(lead, "sms").has_value());
  CHECK(store.FindOptOut("sms", "+13125550142").has_value());
  // The 48 h text is cancelled (with the one in hand, which no runner
  // claimed here); the e-mails stay.
  CHECK(PendingJobs(*f.db, leadrouter::kJobSequenceSms).empty());
  CHECK(PendingJobs(*f.db, leadrouter::kJobSequenceEmail).size() == 2);
  CHECK(f.Events(lead, "sequence_channel_stopped").size() == 1);
  CHECK(f.Events(lead, "opted_out").size() == 1);
  CHECK(FollowUpStore(f.db->db()).LatestConsent(lead, "sms") == false);
}

TEST_CASE("a sent step is on the timeline; a retryable failure is handed back",
          "[bot][follow_up]") {
  Fixture f;
  const int64_t lead = f.Lead(HotPayload());
  StepDecision d = f.Decide(f.StepJob(lead, leadrouter::kJobSequenceSms), kAfternoon);
  REQUIRE(d.kind == StepDecision::Kind::kSend);
  DeliveryResult busy;
  busy.outcome = JobOutcome::Retry("http_503");
  CHECK(leadrouter::RecordDelivery(*f.db, d.step, busy, kAfternoon).kind ==
        JobOutcome::Kind::kRetry);
  CHECK(f.Events(lead, "sequence_step_sent").empty());
  DeliveryResult sent;
  sent.provider_id = "SM0123";
  CHECK(leadrouter::RecordDelivery(*f.db, d.step, sent, kAfternoon).kind ==
        JobOutcome::Kind::kDone);
  auto events = f.Events(lead, "sequence_step_sent");
  REQUIRE(events.size() == 1);
  CHECK(events[0]["provider_id"] == "SM0123");
}

TEST_CASE("an e-mail step's HTML part is rendered with the lead's fields escaped",
          "[bot][follow_up]") {
  Fixture f;
  auto& steps = f.config.sequences.by_segment[leadrouter::pipeline::Segment::kHotBuyer];
  for (auto& step : steps) {
    if (step.channel == leadrouter::pipeline::Channel::kEmail) {
      step.html = "<p>Hi {first_name},</p><p>about <b>{address}</b></p>";
    }
  }
  json payload = HotPayload();
  payload["name"] = "Hal \"<script>\" Hotbuyer";
  payload["address"] = "12 Elm St & Sons, Chicago, IL 60601";
  const int64_t lead = f.Lead(payload);
  StepDecision mail = f.Decide(f.StepJob(lead, leadrouter::kJobSequenceEmail), kAfternoon + 1h);
  REQUIRE(mail.kind == StepDecision::Kind::kSend);
  INFO(mail.step.html);
  CHECK_THAT(mail.step.html, Catch::Matchers::StartsWith("<p>Hi "));
  CHECK_THAT(mail.step.html, Catch::Matchers::Contains("<b>12 Elm St &amp; Sons"));
  CHECK_THAT(mail.step.html, !Catch::Matchers::Contains("<script>"));
  // The text part is the plain template, unescaped.
  CHECK_THAT(mail.step.body, !Catch::Matchers::Contains("&amp;"));
  SECTION("a step without an HTML part sends text alone") {
    for (auto& step : steps) step.html.clear();
    json second = HotPayload("+13125550199");
    second["email"] = "other@example.com";
    const int64_t other = f.Lead(second);
    StepDecision plain =
        f.Decide(f.StepJob(other, leadrouter::kJobSequenceEmail), kAfternoon + 1h);
    REQUIRE(plain.kind == StepDecision::Kind::kSend);
    CHECK(plain.step.html.empty());
  }
}

