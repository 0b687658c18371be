// LeadStats: the figures behind `/leads` — a day's leads by segment, how
// fast they were claimed, what is still waiting for an owner, and who took
// how many. The caller picks the day ([from, to)) in the team's time zone.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself. Throws
// SQLite::Exception on a database failure.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct SegmentCount {
  std::string segment;  // "HOT_BUYER", … as stored
  int64_t leads = 0;
};

struct AgentLeadCount {
  std::string slack_id;
  std::string name;  // "" when the owner is not in the agents table
  int64_t leads = 0;
  // First human contacts recorded in [from, to) while this agent owned the
  // lead, and the time from getting the lead to that contact (median, p90);
  // nullopt when there was none.
  int64_t contacted = 0;
  std::optional<std::chrono::milliseconds> contact_median;
  std::optional<std::chrono::milliseconds> contact_p90;
};

struct LeadStats {
  // Active (non-spam) leads created in [from, to), by segment: the four
  // pipeline segments first, always listed (zeros included), then any other
  // stored value.
  std::vector<SegmentCount> by_segment;
  int64_t received = 0;  // sum of by_segment
  int64_t spam = 0;      // spam rows created in [from, to)

  // claimed_at − created_at of the leads that got their current owner in
  // [from, to); nullopt when none did.
  int64_t owned = 0;
  std::optional<std::chrono::milliseconds> claim_median;
  std::optional<std::chrono::milliseconds> claim_p90;

  // Waiting now, whatever the day they arrived (created before `to`): active
  // leads that should have an agent but have none and were not taken over in
  // the CRM. Hot: HOT_BUYER (the shark tank); unassigned: WARM_BUYER (the
  // rotation). Support requests are left out: they go to triage by design.
  int64_t unclaimed_hot = 0;
  int64_t unassigned = 0;
  std::vector<int64_t> unclaimed_hot_ids;  // oldest first, at most id_limit
  std::vector<int64_t> unassigned_ids;     // oldest first, at most id_limit

  // Leads that got their current owner in [from, to), per owner: every
  // active agent in rotation order (zeros included), then owners the agents
  // table does not know (or no longer lists as active), by slack id. An
  // agent with first contacts in [from, to) but no lead owned then is
  // listed too, with leads = 0.
  std::vector<AgentLeadCount> per_agent;
};

// REQUIRES: from <= to.
LeadStats QueryLeadStats(SQLite::Database& db, TimePoint from, TimePoint to,
                         std::size_t id_limit = 10);

}  // namespace leadrouter::storage
