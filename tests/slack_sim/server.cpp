#include "server.h"

#include <cstdint>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <iostream>

#include "sim_util.h"

namespace slack_sim {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using net::ip::tcp;
using nlohmann::json;

namespace {

constexpr const char* kServerPing = "Ping from applink-sim-1";

// One upgraded Socket Mode connection. Lives while its read loop (or, once
// silent, its drain loop) holds a shared_ptr to it.
class WsConnection : public SocketLink,
                     public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(tcp::socket socket, EnvelopeHub& hub, const Options& options)
      : ws_(std::move(socket)),
        hub_(hub),
        options_(options),
        ping_timer_(ws_.get_executor()) {}

  void Start(http::request<http::string_body> request) {
    net::co_spawn(ws_.get_executor(),
                  Run(shared_from_this(), std::move(request)), net::detached);
  }

  void SendText(std::string text) override {
    if (silent_ || closed_) return;
    queue_.push_back(std::move(text));
    if (!writing_) WriteNext();
  }

  void GoSilent() override {
    if (silent_ || closed_) return;
    silent_ = true;
    ping_timer_.cancel();
    // The queue is left alone: an aborted write may still name its front.
    beast::get_lowest_layer(ws_)
        .cancel();  // aborts the read, so no more automatic pongs
    net::co_spawn(ws_.get_executor(), Drain(shared_from_this()), net::detached);
  }

  void Close() override {
    if (closed_ || silent_ || closing_) return;
    closing_ = true;
    ws_.async_close(websocket::close_code::normal,
                    [self = shared_from_this()](beast::error_code) {});
  }

  json StatsJson() const override {
    return json{{"pings_sent", pings_sent_},
                {"client_pings", client_pings_},
                {"client_pongs", client_pongs_},
                {"last_client_ping_us", last_client_ping_us_},
                {"frames_received", frames_received_},
                {"bytes_dropped", bytes_dropped_}};
  }

 private:
  // `self` keeps the connection alive: the coroutine starts later, after
  // Start()'s caller may have dropped its pointer.
  net::awaitable<void> Run(std::shared_ptr<WsConnection> self,
                           http::request<http::string_body> request) {
    try {
      websocket::stream_base::timeout timeouts{};
      timeouts.handshake_timeout = std::chrono::seconds(30);
      timeouts.idle_timeout = websocket::stream_base::none();
      timeouts.keep_alive_pings = false;
      ws_.set_option(timeouts);
      ws_.control_callback(
          [this](websocket::frame_type kind, beast::string_view) {
            if (kind == websocket::frame_type::ping) {
              ++client_pings_;
              last_client_ping_us_ = NowMicros();
            } else if (kind == websocket::frame_type::pong) {
              ++client_pongs_;
            }
          });
      co_await ws_.async_accept(request, net::use_awaitable);
    } catch (const std::exception&) {
      co_return;
    }
    id_ = hub_.Attach(this);
    attached_ = true;
    net::co_spawn(ws_.get_executor(), PingLoop(self), net::detached);
    try {
      for (;;) {
        beast::flat_buffer buffer;
        co_await ws_.async_read(buffer, net::use_awaitable);
        ++frames_received_;
        if (ws_.got_text() && !silent_)
          hub_.OnText(id_, beast::buffers_to_string(buffer.data()));
      }
    } catch (const std::exception&) {
    }
    if (silent_) co_return;  // the drain loop owns the rest of the life
    Finish();
  }

  net::awaitable<void> PingLoop(std::shared_ptr<WsConnection> self) {
    (void)self;  // keeps the connection alive while the loop runs
    while (!silent_ && !closed_) {
      ping_timer_.expires_after(options_.ping_interval);
      beast::error_code ec;
      co_await ping_timer_.async_wait(
          net::redirect_error(net::use_awaitable, ec));
      if (ec || silent_ || closed_) co_return;
      try {
        co_await ws_.async_ping(websocket::ping_data(kServerPing),
                                net::use_awaitable);
        ++pings_sent_;
      } catch (const std::exception&) {
        co_return;
      }
    }
  }

  net::awaitable<void> Drain(std::shared_ptr<WsConnection> self) {
    (void)self;  // keeps the connection alive while draining
    auto& socket = beast::get_lowest_layer(ws_).socket();
    char sink[4096];
    beast::error_code ec;
    // Reads and drops whatever the client sends until it hangs up.
    for (;;) {
      const std::size_t n = co_await socket.async_read_some(
          net::buffer(sink), net::redirect_error(net::use_awaitable, ec));
      bytes_dropped_ += static_cast<int64_t>(n);
      if (ec && ec != net::error::operation_aborted) break;
    }
    Finish();
  }

  void WriteNext() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(
        net::buffer(queue_.front()),
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (!self->queue_.empty()) self->queue_.pop_front();
          if (ec || self->queue_.empty()) {
            self->writing_ = false;
            return;
          }
          self->WriteNext();
        });
  }

  void Finish() {
    if (closed_) return;
    closed_ = true;
    ping_timer_.cancel();
    if (attached_) hub_.Detach(id_);
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  websocket::stream<beast::tcp_stream> ws_;
  EnvelopeHub& hub_;
  const Options& options_;
  net::steady_timer ping_timer_;
  std::deque<std::string> queue_;
  int id_ = 0;
  bool attached_ = false;
  bool writing_ = false;
  bool silent_ = false;
  bool closing_ = false;
  bool closed_ = false;
  int pings_sent_ = 0;
  int client_pings_ = 0;
  int client_pongs_ = 0;
  int64_t last_client_ping_us_ = 0;
  int frames_received_ = 0;
  int64_t bytes_dropped_ = 0;  // read and ignored while silent
};

HttpRequest ToRequest(const http::request<http::string_body>& in) {
  HttpRequest out;
  out.method = std::string(in.method_string());
  std::string target(in.target());
  auto q = target.find('?');
  out.path = target.substr(0, q);
  if (q != std::string::npos) out.query = target.substr(q + 1);
  out.content_type = std::string(in[http::field::content_type]);
  out.authorization = std::string(in[http::field::authorization]);
  out.body = in.body();
  return out;
}

}  // namespace

struct Server::Impl {
  Impl(net::io_context& io_context, const Options& opts,
       EnvelopeHub& envelope_hub)
      : io(io_context),
        options(opts),
        hub(envelope_hub),
        acceptor(io_context,
                 tcp::endpoint(net::ip::make_address("127.0.0.1"), opts.port)) {
  }

  net::awaitable<void> Accept() {
    for (;;) {
      tcp::socket socket = co_await acceptor.async_accept(net::use_awaitable);
      net::co_spawn(io, Session(std::move(socket)), net::detached);
    }
  }

  net::awaitable<void> Session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    try {
      for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(8 * 1024 * 1024);
        co_await http::async_read(stream, buffer, parser, net::use_awaitable);
        http::request<http::string_body> request = parser.release();
        if (websocket::is_upgrade(request)) {
          HttpRequest plain = ToRequest(request);
          std::string ticket = ParseForm(plain.query)["ticket"];
          if (hub.outage()) {
            HttpReply down;
            down.status = 503;
            down.content_type = "text/plain";
            down.body = "simulated outage\n";
            co_await Write(stream, request, down, false);
            co_return;
          }
          if (plain.path.rfind("/link", 0) == 0 && hub.RedeemTicket(ticket)) {
            auto conn = std::make_shared<WsConnection>(stream.release_socket(),
                                                       hub, options);
            conn->Start(std::move(request));
            co_return;
          }
          HttpReply denied =
              JsonReply(json{{"ok", false}, {"error", "invalid_ticket"}}, 401);
          co_await Write(stream, request, denied, false);
          co_return;
        }
        HttpReply reply = router(ToRequest(request));
        if (reply.delay.count() > 0) {
          net::steady_timer timer(io, reply.delay);
          co_await timer.async_wait(net::use_awaitable);
        }
        if (reply.redo) {
          HttpRequest again = ToRequest(request);
          again.redo = true;
          reply = router(again);
        }
        if (reply.drop) break;  // the work is done; the answer never comes
        bool keep_alive = request.keep_alive();
        co_await Write(stream, request, reply, keep_alive);
        if (!keep_alive) break;
      }
    } catch (const std::exception&) {
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  net::awaitable<void> Write(beast::tcp_stream& stream,
                             const http::request<http::string_body>& request,
                             const HttpReply& reply, bool keep_alive) {
    http::response<http::string_body> response{
        static_cast<http::status>(reply.status), request.version()};
    response.set(http::field::server, "slack-sim");
    response.set(http::field::content_type, reply.content_type);
    for (const auto& [name, value] : reply.headers) response.set(name, value);
    response.keep_alive(keep_alive);
    response.body() = reply.body;
    response.prepare_payload();
    co_await http::async_write(stream, response, net::use_awaitable);
  }

  net::io_context& io;
  const Options& options;
  EnvelopeHub& hub;
  tcp::acceptor acceptor;
  Router router;
};

Server::Server(net::io_context& io, const Options& options, EnvelopeHub& hub)
    : impl_(std::make_unique<Impl>(io, options, hub)) {}

Server::~Server() = default;

uint16_t Server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void Server::Start(Router router) {
  impl_->router = std::move(router);
  net::co_spawn(impl_->io, impl_->Accept(), net::detached);
}

}  // namespace slack_sim
