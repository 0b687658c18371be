// SlackConnection: the daemon's one link to Slack. Owns the Web API client
// (both tokens) and the Socket Mode client; at start checks the bot token
// with auth.test, then opens Socket Mode. Keeps `SlackHealth` current and
// logs every state change and every envelope it hands on (never a token).
//
// While the Socket Mode link is down after start, a cheap auth.test (Tier
// 4) probes the Web API every `probe_interval`, so Slack coming back after
// an outage is noticed within seconds even when no job is calling it: then
// the socket tries at once (not after its backoff) and the jobs waiting
// for Slack are woken (OnSlackAnswering).
//
// A fatal problem (a token Slack refuses, Socket Mode switched off) stops
// only the Slack side: the daemon keeps taking leads, their Slack jobs stay
// queued, and /healthz reports "fatal" with the reason.
//
// Thread rule: every method runs on the loop thread; callbacks too.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/health.h"
#include "bot/slack/envelope.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

namespace slack {
class WebApiClient;
class SocketModeClient;
}  // namespace slack

struct SlackConnectionOptions {
  std::string api_url = "https://slack.com/api/";
  std::string ca_file;    // extra trusted certificates (PEM)
  std::string bot_token;  // SLACK_BOT_TOKEN, xoxb-
  std::string app_token;  // SLACK_APP_TOKEN, xapp-
  std::chrono::milliseconds ping_interval{std::chrono::seconds(5)};
  std::chrono::milliseconds silence_limit{std::chrono::seconds(30)};
  std::chrono::milliseconds probe_interval{std::chrono::seconds(3)};
  std::chrono::milliseconds post_interval{1000};  // see WebApiOptions
  int post_burst = 3;
  int rate_limited_retries = 3;  // see WebApiOptions
};

class SlackConnection {
 public:
  // Returns true when some handler took the envelope; false is logged at
  // debug level ("nobody handles it").
  using EnvelopeHandler = std::function<bool(const slack::Envelope&)>;

  // `loop`, `clock` and `health` must outlive the connection.
  SlackConnection(boost::asio::io_context& loop, const Clock& clock,
                  SlackHealth& health, SlackConnectionOptions options);
  ~SlackConnection();
  SlackConnection(const SlackConnection&) = delete;
  SlackConnection& operator=(const SlackConnection&) = delete;

  // Each new envelope, acked already and never a redelivery.
  void OnEnvelope(EnvelopeHandler handler);
  // Called once, when auth.test accepted the bot token.
  void OnReady(std::function<void()> ready);
  // Called on every change of the connection's state ("connecting",
  // "connected", "reconnecting", "fatal", "disabled") with its detail, which
  // may name a token's variable but never holds a token.
  void OnStateChange(
      std::function<void(const std::string& state, const std::string& detail)> fn);
  // Called as each attempt to reach Slack begins: an auth.test retry, or a
  // Socket Mode connection attempt (a planned refresh included).
  void OnAttempt(std::function<void()> fn);

  // Called when Slack answers again: the Web API after failing, or the
  // Socket Mode link connected. `why` is for the log.
  void OnSlackAnswering(std::function<void(const std::string& why)> fn);

  // auth.test (retried while Slack cannot be reached), then Socket Mode.
  void Start();
  // Closes the sockets (a close frame each); no callback runs afterwards.
  void Stop();

  // auth.test accepted the bot token.
  bool ready() const { return ready_; }
  // Sockets still closing after Stop (the daemon waits a little for them).
  std::size_t open_sockets() const;
  // For job executors. Lives as long as this object.
  slack::WebApiClient& api() { return *api_; }

 private:
  void CheckBotToken();
  void OnAuthTest(bool ok, const std::string& error, bool retryable,
                  const std::string& team, const std::string& user);
  void StartSocketMode();
  void Report(const std::string& state, const std::string& detail);
  void NotifyAttempt();
  void SlackAnswering(const std::string& why);
  void ArmProbe();

  boost::asio::io_context& loop_;
  const Clock& clock_;
  SlackHealth& health_;
  const SlackConnectionOptions options_;
  std::unique_ptr<slack::WebApiClient> api_;
  std::unique_ptr<slack::SocketModeClient> socket_;
  struct RetryTimer;
  std::unique_ptr<RetryTimer> retry_timer_;  // paces auth.test retries
  std::unique_ptr<RetryTimer> probe_timer_;  // the link-down probe
  std::shared_ptr<bool> alive_;  // callbacks check it; false after Stop
  EnvelopeHandler on_envelope_;
  std::function<void()> on_ready_;
  std::function<void(const std::string&, const std::string&)> on_state_;
  std::function<void()> on_attempt_;
  std::function<void(const std::string&)> on_answering_;
  std::chrono::milliseconds auth_retry_delay_{std::chrono::seconds(1)};
  bool ready_ = false;
  bool stopped_ = false;
  bool probing_ = false;  // a probe timer or call is pending
};

}  // namespace leadrouter
