// Workspace: what the simulated Slack workspace "shows" — channels, users,
// DMs, every posted message with its edit history, and ephemerals per user.
// Pure state; single-threaded use (the server's one I/O thread).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace slack_sim {

struct Message {
  std::string channel;
  std::string ts;
  std::string thread_ts;  // "" unless a thread reply
  std::string text;
  nlohmann::json blocks = nlohmann::json::array();
  nlohmann::json metadata;  // null unless given
  int64_t posted_at_us = 0;
  // Earlier versions, oldest first: {text, blocks, replaced_at_us}.
  std::vector<nlohmann::json> history;
};

struct Ephemeral {
  std::string channel;
  std::string user;
  std::string message_ts;
  std::string thread_ts;
  std::string text;
  nlohmann::json blocks = nlohmann::json::array();
  int64_t posted_at_us = 0;
};

struct User {
  std::string id;
  std::string name;
  std::string real_name;
  std::string tz = "America/New_York";
};

class Workspace {
 public:
  static constexpr const char* kTeamId = "T0SIMTEAM1";
  static constexpr const char* kTeamDomain = "leadrouter-sim";
  static constexpr const char* kBotUserId = "U0SIMBOT01";
  static constexpr const char* kBotId = "B0SIMBOT01";

  Workspace();

  // A new message ts "<seconds>.<6 digits>", strictly increasing.
  std::string NextTs();

  // Known when added through the control API, a DM this workspace opened, or
  // (unless strict) any id shaped like ^[CGD][A-Z0-9]{6,}$.
  bool ChannelKnown(const std::string& id) const;
  void AddChannel(const std::string& id, const std::string& name);
  void SetStrictChannels(bool strict) { strict_channels_ = strict; }
  std::string ChannelName(const std::string& id) const;

  // The stable D… id of the DM with `user_id`, opening it on first use.
  std::string OpenDm(const std::string& user_id);
  bool DmOpen(const std::string& user_id) const {
    return dms_.count(user_id) > 0;
  }

  void PutUser(const User& user) { users_[user.id] = user; }
  const User* FindUser(const std::string& id) const;

  Message& Post(Message message);
  Message* FindMessage(const std::string& channel, const std::string& ts);
  // What conversations.history shows (`thread_ts` empty: the channel's
  // top-level messages) or conversations.replies (the thread of
  // `thread_ts`, its parent included), newest first, at most `limit`.
  std::vector<const Message*> History(const std::string& channel,
                                      const std::string& thread_ts,
                                      size_t limit) const;
  // The ephemeral shown to `user` in `channel` with message_ts `ts`.
  const Ephemeral* FindEphemeral(const std::string& channel,
                                 const std::string& ts,
                                 const std::string& user) const;
  // Replaces text and/or blocks, pushing the old version onto history.
  void Update(Message& message, const std::string* text,
              const nlohmann::json* blocks);
  Ephemeral& PostEphemeral(Ephemeral ephemeral);

  // {"channel":…, "name":…, "messages":[…], "ephemerals":[…]} for one
  // channel, or for every channel with activity when `channel` is empty.
  nlohmann::json MessagesJson(const std::string& channel) const;
  nlohmann::json MessageJson(const Message& message) const;

  void Reset();

 private:
  int64_t last_ts_us_ = 0;
  bool strict_channels_ = false;
  std::map<std::string, std::string> channels_;  // id -> name
  std::map<std::string, std::string> dms_;       // user id -> D id
  std::map<std::string, User> users_;
  std::vector<Message> messages_;  // posting order
  std::vector<Ephemeral> ephemerals_;
};

}  // namespace slack_sim
