// LeadStore: the lead rows. Intake either inserts a new lead or merges a
// repeat inquiry into the lead it repeats (dedupe by e-mail / phone keys
// within a window); the routing code then sets owner and contact state.
// Thread rule: storage writer thread only; borrows its connection. Every
// method runs inside the caller's transaction and never opens one itself.
// Every method throws SQLite::Exception on a database failure; the caller
// rolls back.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/lead.h"
#include "storage/time_point.h"
#include "storage/timeline.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

enum class LeadStatus { kActive, kSpam };

// "active", "spam": the stored values.
std::string ToString(LeadStatus status);

struct IntakeResult {
  int64_t lead_id = 0;                  // the new lead, or the lead merged into
  bool duplicate = false;               // merged into an existing lead
  std::optional<int64_t> duplicate_of;  // == lead_id when duplicate
  int repeat_count = 0;                 // repeats merged into lead_id so far
};

struct StoredLead {
  int64_t id = 0;
  TimePoint created_at;
  TimePoint updated_at;
  std::string source;
  LeadStatus status = LeadStatus::kActive;
  std::string segment;  // pipeline::ToString(Segment) at intake
  std::string intent;   // pipeline::ToString(Intent) at intake
  int score = 0;
  std::string name;
  std::string email;
  std::string phone_e164;
  std::string crm_id;
  std::optional<std::string> owner_slack_id;
  std::optional<TimePoint> claimed_at;     // when the current owner got it
  std::optional<TimePoint> taken_over_at;  // a human took over in the CRM
  std::optional<TimePoint> contacted_at;   // first human contact
  // The owner when first contact was recorded, and how long they had owned
  // the lead by then; nullopt when nobody owned it (or no contact yet).
  std::optional<std::string> first_contact_owner;
  std::optional<std::chrono::milliseconds> first_contact_wait;
  int repeat_count = 0;
  std::vector<std::string> messages;  // every distinct message, in order
  pipeline::ProcessedLead lead;       // the merged lead, from lead_json
};

class LeadStore {
 public:
  // `db` must outlive this object.
  explicit LeadStore(SQLite::Database& db) : db_(db), timeline_(db) {}

  // Stores one processed lead.
  // Spam (a honeypot hit or Intent::kSpam) is always a new row with status
  // 'spam' and no dedupe keys: it never merges and is never matched.
  // Otherwise the lead's dedupe_keys are tried in their order; the first
  // one naming an active lead whose created_at is within `dedupe_window`
  // before `now` (inclusive) wins, and the new lead is merged into it:
  // empty fields are filled (name, e-mail, phone, crm_id, property fields,
  // budget, consent answers), a new message text is appended to messages,
  // new keys are added, repeat_count grows by one, and a 'duplicate'
  // timeline event records the matched key and what was filled. Score,
  // segment, intent and source stay those of the first inquiry.
  // The window counts from the lead's first sighting, so a steady stream of
  // repeats cannot keep one lead open forever.
  // Otherwise a new row, its keys and a 'received' timeline event are
  // written.
  IntakeResult Intake(const pipeline::ProcessedLead& lead, TimePoint now,
                      std::chrono::seconds dedupe_window);

  std::optional<StoredLead> Get(int64_t id);
  // When lead `id` was received, without reading the rest of it.
  std::optional<TimePoint> CreatedAt(int64_t id);

  // The most recently created active lead carrying `key` ("email:…",
  // "phone:…"), whatever its age; nullopt when none.
  std::optional<int64_t> FindByKey(const std::string& key);
  // Every lead carrying `key`, active or not and whatever its age, newest
  // first (ties by id, newest first); empty when none. Spam rows keep no
  // keys, so they never appear.
  std::vector<int64_t> FindAllByKey(const std::string& key);
  // The most recently created active lead with this CRM contact id; nullopt
  // when none (or when `crm_id` is empty).
  std::optional<int64_t> FindByCrmId(const std::string& crm_id);

  // The setters return false when no row changed.
  // Assigns the lead to `owner` unconditionally (round-robin, reassignment)
  // and sets claimed_at to `now`.
  bool SetOwner(int64_t id, const std::string& owner, TimePoint now);
  // Assigns the lead only if it has no owner yet: true means `owner` won the
  // race, false means someone else owns it (or no such lead).
  bool ClaimIfUnowned(int64_t id, const std::string& owner, TimePoint now);
  // Records that a human took the contact over in the CRM; the first time
  // is kept.
  bool MarkTakenOver(int64_t id, TimePoint now);
  // Records the first human contact (Mark contacted, the CRM's "contacted");
  // the first time is kept. It is credited to the current owner with the
  // time since they got the lead (first_contact_owner / _wait). Automated
  // messages (sequence steps, auto-texts) are not contact: never call this
  // for them.
  bool MarkContacted(int64_t id, TimePoint now);

 private:
  struct Match {
    int64_t lead_id;
    std::string key;
  };
  std::optional<Match> FindRecentMatch(const pipeline::ProcessedLead& lead,
                                       TimePoint since);
  IntakeResult Insert(const pipeline::ProcessedLead& lead, bool spam,
                      TimePoint now);
  IntakeResult Merge(const Match& match, const pipeline::ProcessedLead& lead,
                     TimePoint now);
  void AddKeys(int64_t lead_id, const std::vector<std::string>& keys,
               TimePoint now);
  bool SetTimeIfNull(const char* column, int64_t id, TimePoint now);

  SQLite::Database& db_;
  Timeline timeline_;
};

}  // namespace leadrouter::storage
