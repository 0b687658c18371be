#include "storage/job_priority.h"

#include <array>
#include <utility>

namespace leadrouter::storage {
namespace {

// Whole kinds (bot/routing/outbox_plan.h names them), or a prefix ending in '.'.
constexpr std::array<std::pair<std::string_view, JobPriority>, 12> kTable = {{
    {"slack.post_shark_tank", JobPriority::kSharkTank},
    {"slack.update_lead_post", JobPriority::kSharkTank},
    // Claim answers ("you got it", "someone was faster") go out as ephemerals.
    {"slack.ephemeral", JobPriority::kSharkTank},
    {"route.claim_timeout", JobPriority::kSharkTank},
    {"slack.dm_lead_card", JobPriority::kAgent},
    {"slack.dm_note", JobPriority::kAgent},
    {"slack.thread_note", JobPriority::kAgent},
    {"slack.post_triage", JobPriority::kAgent},
    {"slack.refresh_lead_card", JobPriority::kAgent},
    {"route.", JobPriority::kAgent},
    {"sla.", JobPriority::kAgent},
    {"sequence.", JobPriority::kBackground},
}};

bool Matches(std::string_view kind, std::string_view entry) {
  if (!entry.empty() && entry.back() == '.') return kind.substr(0, entry.size()) == entry;
  return kind == entry;
}

}  // namespace

JobPriority JobPriorityOf(std::string_view kind) {
  for (const auto& [entry, priority] : kTable) {
    if (Matches(kind, entry)) return priority;
  }
  return JobPriority::kBackground;
}

}  // namespace leadrouter::storage
