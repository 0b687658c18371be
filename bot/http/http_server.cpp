#include "bot/http/http_server.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include <cerrno>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <set>

#include "bot/http/listen_address.h"
#include "bot/runtime/stage_trace.h"

namespace leadrouter {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

bool CaseInsensitiveLess::operator()(const std::string& a,
                                     const std::string& b) const {
  return strcasecmp(a.c_str(), b.c_str()) < 0;
}

std::string HttpRequest::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse HttpResponse::Json(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

HttpResponse HttpResponse::Error(int status, std::string message,
                                 std::string field) {
  nlohmann::json body = {{"error", std::move(message)}};
  if (!field.empty()) body["field"] = std::move(field);
  return Json(status, body);
}

namespace {

class Session;

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& l, HttpServerOptions o)
      : loop(l), options(std::move(o)), acceptor(l), accept_pause(l) {}

  void Accept();
  // Accepts what else is already waiting, up to a batch, without going back
  // to the reactor. False when accepting must not be re-armed now (paused
  // for a descriptor shortage, or stopped).
  bool TakeBacklog();
  // Takes a freshly accepted connection in, making room by closing the
  // oldest idle one when at the cap, or refuses it with a plain 503.
  void Admit(tcp::socket socket);
  // Out of descriptors: says so once, frees some by closing the oldest idle
  // connections, and accepts again only after options.accept_pause.
  void OnDescriptorShortage(const beast::error_code& ec);
  void AcceptAfterPause();
  // Closes the connection that has waited longest for a request; false
  // when no connection is idle.
  bool CloseOldestIdle();
  void Dispatch(const HttpRequest& request, Responder respond);

  asio::io_context& loop;
  HttpServerOptions options;
  tcp::acceptor acceptor;
  asio::steady_timer accept_pause;
  std::map<std::string, std::map<std::string, Handler>>
      routes;  // path -> method
  std::map<std::string, size_t> body_limits;  // path -> its own limit
  std::set<std::shared_ptr<Session>> sessions;
  // Connections waiting for the first byte of a request (new or kept
  // alive), oldest first. Members of `sessions`; a Session removes itself.
  std::map<uint64_t, Session*> idle;
  uint64_t idle_serial = 0;
  bool short_of_descriptors = false;  // logged once per episode
  bool at_capacity = false;           // logged once per episode
  bool stopped = false;
};

namespace {

// How long, and how much, a closing connection's leftover input is read and
// discarded so the client sees our last answer instead of a reset.
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kLingerBytes = 1024 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServer::Impl> server)
      : stream_(std::move(socket)),
        deadline_(stream_.get_executor()),
        server_(std::move(server)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ip_ = ep.address().to_string();
  }

  void Start() { WaitForRequest(server_->options.header_timeout); }

  void Close() {
    if (closed_) return;
    closed_ = true;
    LeaveIdle();
    deadline_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
    server_->sessions.erase(shared_from_this());
  }

 private:
  // Read deadlines use our own timer rather than tcp_stream's expiry,
  // because tcp_stream closes the socket on expiry and we still want to
  // send a 408. Expiry cancels the read; `timed_out_` tells Fail() why.
  void Arm(std::chrono::milliseconds timeout) {
    stream_.expires_never();
    uint64_t generation = ++deadline_generation_;
    deadline_.expires_after(timeout);
    auto self = shared_from_this();
    deadline_.async_wait([self, generation](beast::error_code ec) {
      if (ec || self->closed_ || generation != self->deadline_generation_)
        return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  void Disarm() {
    ++deadline_generation_;
    deadline_.cancel();
  }

  // Waits up to `timeout` for the first byte of the next request, so an idle
  // keep-alive connection and a slow request head are timed separately.
  void WaitForRequest(std::chrono::milliseconds timeout) {
    if (buffer_.size() > 0) return ReadHeader();
    Arm(timeout);
    EnterIdle();
    auto self = shared_from_this();
    stream_.async_read_some(buffer_.prepare(4096),
                            [self](beast::error_code ec, size_t n) {
                              self->LeaveIdle();
                              self->buffer_.commit(n);
                              if (ec) return self->Close();
                              self->ReadHeader();
                            });
  }

  // Idle connections are the ones the server may close to make room: no
  // request of theirs is lost, and a keep-alive client expects it.
  void EnterIdle() {
    idle_key_ = ++server_->idle_serial;
    server_->idle.emplace(idle_key_, this);
  }

  void LeaveIdle() {
    if (idle_key_ == 0) return;
    server_->idle.erase(idle_key_);
    idle_key_ = 0;
  }

  void ReadHeader() {
    parser_.emplace();
    body_limit_ = server_->options.body_limit;
    parser_->body_limit(body_limit_);
    parser_->header_limit(static_cast<uint32_t>(server_->options.header_limit));
    Arm(server_->options.header_timeout);
    auto self = shared_from_this();
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return Fail(ec);
    std::string_view target = parser_->get().target();
    auto own = server_->body_limits.find(std::string(target.substr(0, target.find('?'))));
    if (own != server_->body_limits.end()) {
      body_limit_ = own->second;
      parser_->body_limit(body_limit_);
    }
    auto length = parser_->content_length();
    if (length && *length > body_limit_) return TooLarge();
    Arm(server_->options.body_timeout);
    auto self = shared_from_this();
    http::async_read(stream_, buffer_, *parser_,
                     [self](beast::error_code e, size_t) { self->OnBody(e); });
  }

  void Fail(beast::error_code ec) {
    if (timed_out_) {
      return Reply(HttpResponse::Error(408, "request timed out"),
                   /*keep_alive=*/false);
    }
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec == http::error::body_limit) return TooLarge();
    return Reply(
        HttpResponse::Error(400, "malformed HTTP request: " + ec.message()),
        /*keep_alive=*/false);
  }

  void TooLarge() {
    Reply(HttpResponse::Error(413,
                              "body exceeds " +
                                  std::to_string(body_limit_) +
                                  " bytes",
                              "body"),
          /*keep_alive=*/false);
  }

  void OnBody(beast::error_code ec) {
    if (ec) return Fail(ec);
    Disarm();
    const int64_t read_at_ns =
        stage_trace::Enabled() ? stage_trace::SteadyNowNs() : 0;
    auto& msg = parser_->get();
    HttpRequest request;
    request.read_at_ns = read_at_ns;
    request.method = std::string(msg.method_string());
    request.target = std::string(msg.target());
    request.path = request.target.substr(0, request.target.find('?'));
    for (const auto& field : msg) {
      std::string name(field.name_string());
      auto [it, inserted] =
          request.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    request.body = std::move(msg.body());  // the parser is made anew per request
    request.remote_ip = remote_ip_;
    bool keep_alive = msg.keep_alive();
    // Answering in the client's version makes Beast spell out
    // "Connection: keep-alive" for an HTTP/1.0 client that asked for it.
    version_ = msg.version();
    auto self = shared_from_this();
    auto answered = std::make_shared<bool>(false);
    Responder respond = [self, keep_alive, answered](HttpResponse response) {
      if (*answered) return;
      *answered = true;
      self->Reply(std::move(response), keep_alive);
    };
    try {
      server_->Dispatch(request, respond);
    } catch (const std::exception& e) {
      spdlog::error("http handler for {} {} threw: {}", request.method,
                    request.path, e.what());
      respond(HttpResponse::Error(500, "internal error"));
    }
  }

  void Reply(HttpResponse response, bool keep_alive) {
    if (closed_) return;
    // A Responder may run from a handler's own completion (a timer, a post
    // from the storage thread); nothing may escape from here onto the loop.
    const int status = response.status;
    try {
      Write(std::move(response), keep_alive);
    } catch (const std::exception& e) {
      spdlog::error("http: cannot send a {} response: {}", status, e.what());
      Close();
    }
  }

  void Write(HttpResponse response, bool keep_alive) {
    Disarm();
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(response.status));
    res->set(http::field::server, "leadrouter");
    res->set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) res->set(name, value);
    res->body() = std::move(response.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    // A reply we cannot finish in time is abandoned.
    stream_.expires_after(server_->options.body_timeout);
    auto self = shared_from_this();
    http::async_write(
        stream_, *res, [self, res, keep_alive](beast::error_code ec, size_t) {
          if (ec) return self->Close();
          if (!keep_alive) return self->Linger();
          self->WaitForRequest(self->server_->options.idle_timeout);
        });
  }

  // Closing a socket that still has unread input sends a reset, and the
  // client can lose the answer we just wrote (a 413 while it is still
  // uploading). So: send FIN, discard input for a short while, then close.
  void Linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    stream_.expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    buffer_.consume(buffer_.size());
    auto self = shared_from_this();
    stream_.async_read_some(buffer_.prepare(4096),
                            [self](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kLingerBytes)
                                return self->Close();
                              self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  asio::steady_timer deadline_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpServer::Impl> server_;
  std::string remote_ip_;
  uint64_t deadline_generation_ = 0;
  bool timed_out_ = false;
  size_t body_limit_ = 0;  // of the request being read
  unsigned version_ = 11;
  size_t drained_ = 0;
  uint64_t idle_key_ = 0;  // key in server_->idle; 0 while not idle
  bool closed_ = false;
};

// Refuses a connection without giving it a session: one write of a fixed
// answer on a fresh socket (its send buffer is empty, so it goes at once),
// then close. No read, no timer, no descriptor kept.
void RefuseBusy(tcp::socket& socket) {
  static const std::string kAnswer = [] {
    const std::string body =
        R"({"error":"too many open connections, try again shortly"})";
    return "HTTP/1.1 503 Service Unavailable\r\n"
           "Server: leadrouter\r\n"
           "Content-Type: application/json\r\n"
           "Retry-After: 1\r\n"
           "Connection: close\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(kAnswer), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

bool IsDescriptorShortage(const beast::error_code& ec) {
  return ec == asio::error::no_descriptors ||
         ec == beast::error_code(ENFILE, boost::system::system_category());
}

}  // namespace

void HttpServer::Impl::Accept() {
  auto self = shared_from_this();
  acceptor.async_accept([self](beast::error_code ec, tcp::socket socket) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (IsDescriptorShortage(ec)) return self->OnDescriptorShortage(ec);
    if (!ec) {
      if (self->short_of_descriptors) {
        self->short_of_descriptors = false;
        spdlog::info("http: accepting connections again, {} open",
                     self->sessions.size());
      }
      self->Admit(std::move(socket));
      if (!self->TakeBacklog()) return;
    } else if (ec != asio::error::connection_aborted) {
      // An error that may persist (no buffers, no memory): retrying at once
      // would spin, so wait like for a descriptor shortage.
      spdlog::warn("http: accept failed: {}", ec.message());
      return self->AcceptAfterPause();
    }
    self->Accept();
  });
}

bool HttpServer::Impl::TakeBacklog() {
  // A flood fills the listen queue; taking it one reactor round trip per
  // connection makes the connection behind it (a real lead) wait for every
  // scheduling turn of the loop thread on a busy machine.
  constexpr int kAcceptBatch = 64;
  beast::error_code ec;
  acceptor.non_blocking(true, ec);
  if (ec) return true;
  for (int i = 0; i < kAcceptBatch && !stopped; ++i) {
    tcp::socket socket(loop);
    acceptor.accept(socket, ec);
    // Any error, a shortage included, is left to the async accept that
    // follows, which tells a real shortage from a full table.
    if (ec) break;
    Admit(std::move(socket));
  }
  return !stopped;
}

void HttpServer::Impl::Admit(tcp::socket socket) {
  if (sessions.size() >= options.max_connections && !CloseOldestIdle()) {
    // Every connection is busy with a request: refuse plainly rather than
    // queue without bound.
    if (!at_capacity) {
      at_capacity = true;
      spdlog::warn(
          "http: {} connections open, each busy with a request (the cap): "
          "answering new ones 503 until some finish",
          sessions.size());
    }
    return RefuseBusy(socket);
  }
  at_capacity = false;
  auto session = std::make_shared<Session>(std::move(socket),
                                           shared_from_this());
  sessions.insert(session);
  session->Start();
}

void HttpServer::Impl::OnDescriptorShortage(const beast::error_code& ec) {
  // Linux takes a descriptor before it looks at the listen queue, so a full
  // table fails accept() whether or not anyone is waiting: with nobody
  // waiting there is nothing to make room for, only the pause.
  pollfd listening{acceptor.native_handle(), POLLIN, 0};
  if (::poll(&listening, 1, 0) <= 0 || (listening.revents & POLLIN) == 0) {
    return AcceptAfterPause();
  }
  // Several at once, so the connections waiting in the backlog can be
  // taken in after the pause.
  constexpr int kCloseOnShortage = 16;
  int closed = 0;
  while (closed < kCloseOnShortage && CloseOldestIdle()) ++closed;
  if (!short_of_descriptors) {
    short_of_descriptors = true;
    spdlog::warn(
        "http: out of file descriptors ({}) with {} connections open: closed "
        "{} idle ones, pausing new connections for {} ms at a time until "
        "descriptors are free",
        ec.message(), sessions.size(), closed, options.accept_pause.count());
  }
  AcceptAfterPause();
}

void HttpServer::Impl::AcceptAfterPause() {
  accept_pause.expires_after(options.accept_pause);
  auto self = shared_from_this();
  accept_pause.async_wait([self](beast::error_code ec) {
    if (ec || self->stopped) return;
    self->Accept();
  });
}

bool HttpServer::Impl::CloseOldestIdle() {
  if (idle.empty()) return false;
  // Close() removes the session from `idle` and from `sessions`.
  idle.begin()->second->Close();
  return true;
}

void HttpServer::Impl::Dispatch(const HttpRequest& request, Responder respond) {
  auto path = routes.find(request.path);
  if (path == routes.end()) {
    return respond(HttpResponse::Error(404, "no such route: " + request.path));
  }
  auto handler = path->second.find(request.method);
  if (handler == path->second.end()) {
    std::string allow;
    for (const auto& [method, _] : path->second)
      allow += (allow.empty() ? "" : ", ") + method;
    HttpResponse r =
        HttpResponse::Error(405, request.method + " is not allowed here");
    r.headers.emplace_back("Allow", allow);
    return respond(std::move(r));
  }
  handler->second(request, std::move(respond));
}

HttpServer::HttpServer(asio::io_context& loop, HttpServerOptions options)
    : impl_(std::make_shared<Impl>(loop, std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(std::string method, std::string path, Handler handler) {
  impl_->routes[std::move(path)][std::move(method)] = std::move(handler);
}

void HttpServer::BodyLimit(std::string path, size_t limit) {
  impl_->body_limits[std::move(path)] = limit;
}

Status HttpServer::Start() {
  const std::string& listen = impl_->options.listen;
  Result<ListenAddress> parsed = ParseListenAddress(listen);
  if (!parsed.ok()) return parsed.status();
  beast::error_code ec;
  auto address = asio::ip::make_address(parsed->host, ec);
  if (ec)
    return Status::InvalidArgument("bad address in " + listen + ": " +
                                   ec.message());
  tcp::endpoint endpoint(address, parsed->port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec)
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec)
    impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::Internal("cannot listen on " + listen + ": " + ec.message());
  impl_->Accept();
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  impl_->accept_pause.cancel();
  beast::error_code ec;
  impl_->acceptor.close(ec);
  auto sessions = impl_->sessions;  // Close() erases from the set
  for (const auto& s : sessions) s->Close();
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

size_t HttpServer::open_connections() const { return impl_->sessions.size(); }

size_t HttpServer::idle_connections() const { return impl_->idle.size(); }

}  // namespace leadrouter
