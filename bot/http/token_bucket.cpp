#include "bot/http/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace leadrouter {

TokenBucket::TokenBucket(double capacity, double refill_per_second,
                         size_t max_keys)
    : capacity_(std::max(1.0, capacity)),
      rate_(refill_per_second > 0 ? refill_per_second : 1.0),
      max_keys_(std::max<size_t>(1, max_keys)) {}

void TokenBucket::Refill(Bucket& b, TimePoint now) const {
  double elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) {
    b.tokens = std::min(capacity_, b.tokens + elapsed * rate_);
    b.updated = now;
  }
}

TokenBucket::Decision TokenBucket::Take(const std::string& key, TimePoint now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      // The least recently seen client goes; past max_keys a fresh bucket
      // for it is the lesser harm than unbounded memory.
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    it = buckets_.emplace(key, Bucket{capacity_, now, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  Bucket& b = it->second;
  Refill(b, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {true, 0};
  }
  double wait = (1.0 - b.tokens) / rate_;
  return {false, std::max(1, static_cast<int>(std::ceil(wait)))};
}

}  // namespace leadrouter
