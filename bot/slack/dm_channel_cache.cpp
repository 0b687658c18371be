#include "bot/slack/dm_channel_cache.h"

#include <utility>

namespace leadrouter::slack {

std::string DmChannelOf(const ApiResult& result) {
  if (!result.ok || !result.body.is_object()) return "";
  auto channel = result.body.find("channel");
  if (channel == result.body.end() || !channel->is_object()) return "";
  auto id = channel->find("id");
  return id != channel->end() && id->is_string() ? id->get<std::string>() : "";
}

void DmChannelCache::Seed(const std::map<std::string, std::string>& channels) {
  for (const auto& [user, channel] : channels) {
    if (!channel.empty()) known_.emplace(user, channel);
  }
}

void DmChannelCache::Warm(const std::string& user) {
  if (known_.count(user) > 0 || pending_.count(user) > 0) return;
  pending_[user];  // in flight, with no waiter yet
  opener_(user, [this, user](ApiResult result) { OnOpened(user, result); });
}

void DmChannelCache::Forget(const std::string& user) {
  if (known_.erase(user) > 0 && listener_) listener_(user, "");
}

void DmChannelCache::Get(const std::string& user, Opened done) {
  if (auto it = known_.find(user); it != known_.end()) {
    ApiResult known;
    known.ok = true;
    return done(it->second, known);
  }
  // A warm-up may have an open in flight with nobody waiting yet.
  const bool in_flight = pending_.count(user) > 0;
  pending_[user].push_back(std::move(done));
  ++waiting_;
  if (in_flight) return;
  opener_(user, [this, user](ApiResult result) { OnOpened(user, result); });
}

void DmChannelCache::OnOpened(const std::string& user, const ApiResult& result) {
  auto node = pending_.extract(user);
  if (node.empty()) return;
  std::vector<Opened> waiters = std::move(node.mapped());
  waiting_ -= waiters.size();
  std::string channel = DmChannelOf(result);
  ApiResult answer = result;
  if (result.ok && channel.empty()) {
    answer.ok = false;
    answer.error = "conversations.open returned no channel";
    answer.retryable = true;
  }
  if (!channel.empty()) {
    known_.insert_or_assign(user, channel);
    if (listener_) listener_(user, channel);
  }
  for (Opened& waiter : waiters) waiter(channel, answer);
}

}  // namespace leadrouter::slack
