// What a CRM override event does, as one piece of the storage writer's
// transaction: find the lead, record the event once, mark the lead taken
// over by a human, cancel its automated follow-ups, sync the owner when the
// CRM names one of our agents, explain it all on the timeline, and queue a
// Slack thread note saying so. An opted_out event is also stored as an
// opt-out of sms and email for the contact's addresses (bot/follow_up/opt_out), even
// when it matches no lead yet. The HTTP side is bot/intake/crm_service.
// Thread rule: storage writer thread only (it borrows the connection).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "pipeline/crm_event.h"
#include "storage/lead_milestone.h"

namespace SQLite {
class Database;
}

namespace leadrouter {

enum class CrmOutcome {
  kApplied,    // matched a lead and changed it
  kDuplicate,  // this event_id was recorded before; nothing changed
  kUnmatched,  // names no lead we know; recorded with matched = 0
};

// "applied", "duplicate", "unmatched": the values of the answer's "status".
std::string ToString(CrmOutcome outcome);

struct CrmApplyResult {
  CrmOutcome outcome = CrmOutcome::kUnmatched;
  std::optional<int64_t> lead_id;  // for a duplicate: as first recorded
  std::string matched_by;          // "crm_id", "email" or "phone"
  int cancelled_jobs = 0;
  // For opted_out: pending steps the opt-out cancelled on other leads with
  // the contact's addresses (the matched lead's went with the takeover).
  int opt_out_cancelled = 0;
  std::optional<std::string> owner_synced;  // the agent now owning the lead
  bool note_queued = false;                 // a job the runner should see
  // The lead's first owner or first contact, when this event gave it one;
  // the caller notes them on its transaction (storage::Database).
  std::vector<storage::LeadMilestone> milestones;
};

// The 202 body: {"event_id", "status", "lead_id" (or null), "cancelled_jobs"}.
nlohmann::json CrmAnswer(const std::string& event_id,
                         const CrmApplyResult& result);

// Applies `event` inside the caller's open transaction; everything it writes
// commits or rolls back with it. The lead is looked up by contact.crm_id,
// then by each of contact.keys in order (active leads only, newest first).
// A repeated event_id changes nothing and returns kDuplicate. Throws
// SQLite::Exception on a database failure (the caller rolls back).
CrmApplyResult ApplyCrmEvent(SQLite::Database& db,
                             const pipeline::CrmEvent& event, SystemTime now,
                             const Config& config);

// The thread note's text, in our own mrkdwn: user-supplied parts escaped,
// `owner_agent` (the agent the CRM names as owner, when it is one of ours)
// as a mention, e.g. "CRM: status Contacted, owner <@U0123ANA>; stopped 3
// automated follow-ups".
std::string CrmNoteText(const pipeline::CrmEvent& event,
                        const std::optional<std::string>& owner_agent,
                        int cancelled_jobs);

}  // namespace leadrouter
