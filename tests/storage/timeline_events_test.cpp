// Timeline events written by one side and read by another (`/leads show`):
// each typed event survives the timeline table unchanged, writes only the
// fields the one list names, and details stored before read the same.
#include "storage/timeline_events.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <type_traits>
#include <variant>

#include "storage/database.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"
#include "tests/storage/storage_test_support.h"

using namespace leadrouter::storage;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;
using json = nlohmann::json;

namespace {

using AnyEvent =
    std::variant<ReceivedEvent, DuplicateEvent, RoutedEvent, ReassignedEvent,
                 SlaReminderEvent, SlaEscalatedEvent, SequenceEnrolledEvent,
                 SequenceStepSentEvent, SequenceStepSkippedEvent,
                 SequenceChannelStoppedEvent, SmsReplyEvent, ConsentRecordedEvent,
                 AssignedEvent, UnassignedEvent, ClaimedEvent, ClaimTimeoutEvent,
                 ContactedEvent, SlackPostedEvent, CrmOverrideEvent, OptedOutEvent,
                 OptedInEvent, DeadLetterReplayedEvent, DeadLetterDroppedEvent,
                 PoolSkippedEvent, EmailReceivedEvent, EnrichmentRequestedEvent,
                 EnrichedEvent, EnrichmentFailedEvent, EnrichmentDeadlineEvent,
                 ResegmentedEvent, LlmRequestedEvent, LlmClassifiedEvent,
                 LlmFailedEvent>;

// Every typed event with its fields away from their defaults.
std::vector<AnyEvent> Samples() {
  return {
      ReceivedEvent{"Zillow", "spam", 62, "WARM_BUYER", "urgent_buyer",
                    json::array({json{{"code", "budget"}}}), true},
      DuplicateEvent{"email:dana@example.com", {"phone"}, {"phone:+13125550142"},
                     true, "Website", 2},
      RoutedEvent{"round_robin", "WARM_BUYER: next agent in the rotation"},
      ReassignedEvent{"U0123ANA", "U0123BEN", "U0123MGR"},
      ReassignedEvent{std::nullopt, "U0123BEN", "U0123MGR"},
      SlaReminderEvent{"U0123ANA", 600},
      SlaEscalatedEvent{"U0123ANA", 1800, "U0123BEN", "SLA escalation, turn 2"},
      SlaEscalatedEvent{"U0123ANA", 1800, std::nullopt, "nobody else"},
      SequenceEnrolledEvent{"NURTURE_LONGTERM", 3},
      SequenceStepSentEvent{1, "sms", "SM123"},
      SequenceStepSkippedEvent{2, "email", "opted_out"},
      SequenceChannelStoppedEvent{0, "sms", "21610 unsubscribed", 2},
      SmsReplyEvent{"call me after 5", "SM9", "+13125550100"},
      RoutedEvent{"pool", "Downtown buyers", json::array({json{{"route", "a"}}}),
                  "downtown", "downtown-buyers"},
      ConsentRecordedEvent{"Website", true, false, std::nullopt, "2026-01"},
      AssignedEvent{"U0123ANA", "round-robin, turn 3", "routing", 3, "downtown"},
      AssignedEvent{"U0123ANA", "returning lead", "routing", std::nullopt, ""},
      UnassignedEvent{"everyone is paused"},
      ClaimedEvent{"U0123ANA", 37, "C0123SHARK"},
      ClaimTimeoutEvent{"5 min", "U0123BEN", "claim timeout, turn 2"},
      ClaimTimeoutEvent{"5 min", std::nullopt, "nobody in the rotation"},
      ContactedEvent{"U0123ANA", 420, "slack"},
      SlackPostedEvent{"shark_tank", "C0123SHARK", "1773526061.000100"},
      CrmOverrideEvent{"evt-1", "contacted", "email", true, true, 4, "Working",
                       "2026-03-14T22:07:41Z", json{{"email", "ana@example.com"}},
                       json{{"unchanged", "U0123ANA"}}, "contacted in the CRM"},
      OptedOutEvent{"sms", "twilio", "STOP", true},
      OptedInEvent{"sms", "twilio", "START", true},
      DeadLetterReplayedEvent{9, "slack.dm_lead_card", "U0123MGR"},
      DeadLetterDroppedEvent{9, "slack.dm_lead_card", "U0123MGR"},
      PoolSkippedEvent{"pool Downtown: everyone paused"},
      EmailReceivedEvent{12, "Zillow", "matched Zillow's rule", "assistant@example.com"},
      EnrichmentRequestedEvent{{"property", "person"}, 800, true},
      EnrichedEvent{"property", json{{"days_on_market", 3}}, {"sqft"}, true, {"segment"}},
      EnrichmentFailedEvent{"person", "HTTP 404"},
      EnrichmentDeadlineEvent{812, "the deadline passed"},
      ResegmentedEvent{"WARM_BUYER", "HOT_BUYER", json::array({"listed 3 days ago"}), true},
      LlmRequestedEvent{"gpt-4o-mini", "lead-intent-1", "GENERAL_INQUIRY", true, 1500},
      LlmClassifiedEvent{"gpt-4o-mini", "lead-intent-1", "URGENT_BUYER", "HOT_BUYER",
                         "buyer", 0.875, "the movers come on the 3rd", 412, true,
                         "routed"},
      LlmFailedEvent{"gpt-4o-mini", "the model refused: no", 95},
  };
}

}  // namespace

TEST_CASE("every typed timeline event survives the timeline table unchanged",
          "[timeline_events]") {
  auto db = Database::Open(":memory:");
  const int64_t lead = LeadStore(db->db())
                           .Intake(LeadWithEmail("a@example.com", "hi"), kT0,
                                   std::chrono::hours(1))
                           .lead_id;
  Timeline timeline(db->db());
  for (const AnyEvent& sample : Samples()) {
    std::visit(
        [&](const auto& event) {
          using Event = std::decay_t<decltype(event)>;
          const std::string kind = ToString(Event::kKind);
          INFO(kind);
          const int64_t id = timeline.Record(lead, kT0, event);
          std::optional<TimelineEvent> stored;
          for (TimelineEvent& e : timeline.List(lead)) {
            if (e.id == id) stored = e;
          }
          REQUIRE(stored);
          CHECK(stored->kind == kind);
          CHECK(DecodeEvent<Event>(stored->detail) == event);
          // The list names every field the writer stores.
          const std::vector<std::string> fields = EventFields(Event::kKind);
          for (const auto& [key, value] : stored->detail.items()) {
            INFO(key);
            CHECK(std::find(fields.begin(), fields.end(), key) != fields.end());
          }
        },
        sample);
  }
}

TEST_CASE("every timeline event kind has a type, and a sample above",
          "[timeline_events]") {
  std::set<EventKind> sampled;
  for (const AnyEvent& sample : Samples()) {
    std::visit([&](const auto& event) { sampled.insert(std::decay_t<decltype(event)>::kKind); },
               sample);
  }
  for (const EventSpec& spec : EventSpecs()) {
    INFO(spec.name);
    CHECK(sampled.count(spec.kind) == 1);
  }
}

TEST_CASE("every timeline event kind has its own name and a field list",
          "[timeline_events]") {
  std::set<std::string> names;
  for (const EventSpec& spec : EventSpecs()) {
    INFO(spec.name);
    CHECK(names.insert(spec.name).second);
    CHECK(EventKindFromString(spec.name) == spec.kind);
    CHECK(std::string(ToString(spec.kind)) == spec.name);
    CHECK_FALSE(EventFields(spec.kind).empty());
  }
  CHECK_FALSE(EventKindFromString("no_such_event"));
}

TEST_CASE("details stored before the events were typed read as they were written",
          "[timeline_events]") {
  // As /leads reassign wrote a lead that had no owner.
  CHECK(DecodeEvent<ReassignedEvent>(
            json{{"from", nullptr}, {"to", "U0123BEN"}, {"by", "U0123MGR"}}) ==
        ReassignedEvent{std::nullopt, "U0123BEN", "U0123MGR"});
  // As an SLA escalation wrote one that stayed with its owner.
  CHECK(DecodeEvent<SlaEscalatedEvent>(json{{"agent", "U1"},
                                            {"waited_s", 60},
                                            {"reassigned_to", nullptr},
                                            {"reason", "nobody else"}}) ==
        SlaEscalatedEvent{"U1", 60, std::nullopt, "nobody else"});
  // A received event of a lead that was no honeypot had no such key.
  CHECK_FALSE(DecodeEvent<ReceivedEvent>(json{{"score", 10}}).honeypot);
  // Damage reads as defaults, never as a throw.
  CHECK(DecodeEvent<SequenceStepSentEvent>(json{{"step", "one"}}).step == -1);
  CHECK_NOTHROW(DecodeEvent<DuplicateEvent>(json::array()));
  CHECK_NOTHROW(DecodeEvent<ReceivedEvent>(nullptr));
}
