// SocketModeSession: the one authority over the Slack Socket Mode
// connection. A pure state machine: the I/O layer feeds it events (an HTTP
// answer from apps.connections.open, a socket opened, a hello, a
// disconnect, a close, any frame, a timer tick) with the current time, and
// carries out the actions it returns (call apps.connections.open, open or
// close a socket, arm a timer). No I/O, no clock reads; not thread-safe
// (the loop thread owns it).
//
// Rules: at most one connection attempt in flight. On disconnect `warning`
// or `refresh_requested` the new connection is opened first and the old one
// is closed only after the new one says hello. On `too_many_websockets` the
// connection is closed first, then a reconnect is scheduled. On
// `link_disabled`, or when Slack refuses the app-level token, the session is
// fatal and stops. Silence on the live connection for `silence_limit`
// counts as a dead link. Failed attempts back off exponentially with
// jitter up to `backoff_cap`; a hello resets the backoff. While the link is
// down a URL from apps.connections.open is never thrown away, even one
// answering an attempt that was given up; an attempt given up before its
// call was answered cancels that call (CancelOpenUrl), so a queued call
// never spends apps.connections.open's Tier 1 pace for nothing. When the
// Web API answers again after failing (Slack is back), a session waiting
// out its backoff tries at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace leadrouter::slack {

// A source of jitter. REQUIRES: Uniform() returns a value in [0, 1).
class Random {
 public:
  virtual ~Random() = default;
  virtual double Uniform() = 0;
};

enum class SessionState {
  kDisabled,      // not started (or stopped)
  kConnecting,    // first connection not yet up
  kConnected,     // a connection said hello and is live
  kReconnecting,  // was connected, lost it, working on a new one
  kFatal,         // will not retry: the app or its token needs fixing
};

// "disabled", "connecting", "connected", "reconnecting", "fatal": the
// names /healthz reports.
std::string_view ToString(SessionState state);

class SocketModeSession {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  using ConnId = std::uint64_t;  // assigned by the session in Connect

  struct Options {
    // No frame, ping or pong for this long on the live connection: dead.
    // Slack pings every few seconds; Node's client gives up after 30 s.
    std::chrono::milliseconds silence_limit{std::chrono::seconds(30)};
    // From calling apps.connections.open to hello; longer is a hung attempt.
    std::chrono::milliseconds attempt_timeout{std::chrono::seconds(20)};
    // Reconnect delays: base, doubling per consecutive failure, up to cap.
    // apps.connections.open is a Tier 1 method, so the cap stays near a
    // minute rather than hammering it.
    std::chrono::milliseconds backoff_base{std::chrono::seconds(1)};
    std::chrono::milliseconds backoff_cap{std::chrono::seconds(60)};
  };

  // ---- Events (fed in by the I/O layer) ----
  struct Start {};
  struct Stop {};     // shutdown: close everything, back to disabled
  struct UrlOpened {  // apps.connections.open answered ok with a URL
    std::string url;
  };
  struct OpenFailed {   // apps.connections.open failed; Slack's error code,
    std::string error;  // or a transport error such as "timeout"
  };
  struct Connected {  // the WebSocket handshake of `conn` completed
    ConnId conn = 0;
  };
  struct Hello {  // `conn` received {"type":"hello"}
    ConnId conn = 0;
  };
  struct Disconnect {  // `conn` received {"type":"disconnect"}
    ConnId conn = 0;
    std::string reason;
  };
  struct Closed {  // `conn` is gone (close frame, error, or our Close done)
    ConnId conn = 0;
  };
  struct PongOrFrame {  // any frame, ping or pong arrived on `conn`
    ConnId conn = 0;
  };
  struct Tick {};  // time passed; see NextTickAt()
  struct SlackAnswering {};  // the Web API answers again after failing
  using Event = std::variant<Start, Stop, UrlOpened, OpenFailed, Connected,
                             Hello, Disconnect, Closed, PongOrFrame, Tick,
                             SlackAnswering>;

  // ---- Actions (carried out by the I/O layer, in order) ----
  struct OpenUrl {};  // call apps.connections.open with the app token
  // The attempt that asked for OpenUrl was given up before its answer: drop
  // the call if it has not gone out yet (if it has, its answer still comes
  // and is used when the link is down).
  struct CancelOpenUrl {};
  struct Connect {    // open a WebSocket to `url`, known as `conn`
    ConnId conn = 0;
    std::string url;
  };
  struct Close {  // close `conn` (then report Closed, or not: either is fine)
    ConnId conn = 0;
    std::string why;
  };
  struct ScheduleRetryAt {  // deliver a Tick at (or after) `at`
    TimePoint at{};
  };
  struct Fatal {  // stop; tell the operator `message`
    std::string message;
  };
  struct StateChanged {
    SessionState state = SessionState::kDisabled;
    std::string detail;
  };
  using Action = std::variant<OpenUrl, CancelOpenUrl, Connect, Close,
                              ScheduleRetryAt, Fatal, StateChanged>;

  // `random` supplies jitter; it must outlive the session.
  SocketModeSession(Options options, Random& random);

  // Applies `event` at time `now` and returns what to do, in order. Events
  // about connections the session no longer tracks are ignored. After
  // Fatal every event except Stop is ignored.
  std::vector<Action> Handle(const Event& event, TimePoint now);

  // When the I/O layer should deliver the next Tick (silence deadline,
  // attempt timeout or retry time); nullopt when nothing is pending.
  std::optional<TimePoint> NextTickAt() const;

  SessionState state() const { return state_; }
  std::string_view state_name() const { return ToString(state_); }
  const std::string& detail() const { return detail_; }
  TimePoint last_change() const { return since_; }
  // The connection envelopes are being read from, if any.
  std::optional<ConnId> live_connection() const { return live_; }
  int consecutive_failures() const { return failures_; }

 private:
  enum class Phase { kIdle, kOpeningUrl, kConnecting, kAwaitingHello };
  using Actions = std::vector<Action>;

  void On(const Start&, TimePoint now, Actions& out);
  void On(const Stop&, TimePoint now, Actions& out);
  void On(const UrlOpened& e, TimePoint now, Actions& out);
  void On(const OpenFailed& e, TimePoint now, Actions& out);
  void On(const Connected& e, TimePoint now, Actions& out);
  void On(const Hello& e, TimePoint now, Actions& out);
  void On(const Disconnect& e, TimePoint now, Actions& out);
  void On(const Closed& e, TimePoint now, Actions& out);
  void On(const PongOrFrame& e, TimePoint now, Actions& out);
  void On(const Tick&, TimePoint now, Actions& out);
  void On(const SlackAnswering&, TimePoint now, Actions& out);

  void SetState(SessionState state, std::string detail, TimePoint now,
                Actions& out);
  void BeginAttempt(TimePoint now, Actions& out);
  void AttemptFailed(const std::string& why, TimePoint now, Actions& out);
  void ScheduleRetry(const std::string& why, TimePoint now, Actions& out);
  void LoseLive(const std::string& why, TimePoint now, Actions& out);
  void GoFatal(const std::string& message, TimePoint now, Actions& out);
  void CloseAll(const std::string& why, Actions& out);
  void ConnectTo(const std::string& url, Actions& out);
  std::chrono::milliseconds Backoff(int failures) const;
  bool AttemptOwns(ConnId conn) const;

  const Options options_;
  Random& random_;  // not owned

  SessionState state_ = SessionState::kDisabled;
  std::string detail_ = "not started";
  TimePoint since_{};

  Phase phase_ = Phase::kIdle;
  ConnId attempt_conn_ = 0;  // 0 until the attempt has a socket
  TimePoint attempt_started_{};

  std::optional<ConnId> live_;
  bool live_retiring_ = false;  // Slack asked to replace it
  TimePoint live_activity_{};
  TimePoint live_since_{};  // when the live connection said hello

  std::optional<TimePoint> retry_at_;
  int failures_ = 0;
  int too_many_streak_ = 0;  // too_many_websockets in a row
  bool ever_connected_ = false;
  ConnId next_conn_ = 1;
};

}  // namespace leadrouter::slack
