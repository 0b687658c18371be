#include "bot/slack/web_api_client.h"

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
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <deque>
#include <exception>
#include <map>
#include <set>
#include <vector>

#include "bot/log.h"
#include "bot/slack/endpoint_url.h"
#include "bot/slack/rate_limiter.h"
#include "bot/slack/tls_verify.h"

namespace leadrouter::slack {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kMaxIdleConnections = 4;
constexpr auto kDefaultRetryAfter = std::chrono::seconds(1);

// The API base: an endpoint whose target is the path every method name is
// appended to.
struct ApiUrl {
  bool tls = true;
  std::string host;       // lower case, IPv6 without brackets
  std::string port;       // digits
  std::string authority;  // the Host header
  std::string base_path;  // "/api/": ends with '/'
};

Result<ApiUrl> ParseApiUrl(const std::string& url) {
  Result<EndpointUrl> parsed = ParseEndpointUrl(url, "https", "http");
  if (!parsed.ok()) {
    return Status::InvalidArgument("invalid_url: api_url " + parsed.status().message());
  }
  if (url.find_first_of("?#") != std::string::npos) {
    return Status::InvalidArgument("invalid_url: api_url takes no query or fragment");
  }
  ApiUrl out{parsed->tls, parsed->host, parsed->port, parsed->authority,
             parsed->target};
  if (out.base_path.back() != '/') out.base_path += '/';
  if (!out.tls && !IsLoopbackHost(out.host)) {
    return Status::InvalidArgument(
        "insecure_url: plain http:// is allowed only to a loopback host, not " + out.host);
  }
  return out;
}

// Slack's codes for a failure on its side; the call may be tried again.
bool IsServerSideError(const std::string& error) {
  return error == "internal_error" || error == "fatal_error" ||
         error == "request_timeout" || error == "ratelimited" ||
         error == "rate_limited";
}

// Errors that mean an idle keep-alive connection was closed by the server
// before our request reached it: worth one more try on a new connection.
bool IsStaleConnection(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

ApiResult Failure(std::string error, bool retryable) {
  ApiResult result;
  result.error = std::move(error);
  result.retryable = retryable;
  return result;
}

ApiResult Interpret(const http::response<http::string_body>& response) {
  ApiResult result;
  result.http_status = static_cast<int>(response.result_int());
  if (auto it = response.find(http::field::retry_after); it != response.end()) {
    std::string_view value = it->value();
    int seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && end == value.data() + value.size() && seconds >= 0)
      result.retry_after = std::chrono::seconds(seconds);
  }
  result.body = json::parse(response.body(), nullptr, /*allow_exceptions=*/false);
  if (result.body.is_discarded()) result.body = nullptr;
  std::string body_error;
  if (result.body.is_object() && result.body.contains("error") &&
      result.body["error"].is_string())
    body_error = result.body["error"].get<std::string>();

  if (result.http_status == 429) {
    result.error = body_error.empty() ? "ratelimited" : body_error;
    result.retryable = true;
  } else if (result.http_status >= 500) {
    result.error = "http_" + std::to_string(result.http_status);
    result.retryable = true;
  } else if (result.http_status / 100 != 2) {
    result.error = "http_" + std::to_string(result.http_status);
  } else if (!result.body.is_object() || !result.body.contains("ok") ||
             !result.body["ok"].is_boolean()) {
    result.error = "invalid_response";
    result.retryable = true;
  } else if (result.body["ok"].get<bool>()) {
    result.ok = true;
  } else {
    result.error = body_error.empty() ? "unknown_error" : body_error;
    result.retryable = IsServerSideError(result.error);
  }
  return result;
}

// One connection to the API host, plain or TLS.
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
                               http::response<http::string_body>& response,
                               error_code& ec) {
  co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  co_await http::async_read(stream, buffer, response,
                            asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace

struct WebApiClient::Impl : std::enable_shared_from_this<Impl> {
  struct Pending {
    std::string method;
    json args;
    TokenKind token;
    ApiCallback done;
  };
  // The calls of one rate-limiter key, sent one at a time in order.
  struct Lane {
    explicit Lane(asio::io_context& loop) : timer(loop) {}
    std::deque<Pending> queue;
    asio::steady_timer timer;
    bool running = false;
  };

  Impl(asio::io_context& loop_in, WebApiOptions options_in)
      : loop(loop_in),
        options(std::move(options_in)),
        tls(ssl::context::tls_client),
        limiter(RateLimiter::Pace{options.post_interval, options.post_burst}) {
    Result<ApiUrl> parsed = ParseApiUrl(options.api_url);
    if (!parsed.ok()) {
      status = parsed.status();
      return;
    }
    url = std::move(parsed.value());
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                    ssl::context::no_tlsv1_1);
    error_code ec;
    tls.set_default_verify_paths(ec);
    if (ec) logging::Warn("slack.api.trust_store", {{"error", ec.message()}});
    if (!options.ca_file.empty()) {
      tls.load_verify_file(options.ca_file, ec);
      if (ec) status = Status::InvalidArgument("ca_file: " + options.ca_file + ": " + ec.message());
    }
  }

  void Stop() {
    stopped = true;
    for (auto& entry : lanes) {
      entry.second.queue.clear();
      entry.second.timer.cancel();
    }
    for (Connection* connection : busy) connection->lowest().cancel();
    for (auto& connection : idle) {
      error_code ec;
      connection->lowest().socket().close(ec);
    }
    idle.clear();
  }

  void Enqueue(Pending call) {
    if (!status.ok()) {
      ApiResult result = Failure(status.message(), /*retryable=*/false);
      asio::post(loop, [self = shared_from_this(), done = std::move(call.done),
                        result = std::move(result)]() mutable {
        if (!self->stopped) done(std::move(result));
      });
      return;
    }
    std::string channel;
    if (call.args.is_object() && call.args.contains("channel") && call.args["channel"].is_string())
      channel = call.args["channel"].get<std::string>();
    RateLimiter::Key key = RateLimiter::KeyFor(call.method, channel);
    Lane& lane = lanes.try_emplace(key, loop).first->second;
    lane.queue.push_back(std::move(call));
    if (lane.running) return;
    lane.running = true;
    asio::co_spawn(loop, RunLane(shared_from_this(), std::move(key)), asio::detached);
  }

  static asio::awaitable<void> RunLane(std::shared_ptr<Impl> self, RateLimiter::Key key) {
    Lane& lane = self->lanes.at(key);
    while (!self->stopped && !lane.queue.empty()) {
      auto wait = self->limiter.WaitFor(key, SteadyClock::now());
      if (wait > SteadyClock::duration::zero()) {
        lane.timer.expires_after(wait);
        error_code ec;
        co_await lane.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      Pending call = std::move(lane.queue.front());
      lane.queue.pop_front();
      self->limiter.OnSent(key, SteadyClock::now());
      ApiResult result;
      try {
        result = co_await self->Send(call);
      } catch (const std::exception& e) {
        // Nothing may escape onto the loop; the caller retries later.
        result = Failure(std::string("client_error: ") + e.what(), /*retryable=*/true);
      }
      if (self->stopped) break;
      if (result.http_status == 429) {
        self->limiter.OnRateLimited(key, result.retry_after.value_or(kDefaultRetryAfter),
                                    SteadyClock::now());
      }
      self->LogResult(call.method, result);
      try {
        call.done(std::move(result));
      } catch (const std::exception& e) {
        logging::Error("slack.api.callback_threw",
                       {{"method", call.method}, {"error", e.what()}});
      }
    }
    lane.running = false;
    if (lane.queue.empty()) self->lanes.erase(key);
  }

  void LogResult(const std::string& method, const ApiResult& result) const {
    json fields = {{"method", method}, {"status", result.http_status}};
    if (result.ok) {
      logging::Debug("slack.api.call", fields);
      return;
    }
    fields["error"] = result.error;
    if (result.retry_after) fields["retry_after_s"] = result.retry_after->count();
    logging::Warn("slack.api.call_failed", fields);
  }

  http::request<http::string_body> BuildRequest(const Pending& call) const {
    http::request<http::string_body> request{http::verb::post, url.base_path + call.method, 11};
    request.set(http::field::host, url.authority);
    request.set(http::field::user_agent, "leadrouter");
    const std::string& token =
        call.token == TokenKind::kApp ? options.app_token : options.bot_token;
    request.set(http::field::authorization, "Bearer " + token);
    if (call.method == "apps.connections.open") {
      request.set(http::field::content_type, "application/x-www-form-urlencoded");
    } else {
      request.set(http::field::content_type, "application/json; charset=utf-8");
      // Invalid UTF-8 in a string becomes U+FFFD rather than an exception.
      request.body() = call.args.is_null()
                           ? std::string("{}")
                           : call.args.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    request.keep_alive(true);
    request.prepare_payload();
    return request;
  }

  asio::awaitable<ApiResult> Send(const Pending& call) {
    http::request<http::string_body> request = BuildRequest(call);
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
        std::string error = co_await Connect(*connection);
        if (!error.empty()) co_return Failure("transport_error: " + error, /*retryable=*/true);
      }
      http::response<http::string_body> response;
      error_code ec;
      connection->lowest().expires_after(options.timeout);
      if (connection->secure) {
        co_await Exchange(*connection->secure, connection->buffer, request, response, ec);
      } else {
        co_await Exchange(*connection->plain, connection->buffer, request, response, ec);
      }
      if (ec) {
        if (reused && !stopped && IsStaleConnection(ec)) continue;
        co_return Failure("transport_error: " + ec.message(), /*retryable=*/true);
      }
      if (response.keep_alive() && !stopped && idle.size() < kMaxIdleConnections) {
        connection->lowest().expires_never();
        idle.push_back(std::move(connection));
      } else {
        error_code ignored;
        connection->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      }
      co_return Interpret(response);
    }
    co_return Failure("transport_error: connection closed", /*retryable=*/true);
  }

  // Connects `connection` (and for https verifies the server); returns
  // what went wrong, or "" on success.
  asio::awaitable<std::string> Connect(Connection& connection) {
    tcp::resolver resolver(loop);
    error_code ec;
    auto endpoints = co_await resolver.async_resolve(
        url.host, url.port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return "resolve " + url.host + ": " + ec.message();
    if (stopped) co_return "client stopped";
    beast::tcp_stream& stream = connection.lowest();
    stream.expires_after(options.timeout);
    co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return "connect " + url.authority + ": " + ec.message();
    ++connections_opened;
    if (!url.tls) co_return std::string();

    auto& secure = *connection.secure;
    if (std::string error = RequireServerIdentity(secure.native_handle(), url.host);
        !error.empty()) {
      co_return error;
    }
    co_await secure.async_handshake(ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return "tls handshake with " + url.host + ": " + ec.message();
    co_return std::string();
  }

  asio::io_context& loop;
  WebApiOptions options;
  Status status;
  ApiUrl url;
  ssl::context tls;
  RateLimiter limiter;
  std::map<RateLimiter::Key, Lane> lanes;
  std::vector<std::unique_ptr<Connection>> idle;
  std::set<Connection*> busy;
  std::size_t connections_opened = 0;
  bool stopped = false;
};

WebApiClient::WebApiClient(boost::asio::io_context& loop, WebApiOptions options)
    : impl_(std::make_shared<Impl>(loop, std::move(options))) {}

WebApiClient::~WebApiClient() { impl_->Stop(); }

const Status& WebApiClient::status() const { return impl_->status; }

std::size_t WebApiClient::connections_opened() const { return impl_->connections_opened; }

void WebApiClient::Call(const std::string& method, nlohmann::json args, TokenKind token,
                        ApiCallback done) {
  impl_->Enqueue({method, std::move(args), token, std::move(done)});
}

void WebApiClient::AuthTest(ApiCallback done) {
  Call("auth.test", json::object(), TokenKind::kBot, std::move(done));
}

void WebApiClient::PostMessage(const std::string& channel, nlohmann::json message,
                               ApiCallback done) {
  if (!message.is_object()) message = json::object();
  message["channel"] = channel;
  Call("chat.postMessage", std::move(message), TokenKind::kBot, std::move(done));
}

void WebApiClient::Update(const std::string& channel, const std::string& ts,
                          nlohmann::json message, ApiCallback done) {
  if (!message.is_object()) message = json::object();
  message["channel"] = channel;
  message["ts"] = ts;
  Call("chat.update", std::move(message), TokenKind::kBot, std::move(done));
}

void WebApiClient::PostEphemeral(const std::string& channel, const std::string& user,
                                 nlohmann::json message, ApiCallback done) {
  if (!message.is_object()) message = json::object();
  message["channel"] = channel;
  message["user"] = user;
  Call("chat.postEphemeral", std::move(message), TokenKind::kBot, std::move(done));
}

void WebApiClient::OpenConversation(const std::string& user, ApiCallback done) {
  Call("conversations.open", {{"users", user}}, TokenKind::kBot, std::move(done));
}

void WebApiClient::UsersInfo(const std::string& user, ApiCallback done) {
  Call("users.info", {{"user", user}}, TokenKind::kBot, std::move(done));
}

void WebApiClient::ConnectionsOpen(ApiCallback done) {
  Call("apps.connections.open", json::object(), TokenKind::kApp, std::move(done));
}

JobOutcome ToJobOutcome(const ApiResult& result) {
  if (result.ok) return JobOutcome::Done();
  if (result.http_status == 429) {
    std::optional<std::chrono::milliseconds> wait;
    if (result.retry_after) wait = *result.retry_after;
    return JobOutcome::Retry(result.error, wait);
  }
  if (result.retryable) return JobOutcome::Retry(result.error);
  return JobOutcome::Fail(result.error);
}

}  // namespace leadrouter::slack
