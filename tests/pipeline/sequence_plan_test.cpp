#include "pipeline/sequence_plan.h"

#include <catch2/catch.hpp>

using namespace leadrouter::pipeline;
using namespace std::chrono;

namespace {

const TimePoint kEnrolled =
    sys_days(2026y / March / 14) + hours(22) + minutes(7);

ProcessedLead LeadIn(Segment segment) {
  ProcessedLead lead;
  lead.segment = segment;
  return lead;
}

}  // namespace

TEST_CASE("sequence plan: each step is due its delay after enrolment",
          "[pipeline][sequence_plan]") {
  const Sequences d = DefaultSequences();
  const Sequence* hot = SequenceForLead(d, LeadIn(Segment::kHotBuyer));
  REQUIRE(hot != nullptr);
  const std::vector<PlannedStep> plan = PlanSequence(*hot, kEnrolled);
  REQUIRE(plan.size() == 4);
  CHECK(plan[0].due_at == kEnrolled);
  CHECK(plan[0].channel == Channel::kSms);
  CHECK(plan[1].due_at == kEnrolled + hours(1));
  CHECK(plan[2].due_at == kEnrolled + hours(24));
  CHECK(plan[3].due_at == kEnrolled + hours(48));
  CHECK(plan[3].index == 3);
}

TEST_CASE("sequence plan: steps written out of order are planned in due order",
          "[pipeline][sequence_plan]") {
  const Sequence s = {{hours(5), Channel::kEmail, "s", "b"},
                      {hours(1), Channel::kSms, "", "a"},
                      {hours(1), Channel::kEmail, "s", "c"}};
  const std::vector<PlannedStep> plan = PlanSequence(s, kEnrolled);
  REQUIRE(plan.size() == 3);
  CHECK(plan[0].index == 1);
  CHECK(plan[1].index == 2);
  CHECK(plan[2].index == 0);
}

TEST_CASE(
    "sequence plan: spam, bots and segments without a sequence are not "
    "enrolled",
    "[pipeline][sequence_plan]") {
  Sequences s = DefaultSequences();
  s.by_segment[Segment::kLowQuality] = {{hours(1), Channel::kEmail, "s", "b"}};
  CHECK(SequenceForLead(s, LeadIn(Segment::kLowQuality)) != nullptr);
  ProcessedLead spam = LeadIn(Segment::kLowQuality);
  spam.intent = Intent::kSpam;
  CHECK(SequenceForLead(s, spam) == nullptr);
  ProcessedLead bot = LeadIn(Segment::kLowQuality);
  bot.honeypot = true;
  CHECK(SequenceForLead(s, bot) == nullptr);
  CHECK(SequenceForLead(DefaultSequences(), LeadIn(Segment::kLowQuality)) ==
        nullptr);
  s.by_segment[Segment::kWarmBuyer] = {};
  CHECK(SequenceForLead(s, LeadIn(Segment::kWarmBuyer)) == nullptr);
}

TEST_CASE("sequence plan: a due step goes out unless something stopped it",
          "[pipeline][sequence_plan]") {
  StepFacts facts;
  facts.enrolled_at = kEnrolled;
  CHECK(SkipReasonFor(facts) == SkipReason::kNone);
  SECTION("taken over by a human in the CRM") {
    facts.taken_over = true;
    facts.opted_out = true;
    CHECK(SkipReasonFor(facts) == SkipReason::kTakenOver);  // the first reason
  }
  SECTION("opted out on this channel") {
    facts.opted_out = true;
    CHECK(SkipReasonFor(facts) == SkipReason::kOptedOut);
    CHECK(ToString(SkipReasonFor(facts)) == "opted_out");
  }
  SECTION("without the consent the channel requires") {
    facts.consented = false;
    facts.channel_stopped = true;
    CHECK(SkipReasonFor(facts) == SkipReason::kNoConsent);
    CHECK(ToString(SkipReasonFor(facts)) == "no_consent");
  }
  SECTION("the channel failed for good earlier") {
    facts.channel_stopped = true;
    CHECK(SkipReasonFor(facts) == SkipReason::kChannelStopped);
  }
  SECTION("no usable number or address") {
    facts.reachable = false;
    CHECK(SkipReasonFor(facts) == SkipReason::kUnreachable);
  }
  SECTION("contacted by a human since enrolment") {
    facts.last_human_contact = kEnrolled + hours(3);
    CHECK(SkipReasonFor(facts) == SkipReason::kContacted);
  }
  SECTION("a contact before this enrolment does not stop it") {
    facts.last_human_contact = kEnrolled - hours(24 * 40);
    CHECK(SkipReasonFor(facts) == SkipReason::kNone);
  }
}
