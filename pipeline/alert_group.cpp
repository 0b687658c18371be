#include "pipeline/alert_group.h"

#include <algorithm>

namespace leadrouter::pipeline {
namespace {

AlertDecision Close(const AlertGroupState& state) {
  AlertDecision d;
  d.next = state;
  d.next.open = false;
  d.action = state.alerted ? AlertAction::kCloseAndNote
                           : AlertAction::kCloseQuietly;
  return d;
}

AlertDecision OnProblem(const AlertGroupState& state, const AlertEvent& event,
                        const AlertPolicy& policy) {
  const bool urgent = event.kind == AlertEventKind::kUrgentProblem;
  AlertDecision d;
  if (!state.open) {
    d.next.open = true;
    d.next.opened_at = event.at;
    d.next.last_event_at = event.at;
    d.next.count = event.weight;
    d.next.first = event.summary;
    d.next.alerted = urgent || policy.alert_after.count() <= 0;
    d.action = d.next.alerted ? AlertAction::kOpenAndAlert
                              : AlertAction::kOpenQuietly;
    std::optional<AlertTime> quiet_due;
    if (policy.quiet_period) quiet_due = event.at + *policy.quiet_period;
    if (d.next.alerted) {
      d.check_at = quiet_due;
    } else {
      const AlertTime alert_due = event.at + policy.alert_after;
      d.check_at = quiet_due ? std::min(alert_due, *quiet_due) : alert_due;
    }
    return d;
  }
  d.next = state;
  d.next.count += event.weight;
  d.next.last_event_at = std::max(state.last_event_at, event.at);
  if (urgent && !state.alerted) {
    // The group's pending timer still fires and finds it alerted.
    d.next.alerted = true;
    d.action = AlertAction::kAlert;
  } else {
    d.action = AlertAction::kCount;
  }
  return d;
}

AlertDecision OnCheck(const AlertGroupState& state, const AlertEvent& event,
                      const AlertPolicy& policy) {
  AlertDecision d;
  d.next = state;
  if (!state.open) return d;
  if (event.group_opened_at && *event.group_opened_at != state.opened_at) {
    return d;  // an earlier group's timer: the current one has its own
  }
  std::optional<AlertTime> quiet_due;
  if (policy.quiet_period) quiet_due = state.last_event_at + *policy.quiet_period;
  if (quiet_due && event.at >= *quiet_due) return Close(state);
  const AlertTime alert_due = state.opened_at + policy.alert_after;
  if (!state.alerted && event.at >= alert_due) {
    d.next.alerted = true;
    d.action = AlertAction::kAlert;
    d.check_at = quiet_due;
    return d;
  }
  // Too early (problems kept coming, or the alert is not due yet): wait
  // for whichever comes first.
  if (!state.alerted) {
    d.check_at = quiet_due ? std::min(alert_due, *quiet_due) : alert_due;
  } else {
    d.check_at = quiet_due;
  }
  return d;
}

}  // namespace

AlertDecision DecideAlertGroup(const AlertGroupState& state,
                               const AlertEvent& event,
                               const AlertPolicy& policy) {
  switch (event.kind) {
    case AlertEventKind::kProblem:
    case AlertEventKind::kUrgentProblem:
      return OnProblem(state, event, policy);
    case AlertEventKind::kRecovery: {
      if (!state.open) {
        AlertDecision d;
        d.next = state;
        return d;
      }
      return Close(state);
    }
    case AlertEventKind::kCheck:
      return OnCheck(state, event, policy);
  }
  AlertDecision d;
  d.next = state;
  return d;
}

std::string_view ToString(AlertAction action) {
  switch (action) {
    case AlertAction::kNone: return "none";
    case AlertAction::kOpenAndAlert: return "open_and_alert";
    case AlertAction::kOpenQuietly: return "open_quietly";
    case AlertAction::kAlert: return "alert";
    case AlertAction::kCount: return "count";
    case AlertAction::kCloseAndNote: return "close_and_note";
    case AlertAction::kCloseQuietly: return "close_quietly";
  }
  return "none";
}

}  // namespace leadrouter::pipeline
