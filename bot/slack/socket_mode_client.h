// SocketModeClient: the I/O half of Socket Mode. Carries out what
// SocketModeSession decides (apps.connections.open through the
// WebApiClient, WebSocket connects over TLS or loopback-only plain ws://,
// closes, retry timers) and feeds it what happens on the sockets. Every
// envelope is acknowledged as soon as it is parsed; redeliveries (see
// RedeliveryFilter) are acknowledged and dropped; the rest is handed to the
// envelope handler after the ack has been queued for writing.
// Thread rule: every method runs on the loop thread; callbacks too.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "bot/runtime/clock.h"
#include "bot/slack/envelope.h"
#include "bot/slack/socket_mode_session.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter::slack {

class WebApiClient;

struct SocketModeClientOptions {
  SocketModeSession::Options session;
  // Extra trusted certificates (PEM) for wss://; empty: the system store.
  std::string ca_file;
  // We ping the server this often; any frame, ping or pong counts as life
  // for the session's silence limit.
  std::chrono::milliseconds ping_interval{std::chrono::seconds(5)};
  // A plain ws:// URL is refused unless its host is loopback; this is only
  // for an api_url that is itself loopback (the stand-in).
  bool allow_plain_ws_to_loopback = true;
};

class SocketModeClient {
 public:
  // Called with each new envelope, after its ack was queued.
  using EnvelopeHandler = std::function<void(const Envelope&)>;
  // Called on every state change (for /healthz and the log).
  using StateHandler =
      std::function<void(SessionState state, const std::string& detail)>;

  // `loop`, `api` and `clock` must outlive the client. `api` holds the
  // app-level token used for apps.connections.open.
  SocketModeClient(boost::asio::io_context& loop, WebApiClient& api,
                   const Clock& clock, SocketModeClientOptions options);
  ~SocketModeClient();
  SocketModeClient(const SocketModeClient&) = delete;
  SocketModeClient& operator=(const SocketModeClient&) = delete;

  void OnEnvelope(EnvelopeHandler handler);
  // Called with each redelivery that was acked and dropped (for the log).
  void OnDuplicate(EnvelopeHandler handler);
  void OnStateChange(StateHandler handler);
  // Called as each connection attempt begins (apps.connections.open), the
  // first one and every reconnect, a planned refresh included.
  void OnAttempt(std::function<void()> handler);

  void Start();
  // Closes every socket and cancels timers; no callback runs afterwards.
  void Stop();

  SessionState state() const;
  const std::string& detail() const;
  // Envelopes acknowledged so far, redeliveries included.
  std::size_t acks_sent() const;
  // Sockets not yet fully closed (after Stop: the ones still closing).
  std::size_t open_sockets() const;

  // The Web API answers again after failing: if the session is waiting out
  // a backoff with the link down, it tries now.
  void SlackAnswering();

  // Delivers a timer tick now, for tests that move a fake clock.
  void TEST_Tick();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace leadrouter::slack
