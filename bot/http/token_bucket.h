// TokenBucket: per-client request rate limiting. Pure: time is passed in.
// Memory is bounded: past `max_keys` the least recently seen client is
// forgotten.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

namespace leadrouter {

class TokenBucket {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Decision {
    bool allowed = false;
    int retry_after_seconds = 0;  // when refused: whole seconds, at least 1
  };

  // REQUIRES: capacity >= 1, refill_per_second > 0.
  TokenBucket(double capacity, double refill_per_second,
              size_t max_keys = 100000);

  Decision Take(const std::string& key, TimePoint now);
  size_t tracked_keys() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    TimePoint updated;
    std::list<std::string>::iterator lru;
  };
  void Refill(Bucket& b, TimePoint now) const;

  double capacity_;
  double rate_;
  size_t max_keys_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> lru_;  // most recent first
};

}  // namespace leadrouter
