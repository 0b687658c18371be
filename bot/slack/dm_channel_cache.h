// DmChannelCache: each agent's DM channel id, opened with conversations.open
// once and then remembered. Slack allows about 50 opens a minute, so fifty
// agents' first DMs would wait up to a minute behind each other: the daemon
// warms the cache at start for every active agent, and keeps what it learns
// on disk (storage/dm_channel_store) so a restart starts warm. Calls for a
// user whose open is in flight wait for it instead of opening again, so a
// burst of DMs to one agent makes one conversations.open, not one per lead.
// Thread rule: loop thread only. Callbacks run on the loop thread, exactly
// once each.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bot/slack/web_api_client.h"

namespace leadrouter::slack {

class DmChannelCache {
 public:
  // The channel id on success; on failure an empty id and the call's result
  // (for the job runner to turn into a retry or a dead letter).
  using Opened = std::function<void(const std::string& channel, const ApiResult& result)>;
  // Calls conversations.open for one user (WebApiClient::OpenConversation).
  using Opener = std::function<void(const std::string& user, ApiCallback done)>;
  // Told of every change to what is known: a channel learned from an open
  // (channel set) or forgotten (channel empty), to keep a copy on disk.
  using Listener = std::function<void(const std::string& user, const std::string& channel)>;

  explicit DmChannelCache(Opener opener, Listener listener = {})
      : opener_(std::move(opener)), listener_(std::move(listener)) {}

  // Adds channels known from before (the copy on disk) where nothing newer
  // is known; the listener is not told.
  void Seed(const std::map<std::string, std::string>& channels);

  // Opens `user`'s DM now unless it is known or being opened, with nobody
  // waiting for it: the next Get finds it known. A failure is forgotten.
  void Warm(const std::string& user);

  // Hands `user`'s DM channel to `done`: at once when known (still through
  // the caller's stack: the caller must expect it), else after one
  // conversations.open shared with every other caller waiting for `user`.
  // A failure is not remembered: the next call opens again.
  void Get(const std::string& user, Opened done);

  // Forgets `user`'s channel (a post there failed with channel_not_found).
  void Forget(const std::string& user);

  // Callers waiting for a conversations.open to answer.
  std::size_t waiting() const { return waiting_; }
  std::size_t known() const { return known_.size(); }

 private:
  void OnOpened(const std::string& user, const ApiResult& result);

  Opener opener_;
  Listener listener_;
  std::map<std::string, std::string> known_;
  std::map<std::string, std::vector<Opened>> pending_;
  std::size_t waiting_ = 0;
};

// The DM channel id in a conversations.open answer; "" when it has none.
std::string DmChannelOf(const ApiResult& result);

}  // namespace leadrouter::slack
