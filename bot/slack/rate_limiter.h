// RateLimiter: local pacing of Slack Web API calls plus the waits Slack
// imposes with HTTP 429 + Retry-After. Pure: no I/O, no clock reads; every
// call takes `now` as a steady_clock value. Not thread-safe; the job runner
// owns it on the loop thread.
//
// One token bucket per key. The key is the unit Slack counts in
// (slack-protocol.md §5): the method, plus the channel for
// chat.postMessage (about one message per second per channel, short bursts
// allowed). A throttled key never delays another key.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace leadrouter::slack {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Duration = Clock::duration;

  struct Key {
    std::string method;   // "chat.postMessage"
    std::string channel;  // empty unless the method is paced per channel
    auto operator<=>(const Key&) const = default;
  };

  // How fast one key may go: `burst` calls at once, then one call per
  // `interval`.
  struct Pace {
    Duration interval;
    int burst = 1;
  };

  // Tuning. Slack's tiers are "N+ per minute" per method and workspace;
  // pacing a little under them keeps 429s rare without queueing for long.
  static constexpr Pace kPostMessagePerChannel{std::chrono::seconds(1), 3};
  static constexpr Pace kTier1{std::chrono::seconds(60), 2};         // 1+/min
  static constexpr Pace kTier2{std::chrono::seconds(3), 3};          // 20+/min
  static constexpr Pace kTier3{std::chrono::milliseconds(1200), 5};  // 50+/min
  static constexpr Pace kTier4{std::chrono::milliseconds(600), 10};  // 100+/min
  // Above this many keys, OnServed forgets buckets that are full and unblocked
  // (they behave exactly like a key never seen).
  static constexpr std::size_t kPruneAbove = 1024;

  // The key Slack would count `method` under; `channel` is kept only for
  // chat.postMessage.
  static Key KeyFor(std::string_view method, std::string_view channel = {});

  // The pace for a key: per-channel for chat.postMessage, otherwise the
  // method's tier (slack-protocol.md §4.2), Tier 3 for methods we don't know.
  static Pace PaceFor(const Key& key);

  // chat.postMessage per channel goes at `post_message_pace` instead (a
  // workspace whose limits differ, or a stand-in that has none).
  // REQUIRES: interval > 0 and burst >= 1.
  explicit RateLimiter(Pace post_message_pace = kPostMessagePerChannel)
      : post_message_pace_(post_message_pace) {}

  // How long to wait before sending on `key`; zero means send now.
  // The maximum of the global pause, the key's Retry-After, and its bucket.
  Duration WaitFor(const Key& key, TimePoint now) const;

  // Records that Slack served a request on `key`, answered at `now`
  // (spends one token; may go into debt if the caller did not wait, which
  // delays the next). Only served calls count, as Slack counts them: a call
  // with no answer or a 5xx from in front of its API spends nothing, so an
  // outage does not spend a Tier 1 method's budget (apps.connections.open
  // would then wait a minute for a token after it).
  void OnServed(const Key& key, TimePoint now);

  // Records a 429: `key` sends nothing before now + retry_after, and then
  // one request at a time at its normal pace. Other keys are unaffected.
  void OnRateLimited(const Key& key, std::chrono::seconds retry_after,
                     TimePoint now);

  // Holds every key until `until` (e.g. a workspace-wide limit). A pause
  // that ends earlier than the current one is ignored.
  void PauseAll(TimePoint until);

  // Number of keys with state; bounded by pruning idle, full buckets.
  std::size_t size() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;    // available calls at `updated`
    TimePoint updated{};  // when `tokens` was last brought up to date
    TimePoint blocked_until{};
  };

  Pace PaceOf(const Key& key) const;
  static double TokensAt(const Bucket& bucket, const Pace& pace, TimePoint now);
  void Prune(TimePoint now);

  std::map<Key, Bucket> buckets_;
  Pace post_message_pace_;
  TimePoint paused_until_{};
};

}  // namespace leadrouter::slack
