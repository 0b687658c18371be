#include "bot/slack/socket_mode_client.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cctype>
#include <deque>
#include <exception>
#include <map>
#include <optional>
#include <random>
#include <type_traits>
#include <variant>

#include "bot/daemon/log.h"
#include "bot/slack/endpoint_url.h"
#include "bot/slack/tls_verify.h"
#include "bot/slack/web_api_client.h"

namespace leadrouter::slack {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using ConnId = SocketModeSession::ConnId;

// TCP connect plus TLS handshake; the WebSocket upgrade has its own limit.
// The session's attempt timeout still bounds the whole attempt.
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kUpgradeTimeout = std::chrono::seconds(10);
// A close frame that gets no answer: drop the TCP connection after this.
constexpr auto kCloseGrace = std::chrono::seconds(2);

// Returns the parsed link URL, or sets `error` and returns nullopt. The
// scheme comes from the URL (Slack sends wss://, the stand-in ws://).
std::optional<EndpointUrl> ParseLinkUrl(const std::string& url, bool allow_plain,
                                        std::string& error) {
  Result<EndpointUrl> parsed = ParseEndpointUrl(url, "wss", "ws");
  if (!parsed.ok()) {
    error = "the URL " + parsed.status().message();
    return std::nullopt;
  }
  if (!parsed->tls && !(allow_plain && IsLoopbackHost(parsed->host))) {
    error = "plain ws:// is allowed only to a loopback host, not " + parsed->host;
    return std::nullopt;
  }
  return std::move(parsed).value();
}

class StdRandom final : public Random {
 public:
  double Uniform() override { return dist_(engine_); }

 private:
  std::mt19937_64 engine_{std::random_device{}()};
  std::uniform_real_distribution<double> dist_{0.0, 1.0};
};

// What a socket tells its owner. Implemented by SocketModeClient::Impl;
// sockets hold it weakly, so a socket that outlives the client says nothing.
class LinkEvents {
 public:
  virtual ~LinkEvents() = default;
  virtual void LinkOpened(ConnId conn) = 0;
  virtual void LinkText(ConnId conn, const std::string& text) = 0;
  virtual void LinkActivity(ConnId conn) = 0;
  virtual void LinkClosed(ConnId conn, const std::string& why) = 0;
};

class Link {
 public:
  virtual ~Link() = default;
  // Queues a text frame; dropped once a close is queued.
  virtual void SendText(std::string text) = 0;
  virtual void Ping() = 0;
  // Sends a close frame after what is queued, then waits kCloseGrace for
  // the server's answer. Before the upgrade it drops the connection.
  virtual void Close() = 0;
  // Drops the TCP connection now.
  virtual void Abort() = 0;
};

// One WebSocket, plain (Ws = websocket::stream<tcp_stream>) or TLS.
// Lives while its coroutine or a pending operation holds a shared_ptr.
template <typename Ws>
class LinkImpl final : public Link,
                       public std::enable_shared_from_this<LinkImpl<Ws>> {
 public:
  template <typename... StreamArgs>
  LinkImpl(asio::io_context& loop, ConnId id, EndpointUrl url,
           std::weak_ptr<LinkEvents> events, std::shared_ptr<ssl::context> tls,
           StreamArgs&&... stream_args)
      : loop_(loop),
        id_(id),
        url_(std::move(url)),
        events_(std::move(events)),
        tls_(std::move(tls)),
        ws_(loop, std::forward<StreamArgs>(stream_args)...),
        close_timer_(loop) {}

  void Run() {
    asio::co_spawn(loop_, Main(this->shared_from_this()), asio::detached);
  }

  void SendText(std::string text) override {
    Enqueue(Out{Out::kText, std::move(text)});
  }

  void Ping() override {
    if (!open_ || ping_queued_) return;
    ping_queued_ = true;
    Enqueue(Out{Out::kPing, {}});
  }

  void Close() override {
    if (finished_ || close_queued_) return;
    close_queued_ = true;
    if (!open_) {
      Abort();
      return;
    }
    Enqueue(Out{Out::kClose, {}});
    close_timer_.expires_after(kCloseGrace);
    close_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec) self->Abort();
    });
  }

  void Abort() override {
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  struct Out {
    enum Kind { kText, kPing, kClose } kind;
    std::string text;
  };

  void Enqueue(Out out) {
    if (finished_ || sent_close_) return;
    if (out.kind == Out::kText && close_queued_ && queue_has_close_) return;
    if (out.kind == Out::kClose) queue_has_close_ = true;
    queue_.push_back(std::move(out));
    WriteNext();
  }

  // One write (text, ping or close) at a time, in queue order.
  void WriteNext() {
    if (writing_ || !open_ || finished_ || queue_.empty()) return;
    writing_ = true;
    auto done = [self = this->shared_from_this()](error_code ec,
                                                  std::size_t = 0) {
      self->writing_ = false;
      if (self->finished_) {
        self->queue_.clear();  // no write holds a buffer of it any more
        return;
      }
      if (self->queue_.front().kind == Out::kPing) self->ping_queued_ = false;
      if (self->queue_.front().kind == Out::kClose) self->sent_close_ = true;
      self->queue_.pop_front();
      if (ec) {
        // The read loop sees the same failure and reports the close.
        self->queue_.clear();
        self->Abort();
        return;
      }
      if (self->sent_close_) {
        self->queue_.clear();
        return;
      }
      self->WriteNext();
    };
    Out& front = queue_.front();
    switch (front.kind) {
      case Out::kText:
        ws_.text(true);
        ws_.async_write(asio::buffer(front.text), std::move(done));
        break;
      case Out::kPing:
        ws_.async_ping({}, [done](error_code ec) mutable { done(ec); });
        break;
      case Out::kClose:
        ws_.async_close(websocket::close_code::normal,
                        [done](error_code ec) mutable { done(ec); });
        break;
    }
  }

  asio::awaitable<void> Main(std::shared_ptr<LinkImpl> self) {
    (void)self;  // keeps the link alive while the coroutine runs
    std::string why;
    try {
      why = co_await Open();
      if (why.empty()) why = co_await ReadLoop();
    } catch (const std::exception& e) {
      // Nothing may escape onto the loop.
      why = std::string("socket error: ") + e.what();
    }
    Finish(why);
  }

  // Resolves, connects, verifies TLS and upgrades; returns what went wrong,
  // or "" once the WebSocket is open.
  asio::awaitable<std::string> Open() {
    tcp::resolver resolver(loop_);
    error_code ec;
    auto endpoints = co_await resolver.async_resolve(
        url_.host, url_.port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return "resolve " + url_.host + ": " + ec.message();
    if (close_queued_) co_return "closed while connecting";
    beast::tcp_stream& tcp_layer = beast::get_lowest_layer(ws_);
    tcp_layer.expires_after(kConnectTimeout);
    co_await tcp_layer.async_connect(
        endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return "connect " + url_.authority + ": " + ec.message();
    if constexpr (!std::is_same_v<typename Ws::next_layer_type,
                                  beast::tcp_stream>) {
      std::string error = co_await Handshake(ws_.next_layer());
      if (!error.empty()) co_return error;
    }
    tcp_layer.expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = kUpgradeTimeout;
    // The session owns liveness (our pings, its silence limit).
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.set_option(
        websocket::stream_base::decorator([](websocket::request_type& r) {
          r.set(beast::http::field::user_agent, "leadrouter");
        }));
    ws_.control_callback(
        [weak = std::weak_ptr<LinkImpl>(this->shared_from_this())](
            websocket::frame_type kind, beast::string_view) {
          auto link = weak.lock();
          if (!link || kind == websocket::frame_type::close) return;
          if (auto events = link->events_.lock())
            events->LinkActivity(link->id_);
        });
    co_await ws_.async_handshake(url_.authority, url_.target,
                                 asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return "websocket upgrade at " + url_.authority + ": " + ec.message();
    if (close_queued_) co_return "closed while connecting";
    open_ = true;
    if (auto events = events_.lock()) events->LinkOpened(id_);
    WriteNext();
    co_return std::string();
  }

  // TLS with the same checks as the Web API client (tls_verify.h).
  template <typename Tls>
  asio::awaitable<std::string> Handshake(Tls& tls) {
    if (std::string error =
            RequireServerIdentity(tls.native_handle(), url_.host);
        !error.empty()) {
      co_return error;
    }
    error_code ec;
    co_await tls.async_handshake(ssl::stream_base::client,
                                 asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return "tls handshake with " + url_.host + ": " + ec.message();
    co_return std::string();
  }

  asio::awaitable<std::string> ReadLoop() {
    beast::flat_buffer buffer;
    for (;;) {
      error_code ec;
      co_await ws_.async_read(buffer,
                              asio::redirect_error(asio::use_awaitable, ec));
      if (ec == websocket::error::closed) {
        co_return "closed by the server (" +
            std::to_string(static_cast<int>(ws_.reason().code)) + ")";
      }
      if (ec) co_return ec.message();
      auto events = events_.lock();
      if (!events) co_return "client gone";
      if (ws_.got_text()) {
        events->LinkText(id_, beast::buffers_to_string(buffer.data()));
      } else {
        events->LinkActivity(
            id_);  // binary frames are ignored, as Slack's SDKs do
      }
      buffer.consume(buffer.size());
    }
  }

  void Finish(const std::string& why) {
    if (finished_) return;
    finished_ = true;
    close_timer_.cancel();
    // queue_ stays: a write still in flight may be reading its front.
    Abort();
    if (auto events = events_.lock()) events->LinkClosed(id_, why);
  }

  asio::io_context& loop_;
  const ConnId id_;
  const EndpointUrl url_;
  std::weak_ptr<LinkEvents> events_;
  std::shared_ptr<ssl::context> tls_;  // outlives the stream that uses it
  Ws ws_;
  asio::steady_timer close_timer_;
  std::deque<Out> queue_;
  bool open_ = false;
  bool writing_ = false;
  bool ping_queued_ = false;
  bool close_queued_ = false;
  bool queue_has_close_ = false;
  bool sent_close_ = false;
  bool finished_ = false;
};

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace

struct SocketModeClient::Impl : LinkEvents, std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& loop_in, WebApiClient& api_in, const Clock& clock_in,
       SocketModeClientOptions options_in)
      : loop(loop_in),
        api(api_in),
        clock(clock_in),
        options(std::move(options_in)),
        session(options.session, random),
        tick_timer(loop_in),
        ping_timer(loop_in),
        tls(std::make_shared<ssl::context>(ssl::context::tls_client)) {
    const ClientTrust trust = SetUpClientTrust(tls->native_handle(), options.ca_file);
    if (!trust.store_warning.empty()) {
      logging::Warn("slack.socket.trust_store", {{"error", trust.store_warning}});
    }
    if (!trust.ca_file_error.empty()) {
      // Every wss:// connect then fails verification and says so.
      logging::Error("slack.socket.ca_file", {{"error", trust.ca_file_error}});
    }
  }

  void Dispatch(const SocketModeSession::Event& event) {
    if (stopped) return;
    std::vector<SocketModeSession::Action> actions;
    try {
      actions = session.Handle(event, clock.Now());
    } catch (const std::exception& e) {
      logging::Error("slack.socket.session_threw", {{"error", e.what()}});
      return;
    }
    for (const auto& action : actions) {
      if (stopped) break;
      std::visit([this](const auto& a) { Carry(a); }, action);
    }
    ArmTickTimer();
  }

  void Carry(const SocketModeSession::OpenUrl&) {
    if (on_attempt) {
      try {
        on_attempt();
      } catch (const std::exception& e) {
        logging::Error("slack.socket.attempt_handler_threw", {{"error", e.what()}});
      }
    }
    // The id is known only once the call is queued; the answer comes on
    // a later turn of the loop, so it is always set by then.
    auto id = std::make_shared<CallId>(0);
    *id = api.ConnectionsOpen([weak = weak_from_this(), id](ApiResult result) {
      auto self = weak.lock();
      if (!self || self->stopped) return;
      const bool current = *id == self->open_call;
      if (current) self->open_call = 0;
      if (result.ok && result.body.is_object() && result.body.contains("url") &&
          result.body["url"].is_string()) {
        // A URL is used whichever attempt asked for it (the session knows
        // whether the link still needs one).
        self->Dispatch(SocketModeSession::UrlOpened{
            result.body["url"].get<std::string>()});
      } else if (current) {
        self->Dispatch(SocketModeSession::OpenFailed{
            result.ok ? std::string("apps.connections.open returned no url")
                      : result.error});
      }
    });
    open_call = *id;
  }

  void Carry(const SocketModeSession::CancelOpenUrl&) {
    if (open_call == 0) return;
    if (api.Cancel(open_call)) {
      logging::Debug("slack.socket.open_cancelled", {});
    }
    open_call = 0;
  }

  void Carry(const SocketModeSession::Connect& a) {
    std::string error;
    std::optional<EndpointUrl> url =
        ParseLinkUrl(a.url, options.allow_plain_ws_to_loopback, error);
    if (!url) {
      // The ticket in the URL is a credential of sorts: log the reason only.
      logging::Warn("slack.socket.bad_url",
                    {{"conn", a.conn}, {"error", error}});
      asio::post(loop, [weak = weak_from_this(), conn = a.conn] {
        if (auto self = weak.lock())
          self->Dispatch(SocketModeSession::Closed{conn});
      });
      return;
    }
    logging::Debug("slack.socket.connecting",
                   {{"conn", a.conn}, {"host", url->host}, {"tls", url->tls}});
    std::weak_ptr<LinkEvents> events = weak_from_this();
    if (url->tls) {
      auto link = std::make_shared<LinkImpl<TlsWs>>(loop, a.conn, *url, events,
                                                    tls, *tls);
      links[a.conn] = link;
      link->Run();
    } else {
      auto link =
          std::make_shared<LinkImpl<PlainWs>>(loop, a.conn, *url, events, tls);
      links[a.conn] = link;
      link->Run();
    }
  }

  void Carry(const SocketModeSession::Close& a) {
    const auto it = links.find(a.conn);
    if (it == links.end()) return;
    logging::Debug("slack.socket.closing", {{"conn", a.conn}, {"why", a.why}});
    it->second->Close();
  }

  void Carry(const SocketModeSession::ScheduleRetryAt&) {
    // ArmTickTimer follows every batch of actions and covers this.
  }

  void Carry(const SocketModeSession::Fatal&) {
    // The StateChanged before it carries the message to the owner.
  }

  void Carry(const SocketModeSession::StateChanged& a) {
    if (!on_state) return;
    try {
      on_state(a.state, a.detail);
    } catch (const std::exception& e) {
      logging::Error("slack.socket.state_handler_threw", {{"error", e.what()}});
    }
  }

  void ArmTickTimer() {
    const auto next = session.NextTickAt();
    if (!next) {
      tick_timer.cancel();
      return;
    }
    const auto wait =
        std::max(*next - clock.Now(), SystemTime::duration::zero());
    tick_timer.expires_after(wait);
    tick_timer.async_wait([weak = weak_from_this()](error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->Dispatch(SocketModeSession::Tick{});
    });
  }

  void ArmPingTimer() {
    ping_timer.expires_after(options.ping_interval);
    ping_timer.async_wait([weak = weak_from_this()](error_code ec) {
      if (ec) return;
      auto self = weak.lock();
      if (!self || self->stopped) return;
      for (auto& entry : self->links) entry.second->Ping();
      self->ArmPingTimer();
    });
  }

  // ---- LinkEvents ----
  void LinkOpened(ConnId conn) override {
    Dispatch(SocketModeSession::Connected{conn});
  }

  void LinkActivity(ConnId conn) override {
    Dispatch(SocketModeSession::PongOrFrame{conn});
  }

  void LinkClosed(ConnId conn, const std::string& why) override {
    links.erase(conn);
    if (stopped) return;
    logging::Debug("slack.socket.closed", {{"conn", conn}, {"why", why}});
    Dispatch(SocketModeSession::Closed{conn});
  }

  void LinkText(ConnId conn, const std::string& text) override {
    if (stopped) return;
    Dispatch(SocketModeSession::PongOrFrame{conn});
    const Frame frame = ParseFrame(text);
    if (const auto* hello = std::get_if<Hello>(&frame)) {
      logging::Debug(
          "slack.socket.hello",
          {{"conn", conn}, {"num_connections", hello->num_connections}});
      Dispatch(SocketModeSession::Hello{conn});
    } else if (const auto* disconnect = std::get_if<Disconnect>(&frame)) {
      logging::Info("slack.socket.disconnect",
                    {{"conn", conn}, {"reason", disconnect->reason}});
      Dispatch(SocketModeSession::Disconnect{conn, disconnect->reason});
    } else if (const auto* envelope = std::get_if<Envelope>(&frame)) {
      OnEnvelopeFrame(conn, *envelope);
    } else if (const auto* unknown = std::get_if<Unknown>(&frame)) {
      // Acked all the same, so Slack does not send it again.
      if (!unknown->envelope_id.empty()) Ack(conn, unknown->envelope_id);
      logging::Debug("slack.socket.unknown_frame", {{"type", unknown->type}});
    } else if (const auto* bad = std::get_if<ParseError>(&frame)) {
      logging::Warn("slack.socket.bad_frame",
                    {{"conn", conn}, {"error", bad->message}});
    }
  }

  void OnEnvelopeFrame(ConnId conn, const Envelope& envelope) {
    // The ack goes first: Slack's 3 s deadline must not depend on how long
    // the handler takes.
    Ack(conn, envelope.envelope_id);
    const bool duplicate = filter.Check(envelope, clock.Now()) ==
                           RedeliveryFilter::Verdict::kDuplicate;
    const EnvelopeHandler& handler = duplicate ? on_duplicate : on_envelope;
    if (!handler) return;
    try {
      handler(envelope);
    } catch (const std::exception& e) {
      logging::Error(
          "slack.socket.envelope_handler_threw",
          {{"envelope_id", envelope.envelope_id}, {"error", e.what()}});
    }
  }

  void Ack(ConnId conn, const std::string& envelope_id) {
    const auto it = links.find(conn);
    if (it == links.end()) return;
    it->second->SendText(BuildAck(envelope_id));
    ++acks_sent;
  }

  void Start() {
    if (stopped) return;
    ArmPingTimer();
    Dispatch(SocketModeSession::Start{});
  }

  void Stop() {
    if (stopped) return;
    stopped = true;
    tick_timer.cancel();
    ping_timer.cancel();
    // The session forgets its connections; close them all gracefully.
    (void)session.Handle(SocketModeSession::Stop{}, clock.Now());
    for (auto& entry : links) entry.second->Close();
  }

  void AbortAll() {
    for (auto& entry : links) entry.second->Abort();
    links.clear();
  }

  asio::io_context& loop;
  WebApiClient& api;   // not owned
  const Clock& clock;  // not owned
  const SocketModeClientOptions options;
  StdRandom random;
  SocketModeSession session;
  RedeliveryFilter filter;
  asio::steady_timer tick_timer;
  asio::steady_timer ping_timer;
  std::shared_ptr<ssl::context> tls;
  std::map<ConnId, std::shared_ptr<Link>> links;
  EnvelopeHandler on_envelope;
  EnvelopeHandler on_duplicate;
  StateHandler on_state;
  std::function<void()> on_attempt;
  CallId open_call = 0;  // the apps.connections.open of the current attempt
  std::size_t acks_sent = 0;
  bool stopped = false;
};

SocketModeClient::SocketModeClient(boost::asio::io_context& loop,
                                   WebApiClient& api, const Clock& clock,
                                   SocketModeClientOptions options)
    : impl_(std::make_shared<Impl>(loop, api, clock, std::move(options))) {}

SocketModeClient::~SocketModeClient() {
  impl_->Stop();
  impl_->AbortAll();
}

void SocketModeClient::OnEnvelope(EnvelopeHandler handler) {
  impl_->on_envelope = std::move(handler);
}

void SocketModeClient::OnAttempt(std::function<void()> handler) {
  impl_->on_attempt = std::move(handler);
}

void SocketModeClient::OnDuplicate(EnvelopeHandler handler) {
  impl_->on_duplicate = std::move(handler);
}

void SocketModeClient::OnStateChange(StateHandler handler) {
  impl_->on_state = std::move(handler);
}

void SocketModeClient::Start() { impl_->Start(); }

void SocketModeClient::Stop() { impl_->Stop(); }

SessionState SocketModeClient::state() const { return impl_->session.state(); }

const std::string& SocketModeClient::detail() const {
  return impl_->session.detail();
}

std::size_t SocketModeClient::acks_sent() const { return impl_->acks_sent; }

std::size_t SocketModeClient::open_sockets() const {
  return impl_->links.size();
}

void SocketModeClient::SlackAnswering() {
  impl_->Dispatch(SocketModeSession::SlackAnswering{});
}

void SocketModeClient::TEST_Tick() {
  impl_->Dispatch(SocketModeSession::Tick{});
}

}  // namespace leadrouter::slack
