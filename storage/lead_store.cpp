#include "storage/lead_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <utility>

#include "storage/cached_statement.h"
#include "storage/stored_json.h"

namespace leadrouter::storage {
namespace {

constexpr char kLeadColumns[] =
    "id, created_at, updated_at, source, status, segment, intent, score, "
    "name, email, phone_e164, crm_id, owner_slack_id, claimed_at, "
    "taken_over_at, contacted_at, repeat_count, lead_json, messages, "
    "first_contact_owner, first_contact_wait_ms";

bool IsSpam(const pipeline::ProcessedLead& lead) {
  return lead.honeypot || lead.intent == pipeline::Intent::kSpam;
}

std::optional<TimePoint> OptionalTime(const SQLite::Statement& row, int index) {
  if (row.isColumnNull(index)) return std::nullopt;
  return FromMillis(row.getColumn(index).getInt64());
}

std::vector<std::string> ReadMessages(const std::string& text) {
  std::vector<std::string> messages;
  nlohmann::json parsed = ParseStoredJson(text);
  if (!parsed.is_array()) return messages;
  for (const nlohmann::json& m : parsed) {
    if (m.is_string()) messages.push_back(m.get<std::string>());
  }
  return messages;
}

StoredLead ReadLead(const SQLite::Statement& row) {
  StoredLead s;
  s.id = row.getColumn(0).getInt64();
  s.created_at = FromMillis(row.getColumn(1).getInt64());
  s.updated_at = FromMillis(row.getColumn(2).getInt64());
  s.source = row.getColumn(3).getString();
  s.status = row.getColumn(4).getString() == "spam" ? LeadStatus::kSpam
                                                    : LeadStatus::kActive;
  s.segment = row.getColumn(5).getString();
  s.intent = row.getColumn(6).getString();
  s.score = row.getColumn(7).getInt();
  s.name = row.getColumn(8).getString();
  s.email = row.getColumn(9).getString();
  s.phone_e164 = row.getColumn(10).getString();
  s.crm_id = row.getColumn(11).getString();
  if (!row.isColumnNull(12)) s.owner_slack_id = row.getColumn(12).getString();
  s.claimed_at = OptionalTime(row, 13);
  s.taken_over_at = OptionalTime(row, 14);
  s.contacted_at = OptionalTime(row, 15);
  s.repeat_count = row.getColumn(16).getInt();
  // LeadFromJson tolerates missing keys and wrong types, so a damaged
  // lead_json degrades to defaults instead of throwing.
  nlohmann::json lead_json = ParseStoredJson(row.getColumn(17).getString());
  s.lead = pipeline::LeadFromJson(
      lead_json.is_object() ? lead_json : nlohmann::json::object());
  s.messages = ReadMessages(row.getColumn(18).getString());
  if (!row.isColumnNull(19)) {
    s.first_contact_owner = row.getColumn(19).getString();
  }
  if (!row.isColumnNull(20)) {
    s.first_contact_wait =
        std::chrono::milliseconds(row.getColumn(20).getInt64());
  }
  return s;
}

// Copies `from` into `into` when `into` is empty; records `field` if so.
void FillString(std::string& into, const std::string& from, const char* field,
                std::vector<std::string>& filled) {
  if (into.empty() && !from.empty()) {
    into = from;
    filled.emplace_back(field);
  }
}

template <typename T>
void FillOptional(std::optional<T>& into, const std::optional<T>& from,
                  const char* field, std::vector<std::string>& filled) {
  if (!into && from) {
    into = from;
    filled.emplace_back(field);
  }
}

// Fills what the stored lead lacks from the repeat; returns the field names
// filled. Never overwrites: the first answer stays, so a typo in a later
// form cannot replace a good phone number.
std::vector<std::string> FillMissing(pipeline::ProcessedLead& into,
                                     const pipeline::ProcessedLead& from) {
  std::vector<std::string> filled;
  if (into.name.full.empty() && !from.name.full.empty()) {
    into.name = from.name;
    filled.emplace_back("name");
  }
  if (into.email.empty() && !from.email.empty()) {
    into.email = from.email;
    into.email_valid = from.email_valid;
    filled.emplace_back("email");
  }
  // A number that parsed beats one that did not; a raw number beats none.
  bool phone_missing = into.phone.e164.empty() &&
                       (!from.phone.e164.empty() ||
                        (into.phone.raw.empty() && !from.phone.raw.empty()));
  if (phone_missing) {
    into.phone = from.phone;
    filled.emplace_back("phone");
  }
  FillString(into.crm_id, from.crm_id, "crm_id", filled);
  FillString(into.message, from.message, "message", filled);
  FillString(into.property.mls_id, from.property.mls_id, "property.mls_id",
             filled);
  FillString(into.property.address, from.property.address, "property.address",
             filled);
  FillString(into.property.zip, from.property.zip, "property.zip", filled);
  FillOptional(into.property.price, from.property.price, "property.price",
               filled);
  FillOptional(into.property.days_on_market, from.property.days_on_market,
               "property.days_on_market", filled);
  FillOptional(into.budget, from.budget, "budget", filled);
  FillOptional(into.consent.marketing, from.consent.marketing,
               "consent.marketing", filled);
  FillOptional(into.consent.sms, from.consent.sms, "consent.sms", filled);
  FillOptional(into.consent.email, from.consent.email, "consent.email", filled);
  FillString(into.consent.policy_version, from.consent.policy_version,
             "consent.policy_version", filled);
  return filled;
}

nlohmann::json ReasonsJson(const std::vector<pipeline::Reason>& reasons) {
  nlohmann::json out = nlohmann::json::array();
  for (const pipeline::Reason& r : reasons) {
    out.push_back(
        {{"rule", r.rule}, {"points", r.points}, {"detail", r.detail}});
  }
  return out;
}

}  // namespace

std::string ToString(LeadStatus status) {
  return status == LeadStatus::kSpam ? "spam" : "active";
}

IntakeResult LeadStore::Intake(const pipeline::ProcessedLead& lead,
                               TimePoint now,
                               std::chrono::seconds dedupe_window) {
  bool spam = IsSpam(lead);
  if (!spam) {
    if (std::optional<Match> match =
            FindRecentMatch(lead, now - dedupe_window)) {
      return Merge(*match, lead, now);
    }
  }
  return Insert(lead, spam, now);
}

std::optional<LeadStore::Match> LeadStore::FindRecentMatch(
    const pipeline::ProcessedLead& lead, TimePoint since) {
  CachedStatement query(
      db_,
      "SELECT l.id FROM lead_keys k JOIN leads l ON l.id = k.lead_id "
      "WHERE k.key = ? AND l.status = 'active' AND l.created_at >= ? "
      "ORDER BY l.created_at DESC, l.id DESC LIMIT 1");
  for (const std::string& key : lead.dedupe_keys) {
    query.reset();
    query.bind(1, key);
    query.bind(2, ToMillis(since));
    if (query.executeStep()) return Match{query.getColumn(0).getInt64(), key};
  }
  return std::nullopt;
}

IntakeResult LeadStore::Insert(const pipeline::ProcessedLead& lead, bool spam,
                               TimePoint now) {
  nlohmann::json messages = nlohmann::json::array();
  if (!lead.message.empty()) messages.push_back(lead.message);
  std::string segment = pipeline::ToString(lead.segment);
  std::string intent = pipeline::ToString(lead.intent);

  CachedStatement insert(
      db_,
      "INSERT INTO leads (created_at, updated_at, source, status, segment, "
      "intent, score, name, email, phone_e164, crm_id, repeat_count, "
      "lead_json, messages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)");
  insert.bind(1, ToMillis(now));
  insert.bind(2, ToMillis(now));
  insert.bind(3, lead.source);
  insert.bind(4, ToString(spam ? LeadStatus::kSpam : LeadStatus::kActive));
  insert.bind(5, segment);
  insert.bind(6, intent);
  insert.bind(7, lead.score);
  insert.bind(8, lead.name.full);
  insert.bind(9, lead.email);
  insert.bind(10, lead.phone.e164);
  insert.bind(11, lead.crm_id);
  insert.bind(12, DumpJson(pipeline::ToJson(lead)));
  insert.bind(13, DumpJson(messages));
  insert.exec();
  int64_t id = db_.getLastInsertRowid();

  // Spam keeps no keys: a real person whose address a bot used must not be
  // matched against, or merged into, the bot's row.
  if (!spam) AddKeys(id, lead.dedupe_keys, now);

  ReceivedEvent received;
  received.source = lead.source;
  received.status = ToString(spam ? LeadStatus::kSpam : LeadStatus::kActive);
  received.score = lead.score;
  received.segment = segment;
  received.intent = intent;
  received.reasons = ReasonsJson(lead.score_reasons);
  received.honeypot = lead.honeypot;
  timeline_.Record(id, now, received);

  IntakeResult result;
  result.lead_id = id;
  return result;
}

IntakeResult LeadStore::Merge(const Match& match,
                              const pipeline::ProcessedLead& lead,
                              TimePoint now) {
  std::optional<StoredLead> stored = Get(match.lead_id);
  if (!stored) {
    // FindRecentMatch just read this row in the same transaction.
    throw SQLite::Exception("lead " + std::to_string(match.lead_id) +
                            " vanished during merge");
  }
  pipeline::ProcessedLead merged = stored->lead;
  std::vector<std::string> filled = FillMissing(merged, lead);

  bool message_added =
      !lead.message.empty() &&
      std::find(stored->messages.begin(), stored->messages.end(),
                lead.message) == stored->messages.end();
  std::vector<std::string> messages = stored->messages;
  if (message_added) messages.push_back(lead.message);

  std::vector<std::string> new_keys;
  for (const std::string& key : lead.dedupe_keys) {
    if (std::find(merged.dedupe_keys.begin(), merged.dedupe_keys.end(), key) ==
        merged.dedupe_keys.end()) {
      merged.dedupe_keys.push_back(key);
      new_keys.push_back(key);
    }
  }
  AddKeys(match.lead_id, new_keys, now);

  int repeat_count = stored->repeat_count + 1;
  CachedStatement update(
      db_,
      "UPDATE leads SET updated_at = ?, name = ?, email = ?, phone_e164 = ?, "
      "crm_id = ?, repeat_count = ?, lead_json = ?, messages = ? WHERE id = ?");
  update.bind(1, ToMillis(now));
  update.bind(2, merged.name.full);
  update.bind(3, merged.email);
  update.bind(4, merged.phone.e164);
  update.bind(5, merged.crm_id);
  update.bind(6, repeat_count);
  update.bind(7, DumpJson(pipeline::ToJson(merged)));
  update.bind(8, DumpJson(nlohmann::json(messages)));
  update.bind(9, match.lead_id);
  update.exec();

  timeline_.Record(match.lead_id, now,
                   DuplicateEvent{match.key, filled, new_keys, message_added,
                                  lead.source, repeat_count});

  IntakeResult result;
  result.lead_id = match.lead_id;
  result.duplicate = true;
  result.duplicate_of = match.lead_id;
  result.repeat_count = repeat_count;
  return result;
}

void LeadStore::AddKeys(int64_t lead_id, const std::vector<std::string>& keys,
                        TimePoint now) {
  // OR IGNORE: a lead listing the same key twice is not an error.
  CachedStatement insert(
      db_,
      "INSERT OR IGNORE INTO lead_keys (key, lead_id, created_at) "
      "VALUES (?, ?, ?)");
  for (const std::string& key : keys) {
    if (key.empty()) continue;
    insert.reset();
    insert.bind(1, key);
    insert.bind(2, lead_id);
    insert.bind(3, ToMillis(now));
    insert.exec();
  }
}

std::optional<StoredLead> LeadStore::Get(int64_t id) {
  CachedStatement query(
      db_, std::string("SELECT ") + kLeadColumns + " FROM leads WHERE id = ?");
  query.bind(1, id);
  if (!query.executeStep()) return std::nullopt;
  return ReadLead(query);
}

std::optional<TimePoint> LeadStore::CreatedAt(int64_t id) {
  CachedStatement query(db_, "SELECT created_at FROM leads WHERE id = ?");
  query.bind(1, id);
  if (!query.executeStep()) return std::nullopt;
  return FromMillis(query.getColumn(0).getInt64());
}

std::optional<int64_t> LeadStore::FindByKey(const std::string& key) {
  CachedStatement query(
      db_,
      "SELECT l.id FROM lead_keys k JOIN leads l ON l.id = k.lead_id "
      "WHERE k.key = ? AND l.status = 'active' "
      "ORDER BY l.created_at DESC, l.id DESC LIMIT 1");
  query.bind(1, key);
  if (!query.executeStep()) return std::nullopt;
  return query.getColumn(0).getInt64();
}

std::vector<int64_t> LeadStore::FindAllByKey(const std::string& key) {
  CachedStatement query(
      db_,
      "SELECT l.id FROM lead_keys k JOIN leads l ON l.id = k.lead_id "
      "WHERE k.key = ? ORDER BY l.created_at DESC, l.id DESC");
  query.bind(1, key);
  std::vector<int64_t> ids;
  while (query.executeStep()) ids.push_back(query.getColumn(0).getInt64());
  return ids;
}

std::optional<int64_t> LeadStore::FindByCrmId(const std::string& crm_id) {
  // Leads without a CRM id store ''; they must never match an empty id.
  if (crm_id.empty()) return std::nullopt;
  CachedStatement query(
      db_,
      "SELECT id FROM leads WHERE crm_id = ? AND status = 'active' "
      "ORDER BY created_at DESC, id DESC LIMIT 1");
  query.bind(1, crm_id);
  if (!query.executeStep()) return std::nullopt;
  return query.getColumn(0).getInt64();
}

bool LeadStore::SetOwner(int64_t id, const std::string& owner, TimePoint now) {
  CachedStatement update(
      db_,
      "UPDATE leads SET owner_slack_id = ?, claimed_at = ?, "
      "updated_at = ? WHERE id = ?");
  update.bind(1, owner);
  update.bind(2, ToMillis(now));
  update.bind(3, ToMillis(now));
  update.bind(4, id);
  return update.exec() == 1;
}

bool LeadStore::ClaimIfUnowned(int64_t id, const std::string& owner,
                               TimePoint now) {
  // The database settles the race: exactly one UPDATE finds the owner NULL.
  CachedStatement update(
      db_,
      "UPDATE leads SET owner_slack_id = ?, claimed_at = ?, "
      "updated_at = ? WHERE id = ? AND owner_slack_id IS NULL");
  update.bind(1, owner);
  update.bind(2, ToMillis(now));
  update.bind(3, ToMillis(now));
  update.bind(4, id);
  return update.exec() == 1;
}

bool LeadStore::MarkTakenOver(int64_t id, TimePoint now) {
  return SetTimeIfNull("taken_over_at", id, now);
}

bool LeadStore::MarkContacted(int64_t id, TimePoint now) {
  // One UPDATE reads the owner as it is right now: the contact counts for
  // whoever owned the lead, for as long as they had owned it.
  CachedStatement update(
      db_,
      "UPDATE leads SET contacted_at = ?1, updated_at = ?1, "
      "first_contact_owner = owner_slack_id, "
      "first_contact_wait_ms = CASE WHEN owner_slack_id IS NULL THEN NULL "
      "ELSE MAX(0, ?1 - claimed_at) END "
      "WHERE id = ?2 AND contacted_at IS NULL");
  update.bind(1, ToMillis(now));
  update.bind(2, id);
  return update.exec() == 1;
}

bool LeadStore::SetTimeIfNull(const char* column, int64_t id, TimePoint now) {
  // `column` is one of our own literals, never user input.
  CachedStatement update(db_, std::string("UPDATE leads SET ") + column +
                                  " = ?, updated_at = ? " +
                                  "WHERE id = ? AND " + column + " IS NULL");
  update.bind(1, ToMillis(now));
  update.bind(2, ToMillis(now));
  update.bind(3, id);
  return update.exec() == 1;
}

}  // namespace leadrouter::storage
