#include "storage/follow_up_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <utility>

#include "pipeline/text.h"
#include "storage/cached_statement.h"

namespace leadrouter::storage {
namespace {

// The same mailbox must not escape an opt-out by its capitalisation; phones
// are already canonical (E.164).
std::string CanonicalAddress(const std::string& channel,
                             const std::string& address) {
  return channel == "email" ? pipeline::AsciiLower(address) : address;
}

}  // namespace

void FollowUpStore::RecordConsent(int64_t lead_id,
                                  const pipeline::Consent& consent,
                                  const std::string& source, TimePoint at) {
  const std::pair<const char*, const std::optional<bool>*> flags[] = {
      {"marketing", &consent.marketing},
      {"sms", &consent.sms},
      {"email", &consent.email},
  };
  CachedStatement insert(
      db_,
      "INSERT INTO consent_records (lead_id, flag, granted, source, "
      "policy_version, recorded_at) VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& [flag, value] : flags) {
    if (!value->has_value()) continue;
    insert.reset();
    insert.bind(1, lead_id);
    insert.bind(2, flag);
    insert.bind(3, **value ? 1 : 0);
    insert.bind(4, source);
    insert.bind(5, consent.policy_version);
    insert.bind(6, ToMillis(at));
    insert.exec();
  }
}

std::vector<ConsentRecord> FollowUpStore::ConsentHistory(int64_t lead_id) {
  CachedStatement query(
      db_,
      "SELECT flag, granted, source, policy_version, recorded_at "
      "FROM consent_records WHERE lead_id = ? ORDER BY recorded_at, id");
  query.bind(1, lead_id);
  std::vector<ConsentRecord> records;
  while (query.executeStep()) {
    ConsentRecord r;
    r.lead_id = lead_id;
    r.flag = query.getColumn(0).getString();
    r.granted = query.getColumn(1).getInt() != 0;
    r.source = query.getColumn(2).getString();
    r.policy_version = query.getColumn(3).getString();
    r.recorded_at = FromMillis(query.getColumn(4).getInt64());
    records.push_back(std::move(r));
  }
  return records;
}

std::optional<bool> FollowUpStore::LatestConsent(int64_t lead_id,
                                                 const std::string& flag) {
  CachedStatement query(
      db_,
      "SELECT granted FROM consent_records WHERE lead_id = ? AND flag = ? "
      "ORDER BY recorded_at DESC, id DESC LIMIT 1");
  query.bind(1, lead_id);
  query.bind(2, flag);
  if (!query.executeStep()) return std::nullopt;
  return query.getColumn(0).getInt() != 0;
}

bool FollowUpStore::AddOptOut(const OptOut& opt_out) {
  // DO NOTHING on the key only: the first opt-out's source and time stay
  // (the audit answer to "since when?"), and a bad channel still throws.
  CachedStatement insert(
      db_,
      "INSERT INTO opt_outs (channel, address, source, detail, at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, address) DO NOTHING");
  insert.bind(1, opt_out.channel);
  insert.bind(2, CanonicalAddress(opt_out.channel, opt_out.address));
  insert.bind(3, opt_out.source);
  insert.bind(4, opt_out.detail);
  insert.bind(5, ToMillis(opt_out.at));
  return insert.exec() == 1;
}

bool FollowUpStore::RemoveOptOut(const std::string& channel,
                                 const std::string& address) {
  CachedStatement remove(
      db_, "DELETE FROM opt_outs WHERE channel = ? AND address = ?");
  remove.bind(1, channel);
  remove.bind(2, CanonicalAddress(channel, address));
  return remove.exec() == 1;
}

std::optional<OptOut> FollowUpStore::FindOptOut(const std::string& channel,
                                                const std::string& address) {
  CachedStatement query(
      db_,
      "SELECT channel, address, source, detail, at FROM opt_outs "
      "WHERE channel = ? AND address = ?");
  query.bind(1, channel);
  query.bind(2, CanonicalAddress(channel, address));
  if (!query.executeStep()) return std::nullopt;
  OptOut o;
  o.channel = query.getColumn(0).getString();
  o.address = query.getColumn(1).getString();
  o.source = query.getColumn(2).getString();
  o.detail = query.getColumn(3).getString();
  o.at = FromMillis(query.getColumn(4).getInt64());
  return o;
}

bool FollowUpStore::Enroll(int64_t lead_id, const std::string& segment,
                           TimePoint at) {
  CachedStatement insert(
      db_,
      "INSERT INTO sequence_enrollments (lead_id, segment, enrolled_at) "
      "VALUES (?, ?, ?) ON CONFLICT (lead_id) DO NOTHING");
  insert.bind(1, lead_id);
  insert.bind(2, segment);
  insert.bind(3, ToMillis(at));
  return insert.exec() == 1;
}

std::optional<TimePoint> FollowUpStore::EnrolledAt(int64_t lead_id) {
  CachedStatement query(
      db_, "SELECT enrolled_at FROM sequence_enrollments WHERE lead_id = ?");
  query.bind(1, lead_id);
  if (!query.executeStep()) return std::nullopt;
  return FromMillis(query.getColumn(0).getInt64());
}

bool FollowUpStore::StopChannel(int64_t lead_id, const std::string& channel,
                                const std::string& reason, TimePoint at) {
  CachedStatement insert(
      db_,
      "INSERT INTO channel_stops (lead_id, channel, reason, stopped_at) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (lead_id, channel) DO NOTHING");
  insert.bind(1, lead_id);
  insert.bind(2, channel);
  insert.bind(3, reason);
  insert.bind(4, ToMillis(at));
  return insert.exec() == 1;
}

std::optional<std::string> FollowUpStore::ChannelStopReason(
    int64_t lead_id, const std::string& channel) {
  CachedStatement query(
      db_,
      "SELECT reason FROM channel_stops WHERE lead_id = ? AND channel = ?");
  query.bind(1, lead_id);
  query.bind(2, channel);
  if (!query.executeStep()) return std::nullopt;
  return query.getColumn(0).getString();
}

}  // namespace leadrouter::storage
