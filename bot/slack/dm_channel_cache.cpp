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

void DmChannelCache::Get(const std::string& user, Opened done) {
  if (auto it = known_.find(user); it != known_.end()) {
    ApiResult known;
    known.ok = true;
    return done(it->second, known);
  }
  auto& waiters = pending_[user];
  waiters.push_back(std::move(done));
  ++waiting_;
  if (waiters.size() > 1) return;  // an open for this user is in flight
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
  if (!channel.empty()) known_[user] = channel;
  for (Opened& waiter : waiters) waiter(channel, answer);
}

}  // namespace leadrouter::slack
