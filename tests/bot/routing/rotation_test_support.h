// Helpers for the rotation tests in bot/: a config, seeded agents, leads to
// assign, and what the outbox holds.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "bot/daemon/config.h"
#include "storage/agent_store.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "tests/storage/storage_test_support.h"

namespace leadrouter::testing {

// 2026-03-14T22:07:41Z: 18:07 EDT on a Saturday in the team's New York.
inline const SystemTime kT0 = storage::testing::kT0;

inline Config RotationConfig(RejoinPolicy rejoin = RejoinPolicy::kOldPlace) {
  Config c;
  c.rotation.timezone = "America/New_York";
  c.rotation.rejoin = rejoin;
  c.slack.managers = {"U0123MGR"};
  return c;
}

inline storage::AgentSeed AgentSeed(const std::string& name, int weight = 1,
                                    int cap = 0) {
  storage::AgentSeed s;
  s.slack_id = "U0123" + name;
  for (char& ch : s.slack_id) ch = static_cast<char>(std::toupper(ch));
  s.name = name;
  s.weight = weight;
  s.daily_cap = cap;
  return s;
}

inline std::string IdOf(const std::string& name) {
  return AgentSeed(name).slack_id;
}

// A new lead (a distinct e-mail each time), stored at `now`.
inline int64_t NewLead(storage::Database& db, SystemTime now) {
  static int n = 0;
  std::string email = "lead" + std::to_string(++n) + "@example.com";
  return storage::LeadStore(db.db())
      .Intake(storage::testing::LeadWithEmail(email, "Call me"), now,
              std::chrono::seconds(1))
      .lead_id;
}

inline std::vector<storage::Job> PendingJobs(storage::Database& db,
                                             const std::string& kind) {
  std::vector<storage::Job> out;
  for (storage::Job& j :
       storage::JobStore(db.db()).List(storage::JobState::kPending, 10000)) {
    if (j.kind == kind) out.push_back(std::move(j));
  }
  return out;
}

}  // namespace leadrouter::testing
