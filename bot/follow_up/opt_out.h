// What an opt-out does, as one piece of the storage writer's transaction,
// whoever reported it (POST /v1/optout, a STOP texted to our number, the
// CRM): remember the address as opted out of the channel, for every lead
// that carries it now or later; cancel the pending follow-up steps of that
// channel on those leads; record the withdrawn consent and explain it on
// their timelines. Other work (SLA reminders to the owner, Slack posts and
// notes) is not messaging the person and still runs.
// Also the other two things a person can text back: START (opting in again)
// and an ordinary reply.
// Thread rule: storage writer thread only (it borrows the connection).
// Every function runs inside the caller's open transaction and throws
// SQLite::Exception on a database failure (the caller rolls back).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bot/runtime/system_time.h"
#include "storage/follow_up_store.h"
#include "storage/timeline_events.h"

namespace SQLite {
class Database;
}

namespace leadrouter {

namespace storage {
class Database;
}

struct ChannelOptOutResult {
  std::string channel;  // "sms" | "email"
  std::string address;  // as stored: E.164, or the lower-cased e-mail
  bool added = false;   // false: it was opted out already
  std::vector<int64_t> lead_ids;  // the leads carrying it, newest first
  int cancelled_steps = 0;        // their pending steps of this channel
};

struct OptOutResult {
  std::vector<ChannelOptOutResult> channels;  // one per opt-out, in order
  size_t leads = 0;         // distinct leads across all of them
  int cancelled_steps = 0;  // across all of them
};

// Applies each opt-out (channel "sms" or "email"; another channel throws):
// stores it (a repeat keeps the first one), then for every lead carrying the
// address (LeadStore::FindAllByKey "phone:…" / "email:…") cancels its
// pending steps on the channel (SequenceJobKind, bot/routing/outbox_plan.h) with reason "opted out (…)",
// appends a consent record withdrawing the channel's flag (source "optout"
// for an API opt-out, else the opt-out's source) and a timeline event
// `opted_out` {channel, source, detail, new}. A repeated opt-out still
// cancels and records: each report is part of the history.
OptOutResult ApplyOptOut(SQLite::Database& db,
                         const std::vector<storage::OptOut>& opt_outs,
                         SystemTime now);
OptOutResult ApplyOptOut(storage::Database& db,
                         const std::vector<storage::OptOut>& opt_outs,
                         SystemTime now);

// The 202 body of POST /v1/optout: {"opted_out": [{"channel", "address",
// "new"}], "leads", "cancelled_steps"}.
nlohmann::json OptOutAnswer(const OptOutResult& result);

struct OptInResult {
  bool lifted = false;            // an opt-out existed and is gone
  std::vector<int64_t> lead_ids;  // the leads carrying the phone
};

// An explicit START/UNSTOP from the person: lifts the sms opt-out of
// `phone_e164` and, on each lead with that phone, records sms consent
// granted (`source`, e.g. "twilio") and a timeline event `opted_in`
// {channel, source, detail, lifted}. Cancelled steps stay cancelled.
OptInResult ApplySmsOptIn(SQLite::Database& db, const std::string& phone_e164,
                          const std::string& source, const std::string& detail,
                          SystemTime now);

// A text from `phone_e164` that is no keyword: `reply` on the timeline of
// each lead with that phone; returns those leads.
std::vector<int64_t> RecordSmsReply(SQLite::Database& db,
                                    const std::string& phone_e164,
                                    const storage::SmsReplyEvent& reply,
                                    SystemTime now);

}  // namespace leadrouter
