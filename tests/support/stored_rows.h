// Reading what a decision wrote, in tests on a real SQLite database: the
// pending jobs of a kind and a lead's timeline events of a kind.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/timeline.h"

namespace leadrouter::testing {

inline std::vector<storage::Job> PendingJobs(storage::Database& db,
                                             const std::string& kind) {
  std::vector<storage::Job> out;
  for (storage::Job& j :
       storage::JobStore(db.db()).List(storage::JobState::kPending, 1000)) {
    if (j.kind == kind) out.push_back(std::move(j));
  }
  return out;
}

inline int CountEvents(storage::Database& db, int64_t lead,
                       const std::string& kind) {
  int n = 0;
  for (const storage::TimelineEvent& e : storage::Timeline(db.db()).List(lead))
    n += e.kind == kind;
  return n;
}

}  // namespace leadrouter::testing
