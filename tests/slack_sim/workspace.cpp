#include "workspace.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <regex>

#include "sim_util.h"

namespace slack_sim {

using nlohmann::json;

Workspace::Workspace() { Reset(); }

void Workspace::Reset() {
  strict_channels_ = false;
  channels_.clear();
  dms_.clear();
  users_.clear();
  messages_.clear();
  ephemerals_.clear();
  users_[kBotUserId] = User{kBotUserId, "leadrouter", "Lead Router", "UTC"};
}

std::string Workspace::NextTs() {
  last_ts_us_ = std::max(last_ts_us_ + 1, NowMicros());
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld.%06lld",
                static_cast<long long>(last_ts_us_ / 1000000),
                static_cast<long long>(last_ts_us_ % 1000000));
  return buffer;
}

bool Workspace::ChannelKnown(const std::string& id) const {
  if (channels_.count(id)) return true;
  for (const auto& [user, dm] : dms_) {
    if (dm == id) return true;
  }
  if (strict_channels_) return false;
  static const std::regex kShape("^[CGD][A-Z0-9]{6,}$");
  return std::regex_match(id, kShape);
}

void Workspace::AddChannel(const std::string& id, const std::string& name) {
  channels_[id] = name;
}

std::string Workspace::ChannelName(const std::string& id) const {
  auto it = channels_.find(id);
  if (it != channels_.end() && !it->second.empty()) return it->second;
  if (!id.empty() && id[0] == 'D') return "directmessage";
  std::string name = id;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return name;
}

std::string Workspace::OpenDm(const std::string& user_id) {
  auto it = dms_.find(user_id);
  if (it != dms_.end()) return it->second;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "D0SIM%05zu", dms_.size() + 1);
  dms_[user_id] = buffer;
  return buffer;
}

const User* Workspace::FindUser(const std::string& id) const {
  auto it = users_.find(id);
  return it == users_.end() ? nullptr : &it->second;
}

Message& Workspace::Post(Message message) {
  message.posted_at_us = NowMicros();
  messages_.push_back(std::move(message));
  return messages_.back();
}

std::vector<const Message*> Workspace::History(const std::string& channel,
                                               const std::string& thread_ts,
                                               size_t limit) const {
  std::vector<const Message*> out;
  for (auto it = messages_.rbegin(); it != messages_.rend() && out.size() < limit;
       ++it) {
    if (it->channel != channel) continue;
    bool shown = thread_ts.empty()
                     ? it->thread_ts.empty()
                     : it->thread_ts == thread_ts || it->ts == thread_ts;
    if (shown) out.push_back(&*it);
  }
  return out;
}

Message* Workspace::FindMessage(const std::string& channel,
                                const std::string& ts) {
  for (auto& message : messages_) {
    if (message.channel == channel && message.ts == ts) return &message;
  }
  return nullptr;
}

const Ephemeral* Workspace::FindEphemeral(const std::string& channel,
                                          const std::string& ts,
                                          const std::string& user) const {
  for (const auto& e : ephemerals_) {
    if (e.channel == channel && e.message_ts == ts && e.user == user) {
      return &e;
    }
  }
  return nullptr;
}

void Workspace::Update(Message& message, const std::string* text,
                       const json* blocks) {
  message.history.push_back(json{{"text", message.text},
                                 {"blocks", message.blocks},
                                 {"replaced_at_us", NowMicros()}});
  if (text) message.text = *text;
  if (blocks) message.blocks = *blocks;
}

Ephemeral& Workspace::PostEphemeral(Ephemeral ephemeral) {
  ephemeral.posted_at_us = NowMicros();
  ephemerals_.push_back(std::move(ephemeral));
  return ephemerals_.back();
}

json Workspace::MessageJson(const Message& message) const {
  json out = {{"type", "message"},       {"user", kBotUserId},
              {"bot_id", kBotId},        {"team", kTeamId},
              {"ts", message.ts},        {"text", message.text},
              {"blocks", message.blocks}};
  if (!message.thread_ts.empty()) out["thread_ts"] = message.thread_ts;
  if (!message.metadata.is_null()) out["metadata"] = message.metadata;
  return out;
}

json Workspace::MessagesJson(const std::string& channel) const {
  std::vector<std::string> ids;
  if (!channel.empty()) {
    ids.push_back(channel);
  } else {
    for (const auto& m : messages_) {
      if (std::find(ids.begin(), ids.end(), m.channel) == ids.end())
        ids.push_back(m.channel);
    }
    for (const auto& e : ephemerals_) {
      if (std::find(ids.begin(), ids.end(), e.channel) == ids.end())
        ids.push_back(e.channel);
    }
  }
  json channels = json::array();
  for (const auto& id : ids) {
    json messages = json::array();
    for (const auto& m : messages_) {
      if (m.channel != id) continue;
      json item = MessageJson(m);
      item["channel"] = m.channel;
      item["posted_at_us"] = m.posted_at_us;
      item["edited"] = !m.history.empty();
      item["history"] = m.history;
      messages.push_back(std::move(item));
    }
    json ephemerals = json::array();
    for (const auto& e : ephemerals_) {
      if (e.channel != id) continue;
      json item = {
          {"channel", e.channel},       {"user", e.user},
          {"message_ts", e.message_ts}, {"text", e.text},
          {"blocks", e.blocks},         {"posted_at_us", e.posted_at_us}};
      if (!e.thread_ts.empty()) item["thread_ts"] = e.thread_ts;
      ephemerals.push_back(std::move(item));
    }
    channels.push_back({{"channel", id},
                        {"name", ChannelName(id)},
                        {"messages", std::move(messages)},
                        {"ephemerals", std::move(ephemerals)}});
  }
  if (!channel.empty()) return channels[0];
  return json{{"channels", channels}};
}

}  // namespace slack_sim
