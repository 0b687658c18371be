#include "bot/http/https_client.h"

#include <strings.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <exception>
#include <set>
#include <vector>

#include "bot/daemon/log.h"
#include "bot/runtime/stage_trace.h"
#include "bot/slack/endpoint_url.h"
#include "bot/slack/tls_verify.h"

namespace leadrouter {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

// Where requests go: one host, and the path (and query) every request's
// target is appended to.
struct BaseUrl {
  bool tls = true;
  std::string host;       // lower case, IPv6 without brackets
  std::string port;       // digits
  std::string authority;  // the Host header
  std::string path;       // "/" or "/api/" or "/hooks/x"
  std::string query;      // "" or "?key=…"
};

Result<BaseUrl> ParseBaseUrl(const std::string& url, const std::string& key) {
  Result<slack::EndpointUrl> parsed = slack::ParseEndpointUrl(url, "https", "http");
  if (!parsed.ok()) {
    return Status::InvalidArgument("invalid_url: " + key + " " + parsed.status().message());
  }
  BaseUrl out{parsed->tls, parsed->host, parsed->port, parsed->authority,
              parsed->target, ""};
  if (const std::size_t q = out.path.find('?'); q != std::string::npos) {
    out.query = out.path.substr(q);
    out.path.erase(q);
  }
  if (!out.tls && !slack::IsLoopbackHost(out.host)) {
    return Status::InvalidArgument(
        "insecure_url: plain http:// is allowed only to a loopback host, not " + out.host);
  }
  return out;
}

// base path + target with exactly one '/' between them, then the base's
// query (joined to a query of the target's own with '&').
std::string JoinTarget(const BaseUrl& base, const std::string& target) {
  std::string out = base.path;
  if (!target.empty()) {
    const bool base_slash = out.back() == '/';
    const bool target_slash = target.front() == '/';
    if (base_slash && target_slash) {
      out += target.substr(1);
    } else if (!base_slash && !target_slash) {
      out += '/' + target;
    } else {
      out += target;
    }
  }
  if (!base.query.empty()) {
    out += out.find('?') == std::string::npos ? base.query : "&" + base.query.substr(1);
  }
  return out;
}

bool HasLineBreak(const std::string& s) {
  return s.find_first_of("\r\n") != std::string::npos;
}

// Errors that mean an idle keep-alive connection was closed by the server
// before our request reached it: worth one more try on a new connection.
bool IsStaleConnection(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

// One connection to the host, plain or TLS.
struct Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() {
    return secure ? beast::get_lowest_layer(*secure) : *plain;
  }
};

// Marks a connection as in use for as long as it lives, so Stop() can
// cancel its I/O; unmarks on every way out, exceptions included.
class BusyMark {
 public:
  BusyMark(std::set<Connection*>& busy, Connection* connection)
      : busy_(busy), connection_(connection) {
    busy_.insert(connection_);
  }
  ~BusyMark() { busy_.erase(connection_); }
  BusyMark(const BusyMark&) = delete;
  BusyMark& operator=(const BusyMark&) = delete;

 private:
  std::set<Connection*>& busy_;
  Connection* connection_;
};

template <typename Stream>
asio::awaitable<void> Exchange(Stream& stream, beast::flat_buffer& buffer,
                               http::request<http::string_body>& request,
                               http::response_parser<http::string_body>& parser,
                               bool& written, error_code& ec, bool trace) {
  co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  written = true;
  if (trace) stage_trace::Mark(stage_trace::Stage::kSlackWritten);
  co_await http::async_read(stream, buffer, parser,
                            asio::redirect_error(asio::use_awaitable, ec));
  if (trace && !ec) stage_trace::Mark(stage_trace::Stage::kSlackAnswered);
}

HttpsResponse Failure(std::string error) {
  HttpsResponse response;
  response.transport_error = std::move(error);
  return response;
}

}  // namespace

std::string HttpsResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), key.size()) == 0)
      return value;
  }
  return "";
}

std::optional<std::chrono::seconds> HttpsResponse::RetryAfter() const {
  const std::string value = Header("Retry-After");
  std::string_view digits(value);
  while (!digits.empty() && digits.front() == ' ') digits.remove_prefix(1);
  while (!digits.empty() && digits.back() == ' ') digits.remove_suffix(1);
  long long seconds = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
      seconds < 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(seconds);
}

struct HttpsClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& loop_in, HttpsClientOptions options_in)
      : loop(loop_in), options(std::move(options_in)), tls(ssl::context::tls_client) {
    Result<BaseUrl> parsed = ParseBaseUrl(options.base_url, options.url_key);
    if (!parsed.ok()) {
      status = parsed.status();
      return;
    }
    url = std::move(parsed.value());
    const slack::ClientTrust trust = slack::SetUpClientTrust(tls.native_handle(), options.ca_file);
    if (!trust.store_warning.empty()) {
      logging::Warn(options.log_name + ".trust_store", {{"error", trust.store_warning}});
    }
    if (!trust.ca_file_error.empty()) status = Status::InvalidArgument(trust.ca_file_error);
  }

  void Stop() {
    stopped = true;
    // Closed, not just cancelled: an operation whose completion was already
    // queued would otherwise start the next one (a read that waits for the
    // server) after Stop.
    for (Connection* connection : busy) {
      error_code ignored;
      connection->lowest().socket().close(ignored);
    }
    for (auto& connection : idle) {
      error_code ignored;
      connection->lowest().socket().close(ignored);
    }
    idle.clear();
  }

  // Answers `done` from the loop, not from inside Send.
  void AnswerLater(std::function<void(HttpsResponse)> done, HttpsResponse response) {
    asio::post(loop, [self = shared_from_this(), done = std::move(done),
                      response = std::move(response)]() mutable {
      if (!self->stopped) self->Deliver(done, std::move(response));
    });
  }

  void Deliver(const std::function<void(HttpsResponse)>& done, HttpsResponse response) {
    try {
      done(std::move(response));
    } catch (const std::exception& e) {
      logging::Error(options.log_name + ".callback_threw", {{"error", e.what()}});
    }
  }

  static asio::awaitable<void> Run(std::shared_ptr<Impl> self, HttpsRequest request,
                                   std::function<void(HttpsResponse)> done) {
    const auto start = SteadyClock::now();
    HttpsResponse response;
    try {
      response = co_await self->Perform(request, start + self->options.timeout);
    } catch (const std::exception& e) {
      // Nothing may escape onto the loop; the caller decides on a retry.
      response = Failure(std::string("client error: ") + e.what());
    }
    if (self->stopped) co_return;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        SteadyClock::now() - start)
                        .count();
    logging::Debug(self->options.log_name + ".request",
                   {{"method", request.method}, {"status", response.status}, {"ms", ms}});
    self->Deliver(done, std::move(response));
  }

  http::request<http::string_body> BuildRequest(HttpsRequest& in) const {
    http::request<http::string_body> request;
    request.version(11);
    request.method_string(in.method);
    request.target(JoinTarget(url, in.target));
    for (const auto& [name, value] : in.headers) request.insert(name, value);
    request.set(http::field::host, url.authority);
    if (request.find(http::field::user_agent) == request.end())
      request.set(http::field::user_agent, "leadrouter");
    request.body() = std::move(in.body);
    request.keep_alive(true);
    request.prepare_payload();
    return request;
  }

  // Which step failed, and how, for transport_error.
  std::string Describe(const std::string& step, const error_code& ec) const {
    if (ec == beast::error::timeout) {
      return "no answer from " + url.authority + " within " +
             std::to_string(options.timeout.count()) + " ms (" + step + ")";
    }
    return step + " " + url.authority + ": " + ec.message();
  }

  asio::awaitable<HttpsResponse> Perform(HttpsRequest& in, SteadyClock::time_point deadline) {
    for (const auto& [name, value] : in.headers) {
      if (HasLineBreak(name) || HasLineBreak(value) || name.empty())
        co_return Failure("invalid header: a name or value holds a line break");
    }
    const bool head = in.method == "HEAD";
    http::request<http::string_body> request = BuildRequest(in);
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::unique_ptr<Connection> connection;
      bool reused = false;
      if (!idle.empty()) {
        connection = std::move(idle.back());
        idle.pop_back();
        reused = true;
      } else {
        connection = std::make_unique<Connection>();
        if (url.tls) {
          connection->secure.emplace(loop, tls);
        } else {
          connection->plain.emplace(loop);
        }
      }
      BusyMark mark(busy, connection.get());
      if (!reused) {
        std::string error = co_await Connect(*connection, deadline);
        if (!error.empty()) co_return Failure(std::move(error));
      }
      http::response_parser<http::string_body> parser;
      parser.skip(head);
      error_code ec;
      bool written = false;
      connection->lowest().expires_at(deadline);
      if (connection->secure) {
        co_await Exchange(*connection->secure, connection->buffer, request, parser, written, ec,
                          in.trace_stages);
      } else {
        co_await Exchange(*connection->plain, connection->buffer, request, parser, written, ec,
                          in.trace_stages);
      }
      if (ec) {
        if (reused && !stopped && IsStaleConnection(ec) && (!written || in.repeatable)) {
          continue;
        }
        co_return Failure(Describe(written ? "read from" : "send to", ec));
      }
      http::response<http::string_body> answer = parser.release();
      if (answer.keep_alive() && !stopped && idle.size() < options.max_idle) {
        connection->lowest().expires_never();
        idle.push_back(std::move(connection));
      } else {
        error_code ignored;
        connection->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      }
      HttpsResponse response;
      response.status = static_cast<int>(answer.result_int());
      for (const auto& field : answer) {
        response.headers.emplace_back(std::string(field.name_string()),
                                      std::string(field.value()));
      }
      response.body = std::move(answer.body());
      co_return response;
    }
    co_return Failure("send to " + url.authority + ": the connection closed twice");
  }

  // Connects `connection` (and for https verifies the server) before
  // `deadline`; returns what went wrong, or "" on success.
  asio::awaitable<std::string> Connect(Connection& connection, SteadyClock::time_point deadline) {
    tcp::resolver resolver(loop);
    error_code ec;
    auto endpoints = co_await resolver.async_resolve(
        url.host, url.port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return "resolve " + url.host + ": " + ec.message();
    if (stopped) co_return "client stopped";
    // The resolver cannot be cut short (getaddrinfo blocks its thread), so
    // a slow lookup is only noticed here.
    if (SteadyClock::now() >= deadline) co_return Describe("resolve", beast::error::timeout);
    beast::tcp_stream& stream = connection.lowest();
    stream.expires_at(deadline);
    co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Describe("connect", ec);
    ++connections_opened;
    if (!url.tls) co_return std::string();

    auto& secure = *connection.secure;
    if (std::string error = slack::RequireServerIdentity(secure.native_handle(), url.host);
        !error.empty()) {
      co_return error;
    }
    co_await secure.async_handshake(ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec == beast::error::timeout) co_return Describe("tls handshake", ec);
    if (ec) co_return "tls handshake with " + url.host + ": " + ec.message();
    co_return std::string();
  }

  asio::io_context& loop;
  HttpsClientOptions options;
  Status status;
  BaseUrl url;
  ssl::context tls;
  std::vector<std::unique_ptr<Connection>> idle;
  std::set<Connection*> busy;
  std::size_t connections_opened = 0;
  bool stopped = false;
};

HttpsClient::HttpsClient(boost::asio::io_context& loop, HttpsClientOptions options)
    : impl_(std::make_shared<Impl>(loop, std::move(options))) {}

HttpsClient::~HttpsClient() { impl_->Stop(); }

const Status& HttpsClient::status() const { return impl_->status; }

std::size_t HttpsClient::connections_opened() const { return impl_->connections_opened; }

void HttpsClient::Send(HttpsRequest request, std::function<void(HttpsResponse)> done) {
  if (!impl_->status.ok()) {
    impl_->AnswerLater(std::move(done), Failure(impl_->status.message()));
    return;
  }
  asio::co_spawn(impl_->loop, Impl::Run(impl_, std::move(request), std::move(done)),
                 asio::detached);
}

}  // namespace leadrouter
