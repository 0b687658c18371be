#include "pipeline/alert_group.h"

#include <catch2/catch.hpp>
#include <string>

using namespace std::chrono_literals;
using leadrouter::pipeline::AlertAction;
using leadrouter::pipeline::AlertDecision;
using leadrouter::pipeline::AlertEvent;
using leadrouter::pipeline::AlertEventKind;
using leadrouter::pipeline::AlertGroupState;
using leadrouter::pipeline::AlertPolicy;
using leadrouter::pipeline::AlertTime;
using leadrouter::pipeline::DecideAlertGroup;

namespace {

const AlertTime kT0{std::chrono::seconds(1773526061)};

AlertPolicy Quiet15m() {
  AlertPolicy p;
  p.quiet_period = 15min;
  return p;
}

// The Slack link: alert after 2 min down, close only when it is back.
AlertPolicy DownAfter2m() {
  AlertPolicy p;
  p.alert_after = 2min;
  return p;
}

AlertEvent Problem(AlertTime at, std::string summary = "slack.dm_lead_card channel_not_found") {
  return {AlertEventKind::kProblem, at, std::move(summary), std::nullopt};
}
AlertEvent Urgent(AlertTime at, std::string summary) {
  return {AlertEventKind::kUrgentProblem, at, std::move(summary), std::nullopt};
}
AlertEvent Recovery(AlertTime at) { return {AlertEventKind::kRecovery, at, "", std::nullopt}; }
AlertEvent Check(AlertTime at, const AlertGroupState& group) {
  return {AlertEventKind::kCheck, at, "", group.opened_at};
}

}  // namespace

TEST_CASE("the first problem opens a group and alerts, later ones are counted silently",
          "[pipeline][alert_group]") {
  AlertDecision open = DecideAlertGroup({}, Problem(kT0), Quiet15m());
  CHECK(open.action == AlertAction::kOpenAndAlert);
  CHECK(open.sends_alert());
  CHECK(open.next.open);
  CHECK(open.next.count == 1);
  CHECK(open.next.first == "slack.dm_lead_card channel_not_found");
  REQUIRE(open.check_at);
  CHECK(*open.check_at == kT0 + 15min);

  AlertDecision second = DecideAlertGroup(open.next, Problem(kT0 + 1min, "other"), Quiet15m());
  CHECK(second.action == AlertAction::kCount);
  CHECK_FALSE(second.sends_alert());
  CHECK(second.next.count == 2);
  CHECK(second.next.first == "slack.dm_lead_card channel_not_found");
  CHECK(second.next.last_event_at == kT0 + 1min);
  CHECK_FALSE(second.check_at);  // the group's one timer is already set
}

TEST_CASE("a recovery closes an alerted group with a note, and a later problem opens a new one",
          "[pipeline][alert_group]") {
  AlertGroupState g = DecideAlertGroup({}, Problem(kT0), Quiet15m()).next;
  for (int i = 1; i < 37; ++i) {
    g = DecideAlertGroup(g, Problem(kT0 + i * 10s), Quiet15m()).next;
  }
  AlertDecision closed = DecideAlertGroup(g, Recovery(kT0 + 14min), Quiet15m());
  CHECK(closed.action == AlertAction::kCloseAndNote);
  CHECK(closed.sends_note());
  CHECK_FALSE(closed.next.open);
  CHECK(closed.next.count == 37);
  CHECK(closed.next.opened_at == kT0);

  SECTION("another recovery changes nothing") {
    AlertDecision again = DecideAlertGroup(closed.next, Recovery(kT0 + 15min), Quiet15m());
    CHECK(again.action == AlertAction::kNone);
    CHECK_FALSE(again.sends_note());
  }
  SECTION("a problem after the close is a new outage with its own alert") {
    AlertDecision reopened = DecideAlertGroup(closed.next, Problem(kT0 + 1h, "new"), Quiet15m());
    CHECK(reopened.action == AlertAction::kOpenAndAlert);
    CHECK(reopened.next.count == 1);
    CHECK(reopened.next.opened_at == kT0 + 1h);
    CHECK(reopened.next.first == "new");
  }
}

TEST_CASE("a group closes after the quiet period without a new problem",
          "[pipeline][alert_group]") {
  AlertGroupState g = DecideAlertGroup({}, Problem(kT0), Quiet15m()).next;
  g = DecideAlertGroup(g, Problem(kT0 + 10min), Quiet15m()).next;

  SECTION("a timer that fires early waits for the quiet period since the last problem") {
    AlertDecision early = DecideAlertGroup(g, Check(kT0 + 15min, g), Quiet15m());
    CHECK(early.action == AlertAction::kNone);
    CHECK(early.next.open);
    REQUIRE(early.check_at);
    CHECK(*early.check_at == kT0 + 25min);
  }
  SECTION("once it has passed, the group closes with a note") {
    AlertDecision quiet = DecideAlertGroup(g, Check(kT0 + 25min, g), Quiet15m());
    CHECK(quiet.action == AlertAction::kCloseAndNote);
    CHECK_FALSE(quiet.next.open);
    CHECK(quiet.next.count == 2);
    CHECK_FALSE(quiet.check_at);
  }
  SECTION("a timer left by an earlier group changes nothing") {
    AlertGroupState earlier = g;
    earlier.opened_at = kT0 - 1h;
    AlertDecision stale = DecideAlertGroup(g, Check(kT0 + 25min, earlier), Quiet15m());
    CHECK(stale.action == AlertAction::kNone);
    CHECK(stale.next.open);
    CHECK_FALSE(stale.check_at);
  }
}

TEST_CASE("a group with alert_after says nothing unless it lasts that long",
          "[pipeline][alert_group]") {
  AlertDecision down = DecideAlertGroup({}, Problem(kT0, "reconnecting: connection closed"),
                                        DownAfter2m());
  CHECK(down.action == AlertAction::kOpenQuietly);
  CHECK_FALSE(down.sends_alert());
  REQUIRE(down.check_at);
  CHECK(*down.check_at == kT0 + 2min);

  SECTION("back within 30 s: closed quietly, no note") {
    AlertGroupState g = DecideAlertGroup(down.next, Problem(kT0 + 5s), DownAfter2m()).next;
    AlertDecision back = DecideAlertGroup(g, Recovery(kT0 + 30s), DownAfter2m());
    CHECK(back.action == AlertAction::kCloseQuietly);
    CHECK_FALSE(back.sends_note());
    CHECK(DecideAlertGroup(back.next, Check(kT0 + 2min, down.next), DownAfter2m()).action ==
          AlertAction::kNone);
  }
  SECTION("still down at 2 min: one late alert, then a note when back") {
    AlertDecision late = DecideAlertGroup(down.next, Check(kT0 + 2min, down.next), DownAfter2m());
    CHECK(late.action == AlertAction::kAlert);
    CHECK(late.sends_alert());
    CHECK_FALSE(late.check_at);  // no quiet period: only "back" closes it
    AlertDecision attempt = DecideAlertGroup(late.next, Problem(kT0 + 3min), DownAfter2m());
    CHECK(attempt.action == AlertAction::kCount);
    AlertDecision back = DecideAlertGroup(attempt.next, Recovery(kT0 + 4min), DownAfter2m());
    CHECK(back.action == AlertAction::kCloseAndNote);
    CHECK(back.next.count == 2);
  }
  SECTION("an urgent problem alerts at once, and only once") {
    AlertDecision fatal = DecideAlertGroup(down.next, Urgent(kT0 + 10s, "fatal: token"),
                                           DownAfter2m());
    CHECK(fatal.action == AlertAction::kAlert);
    CHECK(fatal.next.alerted);
    AlertDecision timer = DecideAlertGroup(fatal.next, Check(kT0 + 2min, fatal.next),
                                           DownAfter2m());
    CHECK(timer.action == AlertAction::kNone);
    CHECK(DecideAlertGroup(fatal.next, Urgent(kT0 + 1h, "fatal: token"), DownAfter2m())
              .action == AlertAction::kCount);
  }
}

TEST_CASE("an urgent problem opens a closed group with an alert at once",
          "[pipeline][alert_group]") {
  AlertDecision d = DecideAlertGroup({}, Urgent(kT0, "fatal: SLACK_BOT_TOKEN"), DownAfter2m());
  CHECK(d.action == AlertAction::kOpenAndAlert);
  CHECK(d.next.first == "fatal: SLACK_BOT_TOKEN");
}

TEST_CASE("a problem of weight 0 opens or joins a group without adding to its count",
          "[pipeline][alert_group]") {
  AlertEvent down = Problem(kT0, "reconnecting: connection closed");
  down.weight = 0;
  AlertDecision open = DecideAlertGroup({}, down, DownAfter2m());
  CHECK(open.action == AlertAction::kOpenQuietly);
  CHECK(open.next.count == 0);
  AlertGroupState g = DecideAlertGroup(open.next, Problem(kT0 + 10s, "attempt"), DownAfter2m()).next;
  g = DecideAlertGroup(g, down, DownAfter2m()).next;
  CHECK(g.count == 1);
  CHECK(g.first == "reconnecting: connection closed");
}
