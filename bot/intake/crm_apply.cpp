#include "bot/intake/crm_apply.h"

#include <chrono>
#include <functional>
#include <vector>

#include "bot/follow_up/opt_out.h"
#include "bot/routing/outbox_plan.h"
#include "bot/slack/mrkdwn.h"
#include "storage/agent_store.h"
#include "storage/crm_event_store.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

std::chrono::milliseconds SinceIntake(const storage::StoredLead& lead, SystemTime now) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(now - lead.created_at);
}

constexpr char kCancelReason[] = "taken over in the CRM";

struct Found {
  int64_t lead_id = 0;
  std::string by;
};

std::optional<Found> FindLead(storage::LeadStore& leads,
                              const pipeline::CrmContact& contact) {
  // The CRM id is the CRM's own name for the contact, so it beats an e-mail
  // or phone that two people may share.
  if (std::optional<int64_t> id = leads.FindByCrmId(contact.crm_id)) {
    return Found{*id, "crm_id"};
  }
  for (const std::string& key : contact.keys) {
    if (std::optional<int64_t> id = leads.FindByKey(key)) {
      return Found{*id, key.substr(0, key.find(':'))};
    }
  }
  return std::nullopt;
}

// What the event changed, as a list of short phrases. `text` renders a
// user-supplied value, `mention` one of our agents.
std::string Describe(
    const pipeline::CrmEvent& event,
    const std::optional<std::string>& owner_agent, int cancelled_jobs,
    const std::function<std::string(const std::string&)>& text,
    const std::function<std::string(const std::string&)>& mention) {
  std::vector<std::string> parts;
  if (event.type == pipeline::CrmEventType::kContacted)
    parts.push_back("contacted");
  if (event.type == pipeline::CrmEventType::kOptedOut)
    parts.push_back("opted out");
  if (event.status) parts.push_back("status " + text(*event.status));
  if (owner_agent) {
    parts.push_back("owner " + mention(*owner_agent));
  } else if (event.owner) {
    const std::string& named =
        event.owner->email.empty() ? event.owner->slack_id : event.owner->email;
    parts.push_back("owner " + text(named) + " (not one of our agents)");
  }
  if (parts.empty()) parts.push_back("taken over");

  std::string out;
  for (const std::string& part : parts) {
    out += (out.empty() ? "" : ", ") + part;
  }
  if (cancelled_jobs == 0) {
    out += "; no automated follow-ups were pending";
  } else {
    out += "; stopped " + std::to_string(cancelled_jobs) +
           " automated follow-up" + (cancelled_jobs == 1 ? "" : "s");
  }
  return out;
}

// What a CRM opt-out covers: the contact's e-mail and phone as the event
// names them, and those of the lead it matched (an event may name the
// contact by its CRM id alone), each channel's address once.
std::vector<storage::OptOut> CrmOptOuts(const pipeline::CrmEvent& event,
                                        const storage::StoredLead* lead,
                                        SystemTime now) {
  std::vector<storage::OptOut> out;
  auto add = [&](const char* channel, const std::string& address) {
    if (address.empty()) return;
    for (const storage::OptOut& o : out) {
      if (o.channel == channel && o.address == address) return;
    }
    out.push_back({channel, address, "crm", event.event_id, now});
  };
  add("email", event.contact.email);
  if (lead) add("email", lead->email);
  add("sms", event.contact.phone_e164);
  if (lead) add("sms", lead->phone_e164);
  return out;
}

nlohmann::json OwnerJson(const pipeline::CrmOwner& owner) {
  nlohmann::json out = nlohmann::json::object();
  if (!owner.email.empty()) out["email"] = owner.email;
  if (!owner.slack_id.empty()) out["slack_id"] = owner.slack_id;
  return out;
}

}  // namespace

std::string ToString(CrmOutcome outcome) {
  switch (outcome) {
    case CrmOutcome::kApplied:
      return "applied";
    case CrmOutcome::kDuplicate:
      return "duplicate";
    case CrmOutcome::kUnmatched:
      return "unmatched";
  }
  return "unmatched";
}

nlohmann::json CrmAnswer(const std::string& event_id,
                         const CrmApplyResult& result) {
  return {{"event_id", event_id},
          {"status", ToString(result.outcome)},
          {"lead_id", result.lead_id ? nlohmann::json(*result.lead_id)
                                     : nlohmann::json(nullptr)},
          {"cancelled_jobs", result.cancelled_jobs}};
}

std::string CrmNoteText(const pipeline::CrmEvent& event,
                        const std::optional<std::string>& owner_agent,
                        int cancelled_jobs) {
  return "CRM: " +
         Describe(
             event, owner_agent, cancelled_jobs,
             [](const std::string& s) { return slack::EscapeMrkdwn(s); },
             [](const std::string& id) { return slack::Mention(id); });
}

CrmApplyResult ApplyCrmEvent(SQLite::Database& db,
                             const pipeline::CrmEvent& event, SystemTime now,
                             const Config& config) {
  storage::LeadStore leads(db);
  storage::CrmEventStore events(db);
  CrmApplyResult out;

  std::optional<Found> found = FindLead(leads, event.contact);
  std::optional<int64_t> lead_id;
  if (found) lead_id = found->lead_id;
  if (!events.RecordIfNew(event.event_id, pipeline::ToString(event.type),
                          lead_id, found.has_value(), event.raw, now)) {
    out.outcome = CrmOutcome::kDuplicate;
    if (auto seen = events.Get(event.event_id)) out.lead_id = seen->lead_id;
    return out;
  }
  if (!found) {
    // An opt-out binds whatever lead the person becomes later.
    if (event.type == pipeline::CrmEventType::kOptedOut) {
      out.opt_out_cancelled =
          ApplyOptOut(db, CrmOptOuts(event, nullptr, now), now).cancelled_steps;
    }
    out.outcome = CrmOutcome::kUnmatched;
    return out;
  }
  out.outcome = CrmOutcome::kApplied;
  out.lead_id = found->lead_id;
  out.matched_by = found->by;
  const int64_t id = found->lead_id;

  bool first_takeover = leads.MarkTakenOver(id, now);
  bool first_contact = event.type == pipeline::CrmEventType::kContacted &&
                       leads.MarkContacted(id, now);
  if (first_contact) {
    if (std::optional<storage::StoredLead> contacted = leads.Get(id)) {
      out.milestones.push_back({storage::LeadMilestone::Kind::kFirstContact,
                                SinceIntake(*contacted, now)});
    }
  }
  storage::JobStore jobs(db);
  out.cancelled_jobs = jobs.CancelByLeadAndKinds(id, kAutomatedFollowUpKinds,
                                                 kCancelReason, now);

  storage::CrmOverrideEvent recorded;
  recorded.event_id = event.event_id;
  recorded.type = pipeline::ToString(event.type);
  recorded.matched_by = found->by;
  recorded.first_takeover = first_takeover;
  recorded.cancelled_jobs = out.cancelled_jobs;
  if (event.type == pipeline::CrmEventType::kContacted) {
    recorded.first_contact = first_contact;
  }
  recorded.status = event.status;
  recorded.occurred_at = event.occurred_at_text;
  std::optional<std::string> agent;
  if (event.owner) {
    recorded.crm_owner = OwnerJson(*event.owner);
    agent = storage::AgentStore(db).MatchCrmOwner(event.owner->email,
                                                  event.owner->slack_id);
    std::optional<storage::StoredLead> lead =
        agent ? leads.Get(id) : std::nullopt;
    std::optional<std::string> previous =
        lead ? lead->owner_slack_id : std::nullopt;
    if (agent && previous != agent) {
      if (lead && !lead->claimed_at) {
        out.milestones.push_back({storage::LeadMilestone::Kind::kFirstOwner,
                                  SinceIntake(*lead, now)});
      }
      leads.SetOwner(id, *agent, now);
      out.owner_synced = agent;
      recorded.owner = {{"from", previous ? nlohmann::json(*previous)
                                          : nlohmann::json(nullptr)},
                        {"to", *agent}};
    } else if (agent) {
      recorded.owner = {{"unchanged", *agent}};
    } else {
      recorded.owner = {{"unknown", true}};
    }
  }
  recorded.summary = Describe(
      event, agent, out.cancelled_jobs, [](const std::string& s) { return s; },
      [](const std::string& slack_id) { return slack_id; });

  storage::Timeline timeline(db);
  timeline.Record(id, now, recorded);
  if (event.type == pipeline::CrmEventType::kOptedOut) {
    // Stored as opt-outs of both channels (timeline `opted_out` per
    // channel on every lead with the address), so that no later lead of
    // this person is texted or mailed either.
    std::optional<storage::StoredLead> lead = leads.Get(id);
    out.opt_out_cancelled =
        ApplyOptOut(db, CrmOptOuts(event, lead ? &*lead : nullptr, now), now)
            .cancelled_steps;
  }

  if (first_takeover) {
    // The shark-tank post must stop offering a lead a human now handles.
    std::string line = "Taken over in the CRM";
    if (out.owner_synced) line += " by " + slack::Mention(*out.owner_synced);
    jobs.Enqueue(MakeJob(id, UpdateLeadPostJob{line}, now, config), now);
  }
  jobs.Enqueue(
      MakeJob(id, ThreadNoteJob{CrmNoteText(event, agent, out.cancelled_jobs)},
              now, config),
      now);
  out.note_queued = true;
  return out;
}

}  // namespace leadrouter
