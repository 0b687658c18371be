#include "storage/slack_message_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {
namespace {

SlackMessage Read(SQLite::Statement& q) {
  SlackMessage m;
  m.lead_id = q.getColumn(0).getInt64();
  m.channel = q.getColumn(1).getString();
  m.ts = q.getColumn(2).getString();
  m.kind = q.getColumn(3).getString();
  m.created_at = FromMillis(q.getColumn(4).getInt64());
  return m;
}

}  // namespace

void SlackMessageStore::Record(int64_t lead_id, const std::string& channel,
                               const std::string& ts, const std::string& kind,
                               TimePoint now) {
  CachedStatement insert(
      db_,
      "INSERT INTO slack_messages (lead_id, channel, ts, kind, created_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, ts) DO NOTHING");
  insert.bind(1, lead_id);
  insert.bind(2, channel);
  insert.bind(3, ts);
  insert.bind(4, kind);
  insert.bind(5, ToMillis(now));
  insert.exec();
}

std::optional<SlackMessage> SlackMessageStore::Latest(int64_t lead_id,
                                                      const std::string& kind) {
  CachedStatement q(
      db_,
      "SELECT lead_id, channel, ts, kind, created_at FROM slack_messages "
      "WHERE lead_id = ? AND kind = ? ORDER BY created_at DESC, id DESC "
      "LIMIT 1");
  q.bind(1, lead_id);
  q.bind(2, kind);
  if (!q.executeStep()) return std::nullopt;
  return Read(q);
}

std::optional<SlackMessage> SlackMessageStore::ThreadAnchor(int64_t lead_id) {
  for (const char* kind : {kMessageSharkTank, kMessageTriage, kMessageDm}) {
    if (auto m = Latest(lead_id, kind)) return m;
  }
  return std::nullopt;
}

}  // namespace leadrouter::storage
