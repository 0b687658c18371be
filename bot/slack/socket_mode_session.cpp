#include "bot/slack/socket_mode_session.h"

#include <algorithm>
#include <array>
#include <utility>

namespace leadrouter::slack {
namespace {

using std::chrono::milliseconds;

// apps.connections.open errors that no retry can fix: the app-level token
// is missing, wrong, revoked, or its workspace is gone.
constexpr std::array<std::string_view, 6> kTokenErrors = {
    "invalid_auth",  "not_authed",   "account_inactive",
    "token_revoked", "missing_args", "user_removed_from_team"};

// Appends one action. Constructing it in place, rather than pushing a
// temporary variant, also avoids a GCC 12 -Wmaybe-uninitialized false
// positive on std::variant moves.
template <typename A, typename... Args>
void Emit(std::vector<SocketModeSession::Action>& out, Args&&... args) {
  out.emplace_back(std::in_place_type<A>, A{std::forward<Args>(args)...});
}

bool IsTokenError(std::string_view error) {
  return std::find(kTokenErrors.begin(), kTokenErrors.end(), error) !=
         kTokenErrors.end();
}

}  // namespace

std::string_view ToString(SessionState state) {
  switch (state) {
    case SessionState::kDisabled:
      return "disabled";
    case SessionState::kConnecting:
      return "connecting";
    case SessionState::kConnected:
      return "connected";
    case SessionState::kReconnecting:
      return "reconnecting";
    case SessionState::kFatal:
      return "fatal";
  }
  return "unknown";
}

SocketModeSession::SocketModeSession(Options options, Random& random)
    : options_(options), random_(random) {}

std::vector<SocketModeSession::Action> SocketModeSession::Handle(
    const Event& event, TimePoint now) {
  Actions out;
  if (state_ == SessionState::kFatal && !std::holds_alternative<Stop>(event)) {
    return out;
  }
  std::visit([&](const auto& e) { On(e, now, out); }, event);
  return out;
}

std::optional<SocketModeSession::TimePoint> SocketModeSession::NextTickAt()
    const {
  std::optional<TimePoint> next;
  const auto consider = [&](TimePoint t) {
    if (!next || t < *next) next = t;
  };
  if (live_) consider(live_activity_ + options_.silence_limit);
  if (phase_ != Phase::kIdle) {
    consider(attempt_started_ + options_.attempt_timeout);
  } else if (retry_at_) {
    consider(*retry_at_);
  }
  return next;
}

void SocketModeSession::On(const Start&, TimePoint now, Actions& out) {
  if (state_ != SessionState::kDisabled) return;  // already running
  SetState(SessionState::kConnecting, "opening a Socket Mode connection", now,
           out);
  BeginAttempt(now, out);
}

void SocketModeSession::On(const Stop&, TimePoint now, Actions& out) {
  CloseAll("shutting down", out);
  retry_at_.reset();
  failures_ = 0;
  too_many_streak_ = 0;
  ever_connected_ = false;
  SetState(SessionState::kDisabled, "stopped", now, out);
}

void SocketModeSession::On(const UrlOpened& e, TimePoint now, Actions& out) {
  if (phase_ == Phase::kOpeningUrl) {
    if (e.url.empty()) {
      AttemptFailed("apps.connections.open returned no url", now, out);
      return;
    }
    ConnectTo(e.url, out);
    return;
  }
  // A late answer to an attempt given up (it timed out while Slack was slow
  // or its call waited for the pace). While the link is down, or being
  // replaced, it is the quickest way back: use it rather than wait for the
  // next attempt's turn at a Tier 1 method.
  const bool link_needed = !live_ || live_retiring_;
  if (phase_ != Phase::kIdle || !link_needed || e.url.empty()) return;
  if (state_ == SessionState::kDisabled) return;
  attempt_started_ = now;
  retry_at_.reset();
  ConnectTo(e.url, out);
}

void SocketModeSession::ConnectTo(const std::string& url, Actions& out) {
  phase_ = Phase::kConnecting;
  attempt_conn_ = next_conn_++;
  Emit<Connect>(out, attempt_conn_, url);
}

void SocketModeSession::On(const OpenFailed& e, TimePoint now, Actions& out) {
  if (phase_ != Phase::kOpeningUrl) return;
  if (IsTokenError(e.error)) {
    GoFatal("Slack refused the app-level token (SLACK_APP_TOKEN): " + e.error +
                ". Set SLACK_APP_TOKEN to the app's xapp- token with the "
                "connections:write scope (app settings, Basic Information, "
                "App-Level Tokens) and restart leadrouter.",
            now, out);
    return;
  }
  AttemptFailed("apps.connections.open failed: " + e.error, now, out);
}

void SocketModeSession::On(const Connected& e, TimePoint, Actions&) {
  if (phase_ == Phase::kConnecting && e.conn == attempt_conn_) {
    phase_ = Phase::kAwaitingHello;
  }
}

void SocketModeSession::On(const Hello& e, TimePoint now, Actions& out) {
  if (live_ && e.conn == *live_) {
    live_activity_ = now;
    return;
  }
  if (!AttemptOwns(e.conn)) return;
  // The new connection is ready: only now let the one it replaces go, so
  // no envelope falls between two sockets.
  if (live_) Emit<Close>(out, *live_, "replaced by a new connection");
  live_ = e.conn;
  live_retiring_ = false;
  live_activity_ = now;
  live_since_ = now;
  phase_ = Phase::kIdle;
  attempt_conn_ = 0;
  retry_at_.reset();
  failures_ = 0;
  ever_connected_ = true;
  SetState(SessionState::kConnected, "", now, out);
}

void SocketModeSession::On(const Disconnect& e, TimePoint now, Actions& out) {
  if (e.reason == "link_disabled") {
    GoFatal(
        "Slack disabled Socket Mode for this app (link_disabled). Turn "
        "Socket Mode on in the app settings, then restart leadrouter.",
        now, out);
    return;
  }
  if (AttemptOwns(e.conn)) {
    // Told to go away before it was even live: give up on this attempt.
    Emit<Close>(out, e.conn, "disconnect (" + e.reason + ") before hello");
    AttemptFailed("new connection got disconnect: " + e.reason, now, out);
    return;
  }
  if (!live_ || e.conn != *live_) return;
  live_activity_ = now;

  if (e.reason == "too_many_websockets") {
    // Opening another socket first would only be refused again; close this
    // one and come back after a backoff.
    // Slack may send this right after hello, which resets the backoff; the
    // streak keeps the delays growing until a connection stays up.
    Emit<Close>(out, e.conn, "too_many_websockets");
    ++too_many_streak_;
    failures_ = std::max(failures_, too_many_streak_ - 1);
    LoseLive("Slack reported too many websockets for this app", now, out);
    return;
  }
  // "warning", "refresh_requested", or a reason we don't know: keep reading
  // from the old connection while the new one opens.
  if (live_retiring_) return;
  live_retiring_ = true;
  detail_ = "refreshing the connection (" + e.reason + ")";
  if (phase_ == Phase::kIdle && !retry_at_) BeginAttempt(now, out);
}

void SocketModeSession::On(const Closed& e, TimePoint now, Actions& out) {
  if (AttemptOwns(e.conn)) {
    AttemptFailed("connection closed before hello", now, out);
    return;
  }
  if (live_ && e.conn == *live_) LoseLive("connection closed", now, out);
}

void SocketModeSession::On(const PongOrFrame& e, TimePoint now, Actions&) {
  if (live_ && e.conn == *live_) live_activity_ = now;
}

void SocketModeSession::On(const Tick&, TimePoint now, Actions& out) {
  if (state_ == SessionState::kDisabled) return;
  if (live_ && now - live_since_ >= options_.silence_limit) {
    too_many_streak_ = 0;  // this connection proved it is allowed
  }
  if (live_ && now - live_activity_ >= options_.silence_limit) {
    const ConnId dead = *live_;
    Emit<Close>(out, dead, "no frame or pong within the silence limit");
    LoseLive("connection went silent", now, out);
  }
  if (phase_ != Phase::kIdle &&
      now - attempt_started_ >= options_.attempt_timeout) {
    if (attempt_conn_ != 0) {
      Emit<Close>(out, attempt_conn_, "no hello in time");
    }
    if (phase_ == Phase::kOpeningUrl) Emit<CancelOpenUrl>(out);
    AttemptFailed("connection attempt timed out", now, out);
  }
  if (phase_ == Phase::kIdle && retry_at_ && now >= *retry_at_) {
    BeginAttempt(now, out);
  }
}

void SocketModeSession::On(const SlackAnswering&, TimePoint now,
                           Actions& out) {
  if (state_ == SessionState::kDisabled) return;
  // Only a session that is waiting out a backoff with no link is helped;
  // an attempt in flight goes on, a live link needs nothing.
  if (live_ || phase_ != Phase::kIdle || !retry_at_) return;
  BeginAttempt(now, out);
}

void SocketModeSession::SetState(SessionState state, std::string detail,
                                 TimePoint now, Actions& out) {
  detail_ = std::move(detail);
  if (state == state_) return;
  state_ = state;
  since_ = now;
  Emit<StateChanged>(out, state_, detail_);
}

void SocketModeSession::BeginAttempt(TimePoint now, Actions& out) {
  phase_ = Phase::kOpeningUrl;
  attempt_conn_ = 0;
  attempt_started_ = now;
  retry_at_.reset();
  Emit<OpenUrl>(out);
}

void SocketModeSession::AttemptFailed(const std::string& why, TimePoint now,
                                      Actions& out) {
  phase_ = Phase::kIdle;
  attempt_conn_ = 0;
  ScheduleRetry(why, now, out);
}

void SocketModeSession::ScheduleRetry(const std::string& why, TimePoint now,
                                      Actions& out) {
  ++failures_;
  retry_at_ = now + Backoff(failures_);
  Emit<ScheduleRetryAt>(out, *retry_at_);
  if (!live_) {
    SetState(ever_connected_ ? SessionState::kReconnecting
                             : SessionState::kConnecting,
             why, now, out);
  }
}

void SocketModeSession::LoseLive(const std::string& why, TimePoint now,
                                 Actions& out) {
  live_.reset();
  live_retiring_ = false;
  if (phase_ != Phase::kIdle) {
    // A replacement is already on its way; it will restore "connected".
    SetState(SessionState::kReconnecting, why, now, out);
    return;
  }
  ScheduleRetry(why, now, out);
}

void SocketModeSession::GoFatal(const std::string& message, TimePoint now,
                                Actions& out) {
  CloseAll("fatal: " + message, out);
  retry_at_.reset();
  SetState(SessionState::kFatal, message, now, out);
  Emit<Fatal>(out, message);
}

void SocketModeSession::CloseAll(const std::string& why, Actions& out) {
  if (phase_ == Phase::kOpeningUrl) Emit<CancelOpenUrl>(out);
  if (attempt_conn_ != 0) Emit<Close>(out, attempt_conn_, why);
  if (live_) Emit<Close>(out, *live_, why);
  phase_ = Phase::kIdle;
  attempt_conn_ = 0;
  live_.reset();
  live_retiring_ = false;
}

milliseconds SocketModeSession::Backoff(int failures) const {
  // base * 2^(failures-1), computed without overflow, then capped.
  milliseconds delay = options_.backoff_base;
  for (int i = 1; i < failures && delay < options_.backoff_cap; ++i) {
    delay *= 2;
  }
  delay = std::min(delay, options_.backoff_cap);
  // Jitter in [delay/2, delay): many restarted daemons don't reconnect in
  // lockstep, and the cap is never exceeded.
  double u = random_.Uniform();
  u = std::clamp(u, 0.0, 1.0);
  const auto jittered = milliseconds(static_cast<milliseconds::rep>(
      static_cast<double>(delay.count()) * (0.5 + 0.5 * u)));
  return std::max(jittered, milliseconds(1));
}

bool SocketModeSession::AttemptOwns(ConnId conn) const {
  return phase_ != Phase::kIdle && attempt_conn_ != 0 && conn == attempt_conn_;
}

}  // namespace leadrouter::slack
