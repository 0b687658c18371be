#include "storage/lead_stats.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "pipeline/lead.h"
#include "storage/cached_statement.h"
#include "storage/percentile.h"

namespace leadrouter::storage {
namespace {

// Mirrors pipeline::DecideRoute: these are the leads an agent must take.
// Support requests go to triage whatever their segment.
constexpr char kNeedsOwner[] =
    "status = 'active' AND intent <> 'SUPPORT_REQUEST' AND "
    "owner_slack_id IS NULL AND taken_over_at IS NULL AND created_at < ? ";

void CountSegments(SQLite::Database& db, TimePoint from, TimePoint to,
                   LeadStats& stats) {
  for (pipeline::Segment s :
       {pipeline::Segment::kHotBuyer, pipeline::Segment::kWarmBuyer,
        pipeline::Segment::kNurtureLongterm, pipeline::Segment::kLowQuality}) {
    stats.by_segment.push_back({pipeline::ToString(s), 0});
  }
  CachedStatement query(db,
                        "SELECT status, segment, COUNT(*) FROM leads "
                        "WHERE created_at >= ? AND created_at < ? "
                        "GROUP BY status, segment ORDER BY segment");
  query.bind(1, ToMillis(from));
  query.bind(2, ToMillis(to));
  while (query.executeStep()) {
    int64_t n = query.getColumn(2).getInt64();
    if (query.getColumn(0).getString() == "spam") {
      stats.spam += n;
      continue;
    }
    std::string segment = query.getColumn(1).getString();
    auto it = std::find_if(
        stats.by_segment.begin(), stats.by_segment.end(),
        [&](const SegmentCount& c) { return c.segment == segment; });
    if (it == stats.by_segment.end()) {
      stats.by_segment.push_back({segment, n});
    } else {
      it->leads += n;
    }
    stats.received += n;
  }
}

std::optional<std::chrono::milliseconds> ToMillisOpt(std::optional<double> v) {
  if (!v) return std::nullopt;
  return std::chrono::milliseconds(std::llround(*v));
}

void TimeToClaim(SQLite::Database& db, TimePoint from, TimePoint to,
                 LeadStats& stats) {
  CachedStatement query(
      db,
      "SELECT claimed_at - created_at FROM leads "
      "WHERE owner_slack_id IS NOT NULL AND claimed_at >= ? AND "
      "claimed_at < ?");
  query.bind(1, ToMillis(from));
  query.bind(2, ToMillis(to));
  std::vector<double> millis;
  while (query.executeStep()) {
    millis.push_back(static_cast<double>(query.getColumn(0).getInt64()));
  }
  stats.owned = static_cast<int64_t>(millis.size());
  stats.claim_median = ToMillisOpt(Percentile(millis, 50));
  stats.claim_p90 = ToMillisOpt(Percentile(millis, 90));
}

// Counts the waiting leads of `segment` and lists the oldest `limit` ids.
void Waiting(SQLite::Database& db, const std::string& segment, TimePoint to,
             std::size_t limit, int64_t& count, std::vector<int64_t>& ids) {
  CachedStatement query(db, std::string("SELECT id FROM leads WHERE ") +
                                kNeedsOwner +
                                "AND segment = ? ORDER BY created_at, id");
  query.bind(1, ToMillis(to));
  query.bind(2, segment);
  while (query.executeStep()) {
    if (ids.size() < limit) ids.push_back(query.getColumn(0).getInt64());
    ++count;
  }
}

AgentLeadCount Row(std::string slack_id, std::string name, int64_t leads) {
  AgentLeadCount row;
  row.slack_id = std::move(slack_id);
  row.name = std::move(name);
  row.leads = leads;
  return row;
}

void PerAgent(SQLite::Database& db, TimePoint from, TimePoint to,
              LeadStats& stats) {
  CachedStatement agents(db,
                         "SELECT slack_id, name FROM agents WHERE active = 1 "
                         "ORDER BY position, slack_id");
  while (agents.executeStep()) {
    stats.per_agent.push_back(Row(agents.getColumn(0).getString(),
                                  agents.getColumn(1).getString(), 0));
  }
  CachedStatement owned(
      db,
      "SELECT l.owner_slack_id, COALESCE(a.name, ''), COUNT(*) "
      "FROM leads l LEFT JOIN agents a ON a.slack_id = l.owner_slack_id "
      "WHERE l.owner_slack_id IS NOT NULL AND l.claimed_at >= ? AND "
      "l.claimed_at < ? GROUP BY l.owner_slack_id ORDER BY l.owner_slack_id");
  owned.bind(1, ToMillis(from));
  owned.bind(2, ToMillis(to));
  while (owned.executeStep()) {
    std::string id = owned.getColumn(0).getString();
    int64_t n = owned.getColumn(2).getInt64();
    auto it =
        std::find_if(stats.per_agent.begin(), stats.per_agent.end(),
                     [&](const AgentLeadCount& c) { return c.slack_id == id; });
    if (it == stats.per_agent.end()) {
      stats.per_agent.push_back(Row(id, owned.getColumn(1).getString(), n));
    } else {
      it->leads = n;
    }
  }
}

// Time to first contact per agent: the owner's own wait, stored when the
// contact was recorded, so a later reassignment does not rewrite it.
void TimeToContact(SQLite::Database& db, TimePoint from, TimePoint to,
                   LeadStats& stats) {
  CachedStatement query(
      db,
      "SELECT l.first_contact_owner, COALESCE(a.name, ''), "
      "l.first_contact_wait_ms FROM leads l "
      "LEFT JOIN agents a ON a.slack_id = l.first_contact_owner "
      "WHERE l.first_contact_owner IS NOT NULL AND "
      "l.first_contact_wait_ms IS NOT NULL AND l.contacted_at >= ? AND "
      "l.contacted_at < ? ORDER BY l.first_contact_owner");
  query.bind(1, ToMillis(from));
  query.bind(2, ToMillis(to));
  std::map<std::string, std::vector<double>> waits;
  while (query.executeStep()) {
    std::string id = query.getColumn(0).getString();
    auto it =
        std::find_if(stats.per_agent.begin(), stats.per_agent.end(),
                     [&](const AgentLeadCount& c) { return c.slack_id == id; });
    if (it == stats.per_agent.end()) {
      stats.per_agent.push_back(Row(id, query.getColumn(1).getString(), 0));
    }
    waits[id].push_back(static_cast<double>(query.getColumn(2).getInt64()));
  }
  for (AgentLeadCount& agent : stats.per_agent) {
    auto it = waits.find(agent.slack_id);
    if (it == waits.end()) continue;
    agent.contacted = static_cast<int64_t>(it->second.size());
    agent.contact_median = ToMillisOpt(Percentile(it->second, 50));
    agent.contact_p90 = ToMillisOpt(Percentile(it->second, 90));
  }
}

}  // namespace

LeadStats QueryLeadStats(SQLite::Database& db, TimePoint from, TimePoint to,
                         std::size_t id_limit) {
  LeadStats stats;
  CountSegments(db, from, to, stats);
  TimeToClaim(db, from, to, stats);
  Waiting(db, pipeline::ToString(pipeline::Segment::kHotBuyer), to, id_limit,
          stats.unclaimed_hot, stats.unclaimed_hot_ids);
  Waiting(db, pipeline::ToString(pipeline::Segment::kWarmBuyer), to, id_limit,
          stats.unassigned, stats.unassigned_ids);
  PerAgent(db, from, to, stats);
  TimeToContact(db, from, to, stats);
  return stats;
}

}  // namespace leadrouter::storage
