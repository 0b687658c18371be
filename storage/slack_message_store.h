// SlackMessageStore: where each lead's Slack messages are (channel and ts),
// so later effects can update the post in place or reply in its thread, and
// a button click can be traced back to its lead.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself. Every method
// throws SQLite::Exception on a database failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

// What a message is to its lead: the shark-tank post, the owner's DM card,
// the triage post.
inline constexpr char kMessageSharkTank[] = "shark_tank";
inline constexpr char kMessageDm[] = "dm";
inline constexpr char kMessageTriage[] = "triage";

struct SlackMessage {
  int64_t lead_id = 0;
  std::string channel;
  std::string ts;  // Slack's "seconds.micros" string, never a number
  std::string kind;
  TimePoint created_at;
};

class SlackMessageStore {
 public:
  // `db` must outlive this object.
  explicit SlackMessageStore(SQLite::Database& db) : db_(db) {}

  // Records a posted message. Recording the same (channel, ts) again is a
  // no-op. `lead_id` must name an existing lead.
  void Record(int64_t lead_id, const std::string& channel,
              const std::string& ts, const std::string& kind, TimePoint now);

  // The lead's newest message of `kind`, if any.
  std::optional<SlackMessage> Latest(int64_t lead_id, const std::string& kind);

  // The message a lead's later notes go under: its shark-tank post, else
  // its triage post, else its newest DM card.
  std::optional<SlackMessage> ThreadAnchor(int64_t lead_id);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
