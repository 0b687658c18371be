// DmChannelCache: each agent's DM channel id, opened with conversations.open
// once and then remembered. Kept in memory, not on disk, because Slack gives
// the same D… id for a user every time (opening is idempotent), so all a
// restart costs is one call per agent; a stored copy would add a table whose
// only use is saving that call. Calls for a user whose open is in flight
// wait for it instead of opening again, so a burst of DMs to one agent makes
// one conversations.open, not one per lead.
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

  explicit DmChannelCache(Opener opener) : opener_(std::move(opener)) {}

  // Hands `user`'s DM channel to `done`: at once when known (still through
  // the caller's stack: the caller must expect it), else after one
  // conversations.open shared with every other caller waiting for `user`.
  // A failure is not remembered: the next call opens again.
  void Get(const std::string& user, Opened done);

  // Forgets `user`'s channel (a post there failed with channel_not_found).
  void Forget(const std::string& user) { known_.erase(user); }

  // Callers waiting for a conversations.open to answer.
  std::size_t waiting() const { return waiting_; }
  std::size_t known() const { return known_.size(); }

 private:
  void OnOpened(const std::string& user, const ApiResult& result);

  Opener opener_;
  std::map<std::string, std::string> known_;
  std::map<std::string, std::vector<Opened>> pending_;
  std::size_t waiting_ = 0;
};

// The DM channel id in a conversations.open answer; "" when it has none.
std::string DmChannelOf(const ApiResult& result);

}  // namespace leadrouter::slack
