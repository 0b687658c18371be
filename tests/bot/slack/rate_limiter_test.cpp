#include "bot/slack/rate_limiter.h"

#include <catch2/catch.hpp>
#include <string>

using leadrouter::slack::RateLimiter;
using namespace std::chrono_literals;

namespace {

const RateLimiter::TimePoint kT0 = RateLimiter::TimePoint(1000h);

const RateLimiter::Key kChannelA =
    RateLimiter::KeyFor("chat.postMessage", "C0123SHARK");
const RateLimiter::Key kChannelB =
    RateLimiter::KeyFor("chat.postMessage", "C0123OPS");

}  // namespace

TEST_CASE("a burst of hot leads goes out at once, then one a second",
          "[bot][slack][rate_limiter]") {
  RateLimiter limiter;
  for (int i = 0; i < 3; ++i) {
    CHECK(limiter.WaitFor(kChannelA, kT0) == RateLimiter::Duration::zero());
    limiter.OnServed(kChannelA, kT0);
  }
  CHECK(limiter.WaitFor(kChannelA, kT0) == 1s);
  CHECK(limiter.WaitFor(kChannelA, kT0 + 400ms) == 600ms);
  CHECK(limiter.WaitFor(kChannelA, kT0 + 1s) == RateLimiter::Duration::zero());
  limiter.OnServed(kChannelA, kT0 + 1s);
  CHECK(limiter.WaitFor(kChannelA, kT0 + 1s) == 1s);
}

TEST_CASE("a steady one message a second never waits",
          "[bot][slack][rate_limiter]") {
  RateLimiter limiter;
  for (int i = 0; i < 100; ++i) {
    const auto now = kT0 + std::chrono::seconds(i);
    CHECK(limiter.WaitFor(kChannelA, now) == RateLimiter::Duration::zero());
    limiter.OnServed(kChannelA, now);
  }
}

TEST_CASE("a throttled channel does not delay another channel",
          "[bot][slack][rate_limiter]") {
  RateLimiter limiter;
  for (int i = 0; i < 3; ++i) limiter.OnServed(kChannelA, kT0);
  limiter.OnRateLimited(kChannelA, 30s, kT0);
  CHECK(limiter.WaitFor(kChannelA, kT0) == 30s);
  CHECK(limiter.WaitFor(kChannelB, kT0) == RateLimiter::Duration::zero());
  limiter.OnServed(kChannelB, kT0);
  CHECK(limiter.WaitFor(kChannelB, kT0) == RateLimiter::Duration::zero());
  // Nor another method.
  const auto update = RateLimiter::KeyFor("chat.update", "C0123SHARK");
  CHECK(limiter.WaitFor(update, kT0) == RateLimiter::Duration::zero());
}

TEST_CASE("Retry-After is honoured to the tick", "[bot][slack][rate_limiter]") {
  RateLimiter limiter;
  limiter.OnServed(kChannelA, kT0);
  limiter.OnRateLimited(kChannelA, 30s, kT0);
  CHECK(limiter.WaitFor(kChannelA, kT0) == 30s);
  CHECK(limiter.WaitFor(kChannelA, kT0 + 29s) == 1s);
  CHECK(limiter.WaitFor(kChannelA, kT0 + 30s - 1ms) == 1ms);
  CHECK(limiter.WaitFor(kChannelA, kT0 + 30s) == RateLimiter::Duration::zero());
}

TEST_CASE("after a 429 the key resumes one at a time, not in a burst",
          "[bot][slack][rate_limiter]") {
  RateLimiter limiter;
  limiter.OnRateLimited(kChannelA, 10s, kT0);
  const auto resume = kT0 + 10s;
  CHECK(limiter.WaitFor(kChannelA, resume) == RateLimiter::Duration::zero());
  limiter.OnServed(kChannelA, resume);
  CHECK(limiter.WaitFor(kChannelA, resume) == 1s);
}

TEST_CASE("a later, shorter Retry-After does not cut an earlier one short",
          "[bot][slack][rate_limiter]") {
  RateLimiter limiter;
  limiter.OnRateLimited(kChannelA, 60s, kT0);
  limiter.OnRateLimited(kChannelA, 5s, kT0 + 1s);
  CHECK(limiter.WaitFor(kChannelA, kT0 + 10s) == 50s);
}

TEST_CASE("a global pause holds every key", "[bot][slack][rate_limiter]") {
  RateLimiter limiter;
  limiter.PauseAll(kT0 + 5s);
  CHECK(limiter.WaitFor(kChannelA, kT0) == 5s);
  CHECK(limiter.WaitFor(RateLimiter::KeyFor("users.info"), kT0 + 2s) == 3s);
  limiter.PauseAll(kT0 + 1s);  // shorter: ignored
  CHECK(limiter.WaitFor(kChannelB, kT0) == 5s);
  CHECK(limiter.WaitFor(kChannelB, kT0 + 5s) == RateLimiter::Duration::zero());
}

TEST_CASE("only chat.postMessage is paced per channel",
          "[bot][slack][rate_limiter]") {
  CHECK(RateLimiter::KeyFor("chat.postMessage", "C1") !=
        RateLimiter::KeyFor("chat.postMessage", "C2"));
  CHECK(RateLimiter::KeyFor("chat.update", "C1") ==
        RateLimiter::KeyFor("chat.update", "C2"));
  CHECK(RateLimiter::PaceFor(RateLimiter::KeyFor("apps.connections.open"))
            .interval == 60s);
  CHECK(RateLimiter::PaceFor(RateLimiter::KeyFor("some.new.method")).interval ==
        RateLimiter::kTier3.interval);
}

TEST_CASE("Tier 1 apps.connections.open allows a short burst of reconnects",
          "[bot][slack][rate_limiter]") {
  RateLimiter limiter;
  const auto key = RateLimiter::KeyFor("apps.connections.open");
  limiter.OnServed(key, kT0);
  CHECK(limiter.WaitFor(key, kT0) == RateLimiter::Duration::zero());
  limiter.OnServed(key, kT0);
  CHECK(limiter.WaitFor(key, kT0) == 60s);
}

TEST_CASE("memory stays bounded when many channels go idle",
          "[bot][slack][rate_limiter]") {
  RateLimiter limiter;
  for (int i = 0; i < 3000; ++i) {
    limiter.OnServed(
        RateLimiter::KeyFor("chat.postMessage", "C" + std::to_string(i)), kT0);
  }
  CHECK(limiter.size() == 3000);  // all still refilling: none forgotten
  limiter.OnServed(kChannelA, kT0 + 1min);
  CHECK(limiter.size() <= 2);
  // A forgotten key behaves like a fresh one.
  CHECK(limiter.WaitFor(RateLimiter::KeyFor("chat.postMessage", "C7"),
                        kT0 + 1min) == RateLimiter::Duration::zero());
}

TEST_CASE("the per-channel chat.postMessage pace can be set for a workspace",
          "[slack][rate_limiter]") {
  RateLimiter limiter(RateLimiter::Pace{std::chrono::milliseconds(100), 1});
  const auto post = RateLimiter::KeyFor("chat.postMessage", "C0123SHARK");
  const RateLimiter::TimePoint t0 = kT0;
  limiter.OnServed(post, t0);
  CHECK(limiter.WaitFor(post, t0) == std::chrono::milliseconds(100));
  CHECK(limiter.WaitFor(post, t0 + std::chrono::milliseconds(100)) ==
        RateLimiter::Duration::zero());
  // Other methods keep their tiers.
  const auto update = RateLimiter::KeyFor("chat.update");
  limiter.OnServed(update, t0);
  CHECK(limiter.WaitFor(update, t0) == RateLimiter::Duration::zero());
}
