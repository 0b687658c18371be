#include "bot/slack/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace leadrouter::slack {
namespace {

struct MethodTier {
  std::string_view method;
  RateLimiter::Pace pace;
};

// slack-protocol.md §4.2 and §5.
constexpr MethodTier kMethodTiers[] = {
    {"apps.connections.open", RateLimiter::kTier1},
    {"usergroups.users.list", RateLimiter::kTier2},
    {"chat.update", RateLimiter::kTier3},
    {"conversations.open", RateLimiter::kTier3},
    {"chat.postEphemeral", RateLimiter::kTier4},
    {"users.info", RateLimiter::kTier4},
    {"views.open", RateLimiter::kTier4},
    // "Special", hundreds per minute.
    {"auth.test", RateLimiter::kTier4},
    {"chat.getPermalink", RateLimiter::kTier4},
};

constexpr std::string_view kPostMessage = "chat.postMessage";

}  // namespace

RateLimiter::Key RateLimiter::KeyFor(std::string_view method,
                                     std::string_view channel) {
  Key key{std::string(method), {}};
  if (method == kPostMessage) key.channel = std::string(channel);
  return key;
}

RateLimiter::Pace RateLimiter::PaceFor(const Key& key) {
  if (key.method == kPostMessage) return kPostMessagePerChannel;
  for (const MethodTier& tier : kMethodTiers) {
    if (tier.method == key.method) return tier.pace;
  }
  return kTier3;
}

RateLimiter::Pace RateLimiter::PaceOf(const Key& key) const {
  if (key.method == kPostMessage) return post_message_pace_;
  return PaceFor(key);
}

double RateLimiter::TokensAt(const Bucket& bucket, const Pace& pace,
                             TimePoint now) {
  if (now <= bucket.updated) return bucket.tokens;
  const double earned = static_cast<double>((now - bucket.updated).count()) /
                        static_cast<double>(pace.interval.count());
  return std::min(static_cast<double>(pace.burst), bucket.tokens + earned);
}

RateLimiter::Duration RateLimiter::WaitFor(const Key& key,
                                           TimePoint now) const {
  Duration wait = paused_until_ > now ? paused_until_ - now : Duration::zero();
  const auto it = buckets_.find(key);
  if (it == buckets_.end()) return wait;  // never used: a full bucket
  const Bucket& bucket = it->second;
  if (bucket.blocked_until > now) {
    wait = std::max(wait, Duration(bucket.blocked_until - now));
  }
  const Pace pace = PaceOf(key);
  // Evaluate the bucket at the moment the other waits end, so a Retry-After
  // is honoured to the tick and not padded by a token we already have.
  const TimePoint from = std::max(now, bucket.blocked_until);
  const double tokens = TokensAt(bucket, pace, from);
  if (tokens < 1.0) {
    const double missing = 1.0 - tokens;
    const auto refill = Duration(static_cast<Duration::rep>(
        std::ceil(missing * static_cast<double>(pace.interval.count()))));
    wait = std::max(wait, Duration((from - now) + refill));
  }
  return wait;
}

void RateLimiter::OnServed(const Key& key, TimePoint now) {
  const Pace pace = PaceOf(key);
  auto [it, inserted] = buckets_.try_emplace(key);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = pace.burst;
    bucket.updated = now;
  }
  bucket.tokens = TokensAt(bucket, pace, now) - 1.0;
  bucket.updated = std::max(bucket.updated, now);
  if (buckets_.size() > kPruneAbove) Prune(now);
}

void RateLimiter::OnRateLimited(const Key& key,
                                std::chrono::seconds retry_after,
                                TimePoint now) {
  Bucket& bucket = buckets_[key];
  const TimePoint until = now + std::max(retry_after, std::chrono::seconds(0));
  bucket.blocked_until = std::max(bucket.blocked_until, until);
  // After the wait, resume one at a time instead of bursting straight back
  // into the limit Slack just reported.
  bucket.tokens = 1.0;
  bucket.updated = bucket.blocked_until;
}

void RateLimiter::PauseAll(TimePoint until) {
  paused_until_ = std::max(paused_until_, until);
}

void RateLimiter::Prune(TimePoint now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& bucket = it->second;
    const Pace pace = PaceOf(it->first);
    const bool idle = bucket.blocked_until <= now &&
                      TokensAt(bucket, pace, now) >= pace.burst;
    it = idle ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace leadrouter::slack
