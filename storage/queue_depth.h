// How deep the job queue is, as /healthz reports it: jobs due now (waiting
// for the runner: a backlog) apart from jobs scheduled for later (claim
// timeouts, reminders, follow-up steps: timers, not a backlog).
// Thread rule: storage writer thread only. Throws SQLite::Exception on a
// database failure.
#pragma once

#include <cstdint>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct QueueDepth {
  int64_t due = 0;        // pending, due_at <= now
  int64_t scheduled = 0;  // pending, due_at > now
  int64_t running = 0;
  int64_t dead = 0;
};

QueueDepth CountQueue(SQLite::Database& db, TimePoint now);

}  // namespace leadrouter::storage
