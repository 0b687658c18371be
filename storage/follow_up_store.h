// FollowUpStore: what automated follow-up must respect. The consent each
// submission stated (auditable history, never updated), the addresses that
// opted out of a channel (for every lead, present and future), each lead's
// enrolment in its segment's sequence, and the channels a permanent delivery
// failure stopped for one lead.
// Channel names are pipeline::ToString(pipeline::Channel): "sms", "email",
// "webhook"; consent flags are "marketing", "sms", "email".
// Thread rule: storage writer thread only; borrows its connection. Every
// method runs inside the caller's transaction and never opens one itself.
// Every method throws SQLite::Exception on a database failure; the caller
// rolls back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/lead.h"
#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct ConsentRecord {
  int64_t lead_id = 0;
  std::string flag;  // "marketing" | "sms" | "email"
  bool granted = false;
  // The lead's source ("Zillow Premier"), or "optout", "twilio", "crm".
  std::string source;
  std::string policy_version;  // as the form said, may be empty
  TimePoint recorded_at;
};

struct OptOut {
  std::string channel;  // "sms" | "email"
  std::string address;  // E.164 phone for sms, e-mail for email
  // "api", "twilio", "crm", "provider" (a provider said unsubscribed).
  std::string source;
  std::string detail;  // "keyword STOP", the CRM event id...
  TimePoint at;
};

class FollowUpStore {
 public:
  // `db` must outlive this object.
  explicit FollowUpStore(SQLite::Database& db) : db_(db) {}

  // Appends one row per flag `consent` states (an unset flag writes
  // nothing), all with `consent.policy_version`, `source` and `at`. Rows are
  // never updated or deleted: a later statement is a new row.
  // REQUIRES: `lead_id` names an existing lead (foreign key, else throws).
  void RecordConsent(int64_t lead_id, const pipeline::Consent& consent,
                     const std::string& source, TimePoint at);
  // Every statement for the lead, oldest first (ties in insertion order).
  std::vector<ConsentRecord> ConsentHistory(int64_t lead_id);
  // The latest statement of `flag` for the lead; nullopt if never stated.
  std::optional<bool> LatestConsent(int64_t lead_id, const std::string& flag);

  // E-mail addresses are compared lower-cased (stored so); phones as given,
  // so pass E.164. Only "sms" and "email" can be opted out of: any other
  // channel (or an empty address) makes AddOptOut throw (CHECK).
  // Returns true when (channel, address) was not opted out before. An
  // existing opt-out is kept as first recorded; nothing but RemoveOptOut
  // (no consent record, no new lead, no duplicate submission) lifts it.
  bool AddOptOut(const OptOut& opt_out);
  // Lifts an opt-out: only for an explicit START/UNSTOP from the person.
  // Returns false when there was none.
  bool RemoveOptOut(const std::string& channel, const std::string& address);
  std::optional<OptOut> FindOptOut(const std::string& channel,
                                   const std::string& address);

  // Enrols the lead in `segment`'s sequence at `at`. Returns false, changing
  // nothing, when the lead was already enrolled (in any segment).
  // REQUIRES: `lead_id` names an existing lead (foreign key, else throws).
  bool Enroll(int64_t lead_id, const std::string& segment, TimePoint at);
  std::optional<TimePoint> EnrolledAt(int64_t lead_id);

  // Stops `channel` for one lead after a permanent delivery failure.
  // Returns false, keeping the first reason, when it was already stopped.
  // REQUIRES: `lead_id` names an existing lead (foreign key, else throws).
  bool StopChannel(int64_t lead_id, const std::string& channel,
                   const std::string& reason, TimePoint at);
  // The reason the channel was stopped for the lead; nullopt when it runs.
  std::optional<std::string> ChannelStopReason(int64_t lead_id,
                                               const std::string& channel);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
