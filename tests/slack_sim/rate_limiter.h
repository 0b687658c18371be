// Per-key token bucket, the shape of Slack's chat.postMessage limit
// (about 1 message per second per channel with a small burst).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <string>

namespace slack_sim {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(double rate_per_second, int burst)
      : rate_(rate_per_second), burst_(burst) {}

  // Takes one token for `key`. Returns 0 when allowed, otherwise the whole
  // seconds (at least 1) to put in Retry-After.
  int Take(const std::string& key, Clock::time_point now = Clock::now()) {
    auto [it, fresh] =
        buckets_.try_emplace(key, Bucket{static_cast<double>(burst_), now});
    Bucket& bucket = it->second;
    if (!fresh) {
      double elapsed = std::chrono::duration<double>(now - bucket.last).count();
      bucket.tokens = std::min<double>(burst_, bucket.tokens + elapsed * rate_);
      bucket.last = now;
    }
    if (bucket.tokens >= 1.0) {
      bucket.tokens -= 1.0;
      return 0;
    }
    return std::max(1,
                    static_cast<int>(std::ceil((1.0 - bucket.tokens) / rate_)));
  }

  void Reset() { buckets_.clear(); }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  double rate_;
  int burst_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace slack_sim
