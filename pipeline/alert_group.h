// Alert groups: what the ops channel hears about a run of problems of one
// kind (dead letters of one channel, CRM events for unknown contacts, the
// Slack link being down). An outage is one group: its first problem opens
// it and alerts once, later ones are counted silently, and it closes with
// one recovery note on an explicit recovery or after a quiet period without
// a new problem. Pure: the stored state and the event in, the next state
// and what to send out.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leadrouter::pipeline {

using AlertTime = std::chrono::system_clock::time_point;

struct AlertGroupState {
  bool open = false;
  AlertTime opened_at{};      // when the group's first problem came
  AlertTime last_event_at{};  // its latest problem
  int64_t count = 0;          // the problems' weights, the first included
  bool alerted = false;       // the opening alert was written
  std::string first;          // the first problem, in a few words
};

struct AlertPolicy {
  // Closes the group after this long without a new problem; nullopt: only
  // an explicit recovery closes it (a link that is down stays down).
  std::optional<std::chrono::milliseconds> quiet_period;
  // The group must stay open this long before anyone is told (a link that
  // is only briefly "connecting" is no news); zero: alert at once.
  std::chrono::milliseconds alert_after{0};
};

enum class AlertEventKind {
  kProblem,        // one more problem of the group's kind
  kUrgentProblem,  // a problem nobody should wait for (a refused token)
  kRecovery,       // the thing works again (a success of the same kind)
  kCheck,          // the group's timer fired
};

struct AlertEvent {
  AlertEventKind kind = AlertEventKind::kProblem;
  AlertTime at{};
  std::string summary;  // problems: in a few words, kept when it is the first
  // Checks: the opened_at of the group that set the timer; a timer left
  // over from an earlier group of the same key changes nothing.
  std::optional<AlertTime> group_opened_at;
  // Problems: what it adds to the group's count; 0 for another sign of the
  // same trouble that is not one more of what the count counts (the Slack
  // link's state changes, where the count is of reconnect attempts).
  int64_t weight = 1;
};

enum class AlertAction {
  kNone,          // nothing changes
  kOpenAndAlert,  // a new group; its opening alert goes out now
  kOpenQuietly,   // a new group that alerts only if it lasts alert_after
  kAlert,         // an open group's opening alert goes out now (late)
  kCount,         // one more problem of an open group, counted silently
  kCloseAndNote,  // the group is over; its recovery note goes out
  kCloseQuietly,  // over before anyone was told: nothing goes out
};

struct AlertDecision {
  AlertAction action = AlertAction::kNone;
  AlertGroupState next;  // the state to store (unchanged for kNone)
  // Set a timer (a check event) for the group at this time. At most one
  // timer is pending per group: one is asked for when a group opens and
  // by a check that leaves the group open, never by a counted problem.
  std::optional<AlertTime> check_at;

  bool sends_alert() const {
    return action == AlertAction::kOpenAndAlert || action == AlertAction::kAlert;
  }
  bool sends_note() const { return action == AlertAction::kCloseAndNote; }
};

// What `event` does to the group in `state` under `policy`:
// - a problem opens a closed group (alerting at once when alert_after is
//   zero or the problem is urgent) or is counted in an open one (an urgent
//   one alerts a group that had not alerted yet);
// - a recovery closes an open group, with a note when it had alerted;
// - a check closes a group quiet for quiet_period (a note when it had
//   alerted), alerts a group open for alert_after, or else asks for the
//   next check.
AlertDecision DecideAlertGroup(const AlertGroupState& state,
                               const AlertEvent& event,
                               const AlertPolicy& policy);

// "name", "text": for logs and tests.
std::string_view ToString(AlertAction action);

}  // namespace leadrouter::pipeline
