// Job payloads written by one side and read by another: every kind's payload
// survives the trip through a real jobs table unchanged, and the shapes
// earlier versions left in databases still read as they were meant.
#include "bot/runtime/job_kinds.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "storage/database.h"
#include "storage/job_store.h"
#include "tests/storage/storage_test_support.h"

using leadrouter::JobKind;
using leadrouter::JobPayload;
using leadrouter::storage::Database;
using leadrouter::storage::JobStore;
using leadrouter::storage::testing::kT0;
using json = nlohmann::json;

namespace lr = leadrouter;

namespace {

// A payload for `kind` with every field away from its default, so a field
// an encoder forgets (or names differently from its decoder) shows. The
// switch has no default: a new kind without a sample does not compile.
JobPayload Sample(JobKind kind) {
  switch (kind) {
    case JobKind::kPostSharkTank:
      return lr::PostSharkTankJob{};
    case JobKind::kUpdateLeadPost:
      return lr::UpdateLeadPostJob{"Claimed by <@U0123ANA> in 37 s"};
    case JobKind::kDmLeadCard:
      return lr::DmLeadCardJob{"U0123ANA", "WARM_BUYER: next agent; round-robin, turn 3"};
    case JobKind::kEphemeral:
      return lr::EphemeralJob{"C0123", "U0123BEN", "Already claimed", true,
                              json::array({json{{"type", "section"}}})};
    case JobKind::kDmNote:
      return lr::DmNoteJob{"U0123ANA", "Reminder: lead #7 has waited 10 min"};
    case JobKind::kThreadNote:
      return lr::ThreadNoteJob{"Reassigned to <@U0123BEN>"};
    case JobKind::kPostTriage:
      return lr::PostTriageJob{"the rotation is empty"};
    case JobKind::kOpsAlert: {
      lr::OpsAlertJob alert;
      alert.title = "Job moved to dead letters";
      alert.detail = "Job #3 failed after 8 attempts";
      alert.group = "dead_letters:slack";
      alert.facts = {{"job_id", 3}, {"job_kind", "slack.dm_note"}, {"attempts", 8}};
      return alert;
    }
    case JobKind::kAssignRoundRobin:
      return lr::AssignRoundRobinJob{"WARM_BUYER: next agent in the rotation",
                                     "returning lead", true};
    case JobKind::kClaimTimeout:
      return lr::ClaimTimeoutJob{};
    case JobKind::kEnrollNurture:
      return lr::EnrollNurtureJob{};
    case JobKind::kSequenceSms:
    case JobKind::kSequenceEmail:
    case JobKind::kSequenceWebhook:
      return lr::SequenceStepJob{"HOT_BUYER", 2, 1773526061000};
    case JobKind::kSlaRemind:
    case JobKind::kSlaEscalate:
      return lr::SlaTimerJob{"U0123ANA", 1773526061000};
    case JobKind::kAlertCheck:
      return lr::AlertCheckJob{"slack_connection", 1773526061000};
    case JobKind::kVolumeWatch:
      return lr::VolumeWatchJob{};
    case JobKind::kParseEmail:
      return lr::ParseEmailJob{42, true};
    case JobKind::kImapPoll:
      return lr::ImapPollJob{};
    case JobKind::kEmailRetention:
      return lr::EmailRetentionJob{};
    case JobKind::kRefreshLeadCard:
      return lr::RefreshLeadCardJob{};
    case JobKind::kEnrichLookup:
      return lr::EnrichLookupJob{"property", "12 Elm St, Cambridge, MA 02139",
                                 "02139", "MLS-88", ""};
    case JobKind::kEnrichDeadline:
      return lr::EnrichDeadlineJob{};
    case JobKind::kLlmClassify:
      return lr::LlmClassifyJob{"we sold our place, the movers come on the 3rd",
                                true};
  }
  FAIL("no sample for a job kind");
  return lr::PostSharkTankJob{};
}

// Writes `payload` as a job of `kind` and reads the row back.
lr::storage::Job StoreAndLoad(JobKind kind, const json& payload) {
  auto db = Database::Open(":memory:");
  lr::storage::NewJob job;
  job.kind = lr::ToString(kind);
  job.payload = payload;
  job.due_at = kT0;
  JobStore jobs(db->db());
  const int64_t id = jobs.Enqueue(job, kT0);
  auto stored = jobs.Get(id);
  REQUIRE(stored);
  return *stored;
}

template <typename T>
T DecodeOld(JobKind kind, const json& old_row) {
  JobPayload decoded = lr::DecodePayload(kind, old_row);
  REQUIRE(std::holds_alternative<T>(decoded));
  return std::get<T>(decoded);
}

}  // namespace

TEST_CASE("every job kind's payload survives the jobs table unchanged",
          "[job_kinds]") {
  for (JobKind kind : lr::kAllJobKinds) {
    const std::string name = lr::ToString(kind);
    INFO(name);
    const JobPayload sent = Sample(kind);
    REQUIRE(lr::Carries(kind, sent));
    const lr::storage::Job stored = StoreAndLoad(kind, lr::Encode(sent));
    CHECK(stored.payload.is_object());
    const auto read_kind = lr::JobKindFromString(stored.kind);
    REQUIRE(read_kind == kind);
    CHECK(lr::DecodePayload(*read_kind, stored.payload) == sent);
  }
}

TEST_CASE("every job kind has its own stored name", "[job_kinds]") {
  std::set<std::string> names;
  for (JobKind kind : lr::kAllJobKinds) {
    const std::string name = lr::ToString(kind);
    CHECK(name != "unknown");
    CHECK(names.insert(name).second);
  }
  CHECK(lr::JobKindFromString("slack.post_shark_tank") == JobKind::kPostSharkTank);
  CHECK_FALSE(lr::JobKindFromString("slack.no_such_kind"));
}

TEST_CASE("a job kind refuses a payload of another kind", "[job_kinds]") {
  CHECK(lr::Carries(JobKind::kSequenceSms, lr::SequenceStepJob{}));
  CHECK(lr::Carries(JobKind::kSlaEscalate, lr::SlaTimerJob{}));
  CHECK_FALSE(lr::Carries(JobKind::kSlaRemind, lr::SequenceStepJob{}));
  CHECK_FALSE(lr::Carries(JobKind::kDmNote, lr::DmLeadCardJob{}));
}

TEST_CASE("a standard lead's round-robin job from before keeps its route reason",
          "[job_kinds]") {
  // What intake planned for a WARM_BUYER lead: the reason under "reason".
  const auto planned = DecodeOld<lr::AssignRoundRobinJob>(
      JobKind::kAssignRoundRobin,
      StoreAndLoad(JobKind::kAssignRoundRobin,
                   {{"route", "round_robin"},
                    {"reason", "WARM_BUYER: next agent in the rotation"}})
          .payload);
  CHECK(planned.route_reason == "WARM_BUYER: next agent in the rotation");
  CHECK(planned.why == "round-robin");
  CHECK_FALSE(planned.returning);

  // What intake wrote for a returning lead.
  const auto returning = DecodeOld<lr::AssignRoundRobinJob>(
      JobKind::kAssignRoundRobin, {{"returning", true}, {"why", "returning lead"}});
  CHECK(returning == lr::AssignRoundRobinJob{"", "returning lead", true});
}

TEST_CASE("rows written before the payloads were typed read as they did",
          "[job_kinds]") {
  SECTION("shark-tank post and claim timeout carried the route, unread") {
    const json old = {{"route", "shark_tank"}, {"reason", "HOT_BUYER: first agent to claim"}};
    CHECK(DecodeOld<lr::PostSharkTankJob>(JobKind::kPostSharkTank, old) ==
          lr::PostSharkTankJob{});
    CHECK(DecodeOld<lr::ClaimTimeoutJob>(JobKind::kClaimTimeout, old) ==
          lr::ClaimTimeoutJob{});
  }
  SECTION("a support lead's triage post keeps its reason") {
    const json old = {{"route", "support"}, {"reason", "support request: routed away"}};
    CHECK(DecodeOld<lr::PostTriageJob>(JobKind::kPostTriage, old).reason ==
          "support request: routed away");
  }
  SECTION("a claim's update had no status line; an ephemeral no in_channel") {
    CHECK(DecodeOld<lr::UpdateLeadPostJob>(JobKind::kUpdateLeadPost, json::object())
              .status_line.empty());
    const auto tell = DecodeOld<lr::EphemeralJob>(
        JobKind::kEphemeral, {{"channel", "C1"}, {"user", "U1"}, {"text", "hi"}});
    CHECK(tell == lr::EphemeralJob{"C1", "U1", "hi", false, std::nullopt});
  }
  SECTION("an ops alert with facts and no detail lists them") {
    const auto alert = DecodeOld<lr::OpsAlertJob>(
        JobKind::kOpsAlert, {{"title", "SLA"}, {"job_id", 4}, {"error", "boom"}});
    CHECK(alert.title == "SLA");
    CHECK_FALSE(alert.detail);
    CHECK_FALSE(alert.group);
    CHECK(alert.facts == json{{"job_id", 4}, {"error", "boom"}});
  }
  SECTION("timers keep their numbers") {
    CHECK(DecodeOld<lr::SlaTimerJob>(JobKind::kSlaRemind,
                                     {{"agent", "U1"}, {"since_ms", 5}}) ==
          lr::SlaTimerJob{"U1", 5});
    CHECK(DecodeOld<lr::SequenceStepJob>(
              JobKind::kSequenceEmail,
              {{"segment", "HOT_BUYER"}, {"step", 1}, {"enrolled_ms", 9}}) ==
          lr::SequenceStepJob{"HOT_BUYER", 1, 9});
    CHECK(DecodeOld<lr::AlertCheckJob>(JobKind::kAlertCheck, {{"key", "k"}}) ==
          lr::AlertCheckJob{"k", std::nullopt});
  }
}

TEST_CASE("a damaged payload reads as defaults rather than throwing",
          "[job_kinds]") {
  for (JobKind kind : lr::kAllJobKinds) {
    INFO(lr::ToString(kind));
    for (const json& bad : {json(nullptr), json::array({1, 2}), json("text"),
                            json{{"agent", 7}, {"step", "two"}, {"since_ms", "x"},
                                 {"returning", "yes"}, {"blocks", "none"}}}) {
      CHECK_NOTHROW(lr::DecodePayload(kind, bad));
    }
  }
  const auto step = lr::Decode<lr::SequenceStepJob>(json{{"step", "two"}});
  CHECK(step.step == -1);
  CHECK(lr::Decode<lr::AssignRoundRobinJob>(nullptr).why == "round-robin");
}
