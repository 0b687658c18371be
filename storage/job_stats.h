// JobStats: the queue at a glance, per kind: what is due now, what waits
// for later (timers, follow-up steps), what runs, what is dead, and how long
// the oldest due job has waited. For /metrics and /healthz; read-only.
#pragma once

#include <string>
#include <vector>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct KindStats {
  std::string kind;
  int64_t due = 0;        // pending with due_at <= now
  int64_t scheduled = 0;  // pending with due_at > now
  int64_t running = 0;
  int64_t dead = 0;
  double oldest_due_seconds = 0;  // now - the earliest due_at among `due`
};

// One row per kind that has a pending, running or dead job, by kind name.
std::vector<KindStats> JobStatsByKind(SQLite::Database& db, TimePoint now);

}  // namespace leadrouter::storage
