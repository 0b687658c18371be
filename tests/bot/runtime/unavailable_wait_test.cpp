#include "bot/runtime/unavailable_wait.h"

#include <catch2/catch.hpp>

using leadrouter::DecideUnavailableWait;
using leadrouter::SystemTime;
using leadrouter::UnavailableWaitRules;
using namespace std::chrono_literals;

namespace {
const SystemTime kT0 = SystemTime(1773526743s);
}  // namespace

TEST_CASE("a wait that begins now retries after about the base delay",
          "[bot][runtime][unavailable]") {
  const auto d = DecideUnavailableWait(std::nullopt, kT0, {}, std::nullopt, 0.999);
  CHECK_FALSE(d.give_up);
  CHECK(d.waiting_since == kT0);
  CHECK(d.retry_at > kT0 + 1s);
  CHECK(d.retry_at <= kT0 + 2s);
}

TEST_CASE("the delay grows with the wait and stays near a minute",
          "[bot][runtime][unavailable]") {
  UnavailableWaitRules rules;
  // Table: how long the job has waited -> the longest next delay.
  const std::pair<std::chrono::seconds, std::chrono::seconds> table[] = {
      {0s, 2s}, {5s, 5s}, {30s, 30s}, {2min, 60s}, {10min, 60s}, {23h, 60s}};
  for (const auto& [waited, longest] : table) {
    const auto d = DecideUnavailableWait(kT0 - waited, kT0, rules, std::nullopt, 0.999);
    INFO("waited " << waited.count() << " s");
    CHECK_FALSE(d.give_up);
    CHECK(d.waiting_since == kT0 - waited);
    CHECK(d.retry_at - kT0 <= longest);
    CHECK(d.retry_at - kT0 >= longest / 2);
  }
}

TEST_CASE("jitter spreads the retries of many waiting jobs",
          "[bot][runtime][unavailable]") {
  const auto low = DecideUnavailableWait(kT0 - 10min, kT0, {}, std::nullopt, 0.0);
  const auto high = DecideUnavailableWait(kT0 - 10min, kT0, {}, std::nullopt, 0.999);
  CHECK(low.retry_at == kT0 + 30s);
  CHECK(high.retry_at > kT0 + 59s);
}

TEST_CASE("the service's own Retry-After is honoured as given",
          "[bot][runtime][unavailable]") {
  const auto d = DecideUnavailableWait(kT0 - 1h, kT0, {}, 90s, 0.5);
  CHECK_FALSE(d.give_up);
  CHECK(d.retry_at == kT0 + 90s);
}

TEST_CASE("patience spent: a dead letter that says how long it waited",
          "[bot][runtime][unavailable]") {
  UnavailableWaitRules rules;
  rules.patience = 24h;
  CHECK_FALSE(DecideUnavailableWait(kT0 - 24h + 1s, kT0, rules, std::nullopt, 0.5).give_up);
  const auto d = DecideUnavailableWait(kT0 - 24h, kT0, rules, std::nullopt, 0.5);
  CHECK(d.give_up);
  CHECK(d.reason.find("jobs.unavailable_patience") != std::string::npos);
  CHECK(d.reason.find("waiting 1d") != std::string::npos);
}

TEST_CASE("a test's short backoff cap is respected", "[bot][runtime][unavailable]") {
  UnavailableWaitRules rules;
  rules.base = 50ms;
  rules.cap = 200ms;
  const auto d = DecideUnavailableWait(kT0 - 10min, kT0, rules, std::nullopt, 0.999);
  CHECK(d.retry_at - kT0 <= 200ms);
  CHECK(d.retry_at - kT0 >= 100ms);
}
