#include "bot/slack/socket_mode_session.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace slack = leadrouter::slack;
using Session = slack::SocketModeSession;
using slack::SessionState;
using namespace std::chrono_literals;

namespace {

class FakeRandom : public slack::Random {
 public:
  double value = 0.999;
  double Uniform() override { return value; }
};

// Drives a session with a fake clock and keeps the actions of the last step.
struct Harness {
  FakeRandom random;
  Session session{Session::Options{}, random};
  Session::TimePoint now = Session::TimePoint(1773526743s);
  std::vector<Session::Action> last;

  std::vector<Session::Action>& Feed(const Session::Event& event) {
    last = session.Handle(event, now);
    return last;
  }
  void Advance(std::chrono::milliseconds d) { now += d; }

  template <typename A>
  std::vector<A> All() const {
    std::vector<A> out;
    for (const auto& action : last) {
      if (const A* a = std::get_if<A>(&action)) out.push_back(*a);
    }
    return out;
  }
  template <typename A>
  bool Has() const {
    return !All<A>().empty();
  }
  // Index of the first action of type A in the last step, or -1.
  template <typename A>
  int IndexOf() const {
    for (std::size_t i = 0; i < last.size(); ++i) {
      if (std::holds_alternative<A>(last[i])) return static_cast<int>(i);
    }
    return -1;
  }

  // Start and bring up connection 1.
  Session::ConnId Connect() {
    Feed(Session::Start{});
    Feed(Session::UrlOpened{"wss://wss.example/link/?ticket=1"});
    const auto conn = All<Session::Connect>().at(0).conn;
    Feed(Session::Connected{conn});
    Feed(Session::Hello{conn});
    return conn;
  }

  // Complete the attempt in flight with a new connection.
  Session::ConnId CompleteAttempt() {
    Feed(Session::UrlOpened{"wss://wss.example/link/?ticket=n"});
    const auto conn = All<Session::Connect>().at(0).conn;
    Feed(Session::Connected{conn});
    Feed(Session::Hello{conn});
    return conn;
  }
};

}  // namespace

TEST_CASE("start opens a URL, connects, and is connected after hello",
          "[bot][slack][socket_mode]") {
  Harness h;
  CHECK(h.session.state_name() == "disabled");
  h.Feed(Session::Start{});
  CHECK(h.Has<Session::OpenUrl>());
  CHECK(h.session.state_name() == "connecting");

  h.Feed(Session::UrlOpened{"ws://127.0.0.1:3001/link/?ticket=abc"});
  const auto connects = h.All<Session::Connect>();
  REQUIRE(connects.size() == 1);
  CHECK(connects[0].url == "ws://127.0.0.1:3001/link/?ticket=abc");

  h.Feed(Session::Connected{connects[0].conn});
  CHECK(h.session.state_name() == "connecting");  // not until hello
  h.Advance(2s);
  h.Feed(Session::Hello{connects[0].conn});
  CHECK(h.session.state_name() == "connected");
  CHECK(h.session.last_change() == h.now);
  CHECK(h.session.live_connection() == connects[0].conn);
  const auto changed = h.All<Session::StateChanged>();
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].state == SessionState::kConnected);
}

TEST_CASE("a second start while running does nothing",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.Connect();
  CHECK(h.Feed(Session::Start{}).empty());
}

TEST_CASE("refresh opens the new connection before closing the old one",
          "[bot][slack][socket_mode]") {
  Harness h;
  const auto old_conn = h.Connect();

  h.Feed(Session::Disconnect{old_conn, "refresh_requested"});
  CHECK(h.Has<Session::OpenUrl>());
  CHECK_FALSE(h.Has<Session::Close>());
  CHECK(h.session.state_name() == "connected");  // still reading the old one

  h.Feed(Session::UrlOpened{"wss://wss.example/link/?ticket=2"});
  const auto new_conn = h.All<Session::Connect>().at(0).conn;
  CHECK(new_conn != old_conn);
  CHECK_FALSE(h.Has<Session::Close>());
  h.Feed(Session::Connected{new_conn});
  CHECK_FALSE(h.Has<Session::Close>());
  CHECK(h.session.live_connection() == old_conn);

  h.Feed(Session::Hello{new_conn});
  const auto closes = h.All<Session::Close>();
  REQUIRE(closes.size() == 1);
  CHECK(closes[0].conn == old_conn);
  CHECK(h.session.live_connection() == new_conn);
  CHECK(h.session.state_name() == "connected");

  // The old socket's close afterwards changes nothing.
  CHECK(h.Feed(Session::Closed{old_conn}).empty());
  CHECK(h.session.state_name() == "connected");
}

TEST_CASE("warning then refresh_requested makes one attempt, not two",
          "[bot][slack][socket_mode]") {
  Harness h;
  const auto conn = h.Connect();
  h.Feed(Session::Disconnect{conn, "warning"});
  CHECK(h.All<Session::OpenUrl>().size() == 1);
  h.Advance(10s);
  h.Feed(Session::Disconnect{conn, "refresh_requested"});
  CHECK_FALSE(h.Has<Session::OpenUrl>());
}

TEST_CASE("if the old connection dies during a refresh, the new one takes over",
          "[bot][slack][socket_mode]") {
  Harness h;
  const auto old_conn = h.Connect();
  h.Feed(Session::Disconnect{old_conn, "warning"});
  h.Feed(Session::Closed{old_conn});
  CHECK(h.session.state_name() == "reconnecting");
  CHECK_FALSE(h.Has<Session::OpenUrl>());  // the attempt is already running
  CHECK_FALSE(h.Has<Session::ScheduleRetryAt>());
  const auto new_conn = h.CompleteAttempt();
  CHECK(h.session.state_name() == "connected");
  CHECK(h.session.live_connection() == new_conn);
  CHECK_FALSE(h.Has<Session::Close>());
}

TEST_CASE("too_many_websockets closes first, then reconnects after a delay",
          "[bot][slack][socket_mode]") {
  Harness h;
  const auto conn = h.Connect();
  h.Feed(Session::Disconnect{conn, "too_many_websockets"});
  const int close_at = h.IndexOf<Session::Close>();
  const int retry_at = h.IndexOf<Session::ScheduleRetryAt>();
  REQUIRE(close_at >= 0);
  REQUIRE(retry_at >= 0);
  CHECK(close_at < retry_at);
  CHECK(h.All<Session::Close>()[0].conn == conn);
  CHECK_FALSE(h.Has<Session::OpenUrl>());
  CHECK(h.session.state_name() == "reconnecting");

  const auto at = h.All<Session::ScheduleRetryAt>()[0].at;
  h.now = at - 1ms;
  CHECK_FALSE(h.Feed(Session::Tick{}).size());
  h.now = at;
  h.Feed(Session::Tick{});
  CHECK(h.Has<Session::OpenUrl>());
}

TEST_CASE("link_disabled stops with a message an admin can act on",
          "[bot][slack][socket_mode]") {
  Harness h;
  const auto conn = h.Connect();
  h.Feed(Session::Disconnect{conn, "link_disabled"});
  const auto fatal = h.All<Session::Fatal>();
  REQUIRE(fatal.size() == 1);
  CHECK_THAT(fatal[0].message, Catch::Contains("link_disabled") &&
                                   Catch::Contains("Socket Mode"));
  CHECK(h.All<Session::Close>().at(0).conn == conn);
  CHECK(h.session.state_name() == "fatal");

  // No retry loop afterwards.
  h.Advance(1h);
  CHECK(h.Feed(Session::Tick{}).empty());
  CHECK(h.Feed(Session::Start{}).empty());
  CHECK(h.session.NextTickAt() == std::nullopt);
}

TEST_CASE("a rejected app token is fatal and names SLACK_APP_TOKEN",
          "[bot][slack][socket_mode]") {
  for (const char* error : {"invalid_auth", "not_authed", "account_inactive"}) {
    Harness h;
    h.Feed(Session::Start{});
    h.Feed(Session::OpenFailed{error});
    const auto fatal = h.All<Session::Fatal>();
    REQUIRE(fatal.size() == 1);
    CHECK_THAT(fatal[0].message, Catch::Contains("SLACK_APP_TOKEN") &&
                                     Catch::Contains(error) &&
                                     Catch::Contains("connections:write"));
    CHECK_FALSE(h.Has<Session::ScheduleRetryAt>());
    CHECK(h.session.state() == SessionState::kFatal);
    CHECK(h.session.detail() == fatal[0].message);
  }
}

TEST_CASE("other apps.connections.open errors back off and retry",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.Feed(Session::Start{});
  h.Feed(Session::OpenFailed{"internal_error"});
  CHECK_FALSE(h.Has<Session::Fatal>());
  const auto retry = h.All<Session::ScheduleRetryAt>();
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].at > h.now);
  CHECK(h.session.state_name() == "connecting");  // never connected yet
  h.now = retry[0].at;
  h.Feed(Session::Tick{});
  CHECK(h.Has<Session::OpenUrl>());
}

TEST_CASE("reconnect delays double up to the cap",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.random.value = 0.999;  // no jitter reduction: near the full delay
  h.Feed(Session::Start{});
  std::vector<std::chrono::milliseconds> delays;
  for (int i = 0; i < 10; ++i) {
    h.Feed(Session::OpenFailed{"ratelimited"});
    const auto at = h.All<Session::ScheduleRetryAt>().at(0).at;
    delays.push_back(
        std::chrono::duration_cast<std::chrono::milliseconds>(at - h.now));
    h.now = at;
    h.Feed(Session::Tick{});
    REQUIRE(h.Has<Session::OpenUrl>());
  }
  // 1 s, 2 s, 4 s, … (minus at most 0.1 % jitter), then 60 s.
  CHECK(delays[0] > 990ms);
  CHECK(delays[0] <= 1s);
  for (std::size_t i = 1; i < delays.size(); ++i) {
    CHECK(delays[i] >= delays[i - 1]);
    CHECK(delays[i] <= 60s);
  }
  CHECK(delays[1] > 1990ms);
  CHECK(delays[2] > 3990ms);
  CHECK(delays[9] > 59s);
}

TEST_CASE("jitter spreads a delay between half and all of it",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.random.value = 0.0;
  h.Feed(Session::Start{});
  h.Feed(Session::OpenFailed{"internal_error"});
  CHECK(h.All<Session::ScheduleRetryAt>().at(0).at - h.now == 500ms);
}

TEST_CASE("hello resets the backoff", "[bot][slack][socket_mode]") {
  Harness h;
  h.Feed(Session::Start{});
  for (int i = 0; i < 5; ++i) {
    h.Feed(Session::OpenFailed{"internal_error"});
    h.now = h.All<Session::ScheduleRetryAt>().at(0).at;
    h.Feed(Session::Tick{});
  }
  CHECK(h.session.consecutive_failures() == 5);
  const auto conn = h.CompleteAttempt();
  CHECK(h.session.consecutive_failures() == 0);

  h.Feed(Session::Closed{conn});
  const auto at = h.All<Session::ScheduleRetryAt>().at(0).at;
  CHECK(at - h.now <= 1s);
  CHECK(h.session.state_name() == "reconnecting");
}

TEST_CASE("silence on the connection triggers a reconnect",
          "[bot][slack][socket_mode]") {
  Harness h;
  const auto conn = h.Connect();
  h.Advance(20s);
  h.Feed(Session::PongOrFrame{conn});
  h.Advance(29s);
  CHECK(h.Feed(Session::Tick{}).empty());  // 29 s of silence: fine
  CHECK(h.session.NextTickAt() == h.now + 1s);

  h.Advance(1s);
  h.Feed(Session::Tick{});
  const auto closes = h.All<Session::Close>();
  REQUIRE(closes.size() == 1);
  CHECK(closes[0].conn == conn);
  CHECK(h.Has<Session::ScheduleRetryAt>());
  CHECK(h.session.state_name() == "reconnecting");
  CHECK(h.session.live_connection() == std::nullopt);

  h.now = h.All<Session::ScheduleRetryAt>()[0].at;
  h.Feed(Session::Tick{});
  CHECK(h.Has<Session::OpenUrl>());
  h.CompleteAttempt();
  CHECK(h.session.state_name() == "connected");
}

TEST_CASE("an attempt that never says hello is abandoned and retried",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.Feed(Session::Start{});
  h.Feed(Session::UrlOpened{"wss://x/link"});
  const auto conn = h.All<Session::Connect>().at(0).conn;
  h.Feed(Session::Connected{conn});
  h.Advance(20s);
  h.Feed(Session::Tick{});
  CHECK(h.All<Session::Close>().at(0).conn == conn);
  CHECK(h.Has<Session::ScheduleRetryAt>());

  // A late hello from the abandoned socket is ignored.
  CHECK(h.Feed(Session::Hello{conn}).empty());
  CHECK(h.session.state_name() == "connecting");
}

TEST_CASE("a hung apps.connections.open call is abandoned and cancelled",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.Feed(Session::Start{});
  h.Advance(20s);
  h.Feed(Session::Tick{});
  CHECK(h.Has<Session::ScheduleRetryAt>());
  // Still queued behind the pace, it must not spend it for nothing.
  CHECK(h.Has<Session::CancelOpenUrl>());
  CHECK(h.IndexOf<Session::CancelOpenUrl>() < h.IndexOf<Session::ScheduleRetryAt>());
}

TEST_CASE("a late URL is used while the link is down, not thrown away",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.Feed(Session::Start{});
  h.Advance(20s);
  h.Feed(Session::Tick{});  // the attempt is given up; a retry is scheduled
  REQUIRE(h.session.state_name() == "connecting");
  // Slack answers the abandoned call after all: connect with it now.
  h.Advance(3s);
  h.Feed(Session::UrlOpened{"wss://late"});
  REQUIRE(h.All<Session::Connect>().size() == 1);
  CHECK(h.All<Session::Connect>()[0].url == "wss://late");
  const auto conn = h.All<Session::Connect>()[0].conn;
  h.Feed(Session::Connected{conn});
  h.Feed(Session::Hello{conn});
  CHECK(h.session.state_name() == "connected");
  CHECK(h.session.consecutive_failures() == 0);
  // The next tick is the silence watchdog's, not a stale retry.
  CHECK(h.session.NextTickAt() == h.now + Session::Options{}.silence_limit);
}

TEST_CASE("a late URL is not used while another socket is already opening",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.Feed(Session::Start{});
  h.Feed(Session::UrlOpened{"wss://first"});
  REQUIRE(h.Has<Session::Connect>());
  CHECK(h.Feed(Session::UrlOpened{"wss://second"}).empty());
}

TEST_CASE("a late URL is not used while the link is up",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.Connect();
  CHECK(h.Feed(Session::UrlOpened{"wss://spare"}).empty());
  CHECK(h.session.state_name() == "connected");
}

TEST_CASE("Slack answering again ends a long backoff at once",
          "[bot][slack][socket_mode]") {
  Harness h;
  const auto first = h.Connect();
  h.Feed(Session::Closed{first});  // Slack goes down
  // Ten minutes of failed attempts: the backoff grows to its cap.
  const auto outage_end = h.now + 10min;
  while (h.now < outage_end) {
    const auto next = h.session.NextTickAt();
    REQUIRE(next);
    h.now = std::max(h.now, *next);
    h.Feed(Session::Tick{});
    if (h.Has<Session::OpenUrl>()) h.Feed(Session::OpenFailed{"http_503"});
  }
  REQUIRE(h.session.state_name() == "reconnecting");
  REQUIRE(h.session.NextTickAt());
  CHECK(*h.session.NextTickAt() - h.now > 10s);  // the old way: wait it out

  h.Feed(Session::SlackAnswering{});
  CHECK(h.Has<Session::OpenUrl>());
  const auto conn = h.CompleteAttempt();
  CHECK(h.session.state_name() == "connected");
  CHECK(h.session.live_connection() == conn);
}

TEST_CASE("Slack answering again changes nothing while connected or trying",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.Feed(Session::Start{});
  CHECK(h.Feed(Session::SlackAnswering{}).empty());  // an attempt is in flight
  h.CompleteAttempt();
  CHECK(h.Feed(Session::SlackAnswering{}).empty());  // connected
}

TEST_CASE("stopping during apps.connections.open cancels the call",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.Feed(Session::Start{});
  h.Feed(Session::Stop{});
  CHECK(h.Has<Session::CancelOpenUrl>());
}

TEST_CASE("a connection closed before hello is retried with backoff",
          "[bot][slack][socket_mode]") {
  Harness h;
  h.Feed(Session::Start{});
  h.Feed(Session::UrlOpened{"wss://x/link"});
  const auto conn = h.All<Session::Connect>().at(0).conn;
  h.Feed(Session::Closed{conn});
  CHECK(h.Has<Session::ScheduleRetryAt>());
  CHECK_FALSE(h.Has<Session::OpenUrl>());
}

TEST_CASE("only one attempt is ever in flight", "[bot][slack][socket_mode]") {
  Harness h;
  const auto conn = h.Connect();
  h.Feed(Session::Disconnect{conn, "warning"});
  REQUIRE(h.Has<Session::OpenUrl>());
  // The old link then goes silent while the attempt is still running.
  h.Advance(30s);
  h.Feed(Session::Tick{});
  CHECK_FALSE(h.Has<Session::OpenUrl>());
  // Attempt timeout (20 s) had already passed too: it is retried once.
  int open_urls = 0;
  for (int i = 0; i < 200; ++i) {
    h.Advance(1s);
    h.Feed(Session::Tick{});
    open_urls += static_cast<int>(h.All<Session::OpenUrl>().size());
    if (open_urls > 0) break;
  }
  CHECK(open_urls == 1);
}

TEST_CASE("stop closes every socket and reports disabled",
          "[bot][slack][socket_mode]") {
  Harness h;
  const auto conn = h.Connect();
  h.Feed(Session::Disconnect{conn, "warning"});
  h.Feed(Session::UrlOpened{"wss://x/2"});
  const auto pending = h.All<Session::Connect>().at(0).conn;
  h.Feed(Session::Stop{});
  CHECK(h.All<Session::Close>().size() == 2);
  CHECK(h.session.state_name() == "disabled");
  CHECK(h.session.NextTickAt() == std::nullopt);
  CHECK(h.Feed(Session::Hello{pending}).empty());
}

TEST_CASE("state names are the ones /healthz reports",
          "[bot][slack][socket_mode]") {
  CHECK(slack::ToString(SessionState::kDisabled) == "disabled");
  CHECK(slack::ToString(SessionState::kConnecting) == "connecting");
  CHECK(slack::ToString(SessionState::kConnected) == "connected");
  CHECK(slack::ToString(SessionState::kReconnecting) == "reconnecting");
  CHECK(slack::ToString(SessionState::kFatal) == "fatal");
}

TEST_CASE("repeated too_many_websockets right after hello still backs off",
          "[bot][slack][socket_mode]") {
  Harness h;
  auto conn = h.Connect();
  std::vector<std::chrono::milliseconds> delays;
  for (int i = 0; i < 4; ++i) {
    h.Feed(Session::Disconnect{conn, "too_many_websockets"});
    const auto at = h.All<Session::ScheduleRetryAt>().at(0).at;
    delays.push_back(
        std::chrono::duration_cast<std::chrono::milliseconds>(at - h.now));
    h.now = at;
    h.Feed(Session::Tick{});
    REQUIRE(h.Has<Session::OpenUrl>());
    conn = h.CompleteAttempt();
  }
  CHECK(delays[1] > delays[0]);
  CHECK(delays[2] > delays[1]);
  CHECK(delays[3] > 7s);

  // Once a connection has stayed up, the next one starts from the base.
  h.Advance(31s);
  h.Feed(Session::PongOrFrame{conn});
  h.Feed(Session::Tick{});
  h.Feed(Session::Disconnect{conn, "too_many_websockets"});
  CHECK(h.All<Session::ScheduleRetryAt>().at(0).at - h.now <= 1s);
}
