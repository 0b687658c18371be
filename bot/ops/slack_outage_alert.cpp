#include "bot/ops/slack_outage_alert.h"

#include "bot/ops/ops_alerts.h"
#include "bot/runtime/time_zone.h"
#include "storage/alert_store.h"
#include "storage/database.h"
#include "storage/job_store.h"

namespace leadrouter {
namespace {

constexpr char kSlackService[] = "slack";

// "09:00 EDT" from FormatLocal's "2026-03-15 09:00 EDT".
std::string ClockTime(SystemTime t, const std::string& zone) {
  const std::string full = FormatLocal(t, zone);
  const auto space = full.find(' ');
  return space == std::string::npos ? full : full.substr(space + 1);
}

std::string Leads(int64_t n) {
  return std::to_string(n) + (n == 1 ? " lead" : " leads");
}

}  // namespace

AlertWords DescribeSlackOutage(const SlackOutageFacts& f) {
  AlertWords w;
  w.title = "Slack was unreachable";
  const std::string from = ClockTime(f.from, f.zone);
  const std::string to = ClockTime(f.to, f.zone);
  // "14:02–14:06 EDT": the zone once, at the end.
  const auto space = from.find(' ');
  const std::string span =
      (space == std::string::npos ? from : from.substr(0, space)) + "–" + to;
  w.detail = "Slack was unreachable " + span + "; ";
  if (f.leads == 0) {
    w.detail += "no lead was waiting for it.";
    return w;
  }
  const int64_t delivered = f.leads - f.pending - f.dead;
  if (f.pending == 0 && f.dead == 0) {
    w.detail += Leads(f.leads) + (f.leads == 1 ? " waited and was delivered."
                                               : " waited and were all delivered.");
    return w;
  }
  w.detail += Leads(f.leads) + " waited: " + std::to_string(delivered) +
              " delivered so far";
  if (f.pending > 0) w.detail += ", " + std::to_string(f.pending) + " going out now";
  if (f.dead > 0) {
    w.detail += ", " + std::to_string(f.dead) + " in the dead letters (/leads dlq)";
  }
  w.detail += ".";
  return w;
}

SlackAlertPlan PlanSlackOutageAlert(storage::Database& db, const storage::Job& job,
                                    SystemTime now, const Config& config) {
  SlackAlertPlan plan;
  const auto opened = job.payload.find("opened_ms");
  if (opened == job.payload.end() || !opened->is_number_integer()) return plan;
  const SystemTime opened_at = storage::FromMillis(opened->get<int64_t>());
  const std::optional<storage::AlertGroup> group =
      storage::AlertStore(db.db()).Get(kSlackConnectionGroup);
  if (!group) return plan;
  const bool same = storage::ToMillis(group->state.opened_at) == opened->get<int64_t>();
  if (same && !group->state.open && group->closed_at) {
    const storage::JobStore::WaitedLeads waited =
        storage::JobStore(db.db()).CountWaitedLeads(kSlackService, opened_at);
    SlackOutageFacts facts;
    facts.from = opened_at;
    facts.to = *group->closed_at;
    facts.zone = config.rotation.timezone;
    facts.leads = waited.leads;
    facts.pending = waited.pending;
    facts.dead = waited.dead;
    if (facts.pending > 0 && now - *group->closed_at < kAwaitDrain) {
      plan.kind = SlackAlertPlan::Kind::kWaitForDrain;
      return plan;
    }
    plan.kind = SlackAlertPlan::Kind::kSummary;
    plan.words = DescribeSlackOutage(facts);
    return plan;
  }
  // Still open, but this alert just got through after waiting: Slack is
  // answering, and the link is usually back within seconds.
  if (same && group->state.open && job.waiting_since &&
      job.last_error != kAwaitingLinkNote) {
    plan.kind = SlackAlertPlan::Kind::kWaitForLink;
  }
  return plan;
}

}  // namespace leadrouter
