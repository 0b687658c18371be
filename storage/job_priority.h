// Job priority: which due work the runner takes first when more is due than
// it can run at once. Derived from the job's kind here and nowhere else;
// JobStore::Enqueue stores it with the row, and JobStore::ClaimDue takes
// due jobs by priority, then due time.
// Thread rule: pure functions, safe anywhere.
#pragma once

#include <string_view>

namespace leadrouter::storage {

// Lower runs first. The order is the promise made to a lead: a hot lead's
// shark-tank post and the effects of a claim are seconds-sensitive and seen
// by many agents; DMs and thread notes reach one agent each; follow-ups,
// timers of the ops watch and reports can wait behind both.
enum class JobPriority : int {
  kSharkTank = 0,   // shark-tank post, claim effects, claim timeout
  kAgent = 1,       // DM cards, DM and thread notes, routing, triage, SLA
  kBackground = 2,  // follow-up sequences, ops alerts and checks, reports
};

// The priority of a job of `kind`; a kind this table does not name runs
// with the background work.
JobPriority JobPriorityOf(std::string_view kind);

}  // namespace leadrouter::storage
