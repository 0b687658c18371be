// Reading a lead's timeline from the daemon's database in end-to-end tests:
// how many events of a kind, the newest one's detail, how long until it was
// routed, and waiting (bounded) for an event to appear.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "tests/support/slack_stack.h"

namespace leadrouter::testing {

inline int64_t Events(SlackStack& s, int64_t id, const std::string& kind) {
  return s.Count("SELECT count(*) FROM timeline_events WHERE lead_id = " +
                 std::to_string(id) + " AND kind = '" + kind + "'");
}

// The newest `kind` event's detail (JSON text), "" when there is none.
inline std::string EventDetail(SlackStack& s, int64_t id,
                               const std::string& kind) {
  return s.QueryString("SELECT detail FROM timeline_events WHERE lead_id = " +
                       std::to_string(id) + " AND kind = '" + kind +
                       "' ORDER BY id DESC LIMIT 1");
}

// Milliseconds from the lead's arrival to its `routed` event, -1 if none.
inline int64_t RoutedAfterMs(SlackStack& s, int64_t id) {
  if (Events(s, id, "routed") == 0) return -1;
  return s.Count(
      "SELECT min(t.at) - l.created_at FROM timeline_events t JOIN leads l "
      "ON l.id = t.lead_id WHERE t.kind = 'routed' AND l.id = " +
      std::to_string(id));
}

// Waits (polling the database, about 10 s at most) until lead `id` has a
// `kind` event; false when it never came.
inline bool WaitForEvent(SlackStack& s, int64_t id, const std::string& kind) {
  for (int i = 0; i < 1000; ++i) {
    if (Events(s, id, kind) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace leadrouter::testing
