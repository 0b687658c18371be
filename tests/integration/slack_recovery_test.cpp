// Slack down, then back, end to end: the Web API and the socket fail
// together (slack-sim's outage switch) while leads keep arriving. Business
// time runs on the daemon's movable clock, so a ten-minute outage is ten
// minutes of job backoff without ten minutes of waiting; the socket's own
// reconnecting runs on real time and is kept short. What a user notices:
// Claim buttons work again within seconds of Slack answering, no lead's
// message ends in the dead letters, and the backlog goes out at once.
#include <catch2/catch.hpp>
#include <thread>

#include "bot/ops/slack_outage_alert.h"
#include "tests/support/slack_stack.h"

using leadrouter::testing::AgentToml;
using leadrouter::testing::Contains;
using leadrouter::testing::kOpsChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::HotLead;
using leadrouter::testing::kSharkChannel;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using leadrouter::testing::WarmLead;
using nlohmann::json;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

StackOptions Agents(const std::string& extra = "") {
  // A claim timeout longer than any outage here: no fallback mixes in.
  return StackOptions{AgentToml("U0ANA00001", "Ana") + AgentToml("U0BEN00001", "Ben") + extra,
                      "claim_timeout = \"2h\""};
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = SteadyClock::now() + limit;
  while (!done()) {
    if (SteadyClock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

std::string State(SlackStack& s) { return s.Health()["slack"].value("state", ""); }

// Every job due at the daemon's `now_ms` has been tried (and put back to
// wait, or finished): the step of business time is fully played out.
bool Settled(SlackStack& s, int64_t now_ms) {
  return s.Count("SELECT count(*) FROM jobs WHERE state = 'running' OR "
                 "(state = 'pending' AND due_at <= " + std::to_string(now_ms) + ")") == 0;
}

struct Outcome {
  std::chrono::milliseconds reconnect{0};
  std::chrono::milliseconds drain{0};
  int hot = 0;
  int warm = 0;
};

// Slack is down for `length` of business time, moved in `step`s, with a
// lead arriving every `lead_every` steps; then Slack answers again.
Outcome RunOutage(SlackStack& s, std::chrono::seconds length, std::chrono::seconds step,
                  int lead_every) {
  Outcome out;
  s.SimPost("outage", {{"on", true}});
  REQUIRE(WaitUntil([&] { return State(s) != "connected"; }, 5s));
  int n = 0;
  for (auto passed = 0s; passed < length; passed += step, ++n) {
    if (n % lead_every == 0) {
      if (n % (2 * lead_every) == 0) {
        s.PostLead(HotLead(out.hot, "Outage Hot " + std::to_string(out.hot)));
        ++out.hot;
      } else {
        s.PostLead(WarmLead(out.warm));
        ++out.warm;
      }
    }
    const int64_t now_ms = s.Advance(std::to_string(step.count()) + "s");
    REQUIRE(WaitUntil([&] { return Settled(s, now_ms); }, 10s));
  }
  // Every lead's Slack work is waiting for Slack, none has given up.
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE state = 'dead'") == 0);
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE waiting_on = 'slack' "
                "AND state = 'pending'") >= out.hot + out.warm);

  const auto back = SteadyClock::now();
  s.SimPost("outage", {{"on", false}});
  REQUIRE(WaitUntil([&] { return State(s) == "connected"; }, 30s));
  out.reconnect = std::chrono::duration_cast<std::chrono::milliseconds>(
      SteadyClock::now() - back);
  REQUIRE(WaitUntil(
      [&] {
        return s.Count("SELECT count(*) FROM jobs WHERE waiting_on = 'slack' "
                       "AND state IN ('pending', 'running')") == 0;
      },
      30s));
  out.drain = std::chrono::duration_cast<std::chrono::milliseconds>(
      SteadyClock::now() - back);
  return out;
}

void CheckEveryLeadDeliveredOnce(SlackStack& s, const Outcome& o) {
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE state = 'dead'") == 0);
  CHECK(s.Channel(kSharkChannel)["messages"].size() == static_cast<size_t>(o.hot));
  CHECK(s.Count("SELECT count(DISTINCT lead_id) FROM slack_messages "
                "WHERE kind = 'shark_tank'") == o.hot);
  // One DM per standard lead, counted where Slack shows them.
  size_t dms = 0;
  for (const char* agent : {"U0ANA00001", "U0BEN00001"}) {
    const std::string dm = s.DmChannel(agent);
    if (!dm.empty()) dms += s.Channel(dm)["messages"].size();
  }
  CHECK(dms == static_cast<size_t>(o.warm));
}

}  // namespace

TEST_CASE("a 30 s Slack outage: back within seconds, nothing dead-lettered",
          "[integration][slack][outage][recovery]") {
  SlackStack s(Agents());
  const Outcome o = RunOutage(s, 30s, 5s, 2);
  INFO("reconnect " << o.reconnect.count() << " ms, drain " << o.drain.count() << " ms");
  CHECK(o.reconnect <= 10s);
  CHECK(o.drain <= 15s);
  CheckEveryLeadDeliveredOnce(s, o);
}

TEST_CASE("a 2 min Slack outage: back within seconds, nothing dead-lettered",
          "[integration][slack][outage][recovery]") {
  SlackStack s(Agents());
  const Outcome o = RunOutage(s, 120s, 10s, 3);
  INFO("reconnect " << o.reconnect.count() << " ms, drain " << o.drain.count() << " ms");
  CHECK(o.reconnect <= 10s);
  CHECK(o.drain <= 15s);
  CheckEveryLeadDeliveredOnce(s, o);
}

TEST_CASE("a 10 min Slack outage: back within seconds, nothing dead-lettered",
          "[integration][slack][outage][recovery]") {
  SlackStack s(Agents());
  // Thirty-second steps: each waiting job tries about twenty times, far
  // beyond jobs.max_attempts (8), which used to dead-letter it.
  const Outcome o = RunOutage(s, 600s, 30s, 4);
  INFO("reconnect " << o.reconnect.count() << " ms, drain " << o.drain.count() << " ms");
  CHECK(o.reconnect <= 10s);
  CHECK(o.drain <= 15s);
  CheckEveryLeadDeliveredOnce(s, o);
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE waiting_on = 'slack' AND state = 'done' "
                "AND waiting_since IS NOT NULL") >= o.hot + o.warm);
}

TEST_CASE("a dead link (socket silent, Web API fine) reconnects within 35 s",
          "[integration][slack][outage][recovery]") {
  SlackStack s(Agents());
  const int64_t opened = s.SimGet("connections")["total_opened"];
  const auto silent = SteadyClock::now();
  // The live socket goes silent (a half-open TCP link); new ones work.
  s.SimPost("silence", {{"on", true}});
  s.SimPost("silence", {{"on", false}});
  REQUIRE(WaitUntil(
      [&] {
        return s.SimGet("connections")["total_opened"].get<int64_t>() > opened &&
               State(s) == "connected";
      },
      45s));
  const auto took = SteadyClock::now() - silent;
  INFO("reconnected " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                      << " ms after the link went silent");
  CHECK(took <= 35s);
  // And it works: a hot lead's Claim button arrives and can be used.
  s.PostLead(HotLead(1, "After Silence"));
  const json post = s.WaitForPost("After Silence");
  CHECK(!post.empty());
}

TEST_CASE("one Slack outage gives one alert and one note, and both are true",
          "[integration][slack][outage][ops_alerts]") {
  SlackStack s(Agents("[alerts]\nslack_down_after = \"1m\"\n"));
  const Outcome o = RunOutage(s, 120s, 10s, 3);
  const int leads = o.hot + o.warm;
  // The alert may have reached Slack's Web API before the socket was back,
  // and then waits kAwaitLink for the link: move the clock past that wait.
  s.Advance(std::to_string(leadrouter::kAwaitLink.count()) + "s");
  // The alert was written a minute into the outage and could only reach
  // Slack after it: it says what happened.
  auto summary = s.WaitFor(
      kOpsChannel,
      [](const json& m) { return Contains(MessageText(m), "Slack was unreachable"); },
      /*ephemeral=*/false, 20s);
  INFO(s.Channel(kOpsChannel).dump());
  REQUIRE(summary);
  CHECK(Contains(MessageText(*summary), std::to_string(leads) +
                                            " leads waited and were all delivered"));
  auto note = s.WaitFor(kOpsChannel, [](const json& m) {
    return Contains(MessageText(m), "Slack connection back after");
  });
  REQUIRE(note);
  const json messages = s.Channel(kOpsChannel)["messages"];
  CHECK(messages.size() == 2);
  for (const auto& m : messages) {
    CHECK_FALSE(Contains(MessageText(m), "Slack connection down"));
    CHECK_FALSE(Contains(MessageText(m), "dead letters"));
  }
}
