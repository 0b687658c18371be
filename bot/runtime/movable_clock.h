// MovableClock: a wall clock that can be moved forward, for end-to-end
// tests and the demo, which must see a claim timeout or an SLA fire without
// waiting for it. Off unless the config's `testing.movable_clock` is true;
// then POST /v1/testing/clock moves it (see RegisterClockControl).
// Thread-safe: Now() may be called anywhere, Advance() from the loop.
#pragma once

#include <atomic>
#include <chrono>

#include "bot/runtime/clock.h"

namespace leadrouter {

class HttpServer;
class JobRunner;
class RequestGate;

class MovableClock final : public Clock {
 public:
  // `base` must outlive this clock.
  explicit MovableClock(const Clock& base) : base_(base) {}
  SystemTime Now() const override {
    return base_.Now() + SystemTime::duration(offset_.load());
  }
  // REQUIRES: by >= 0. Time never runs backwards for the daemon.
  void Advance(SystemTime::duration by) { offset_ += by.count(); }

 private:
  const Clock& base_;
  std::atomic<SystemTime::duration::rep> offset_{0};
};

// Installs POST /v1/testing/clock {"advance": "5m"}: authenticated like the
// intake, moves `clock` forward, wakes `runner` so jobs that became due run
// now, and answers 200 {"now_unix_ms": …}. Every reference must outlive
// the server. Also GET /v1/testing/jobs: 200 {"idle", "in_flight"}, where
// idle is JobRunner::TEST_Idle(), so a test can tell "nothing ran" from
// "nothing ran yet".
void RegisterClockControl(HttpServer& server, RequestGate& gate,
                          MovableClock& clock, JobRunner& runner);

}  // namespace leadrouter
