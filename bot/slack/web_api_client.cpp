#include "bot/slack/web_api_client.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <exception>
#include <map>

#include "bot/http/https_client.h"
#include "bot/daemon/log.h"
#include "bot/runtime/stage_trace.h"
#include "bot/metrics/metrics.h"
#include "bot/slack/rate_limiter.h"
#include "bot/slack/response_url.h"

namespace leadrouter::slack {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kMaxIdleConnections = 4;
constexpr auto kDefaultRetryAfter = std::chrono::seconds(1);

// The transport (HttpsClient) takes a query; method names are appended to
// the path, so api_url must not have one.
Status CheckApiUrl(const std::string& url) {
  if (url.find_first_of("?#") != std::string::npos) {
    return Status::InvalidArgument("invalid_url: api_url takes no query or fragment");
  }
  return Status::Ok();
}

// Slack's codes for a failure on its side; the call may be tried again.
bool IsServerSideError(const std::string& error) {
  return error == "internal_error" || error == "fatal_error" ||
         error == "request_timeout" || error == "ratelimited" ||
         error == "rate_limited";
}

ApiResult Failure(std::string error, bool retryable) {
  ApiResult result;
  result.error = std::move(error);
  result.retryable = retryable;
  return result;
}

ApiResult Interpret(const HttpsResponse& response) {
  if (!response.transport_error.empty()) {
    return Failure("transport_error: " + response.transport_error, /*retryable=*/true);
  }
  ApiResult result;
  result.http_status = response.status;
  result.retry_after = response.RetryAfter();
  result.scopes = response.Header("x-oauth-scopes");
  result.body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
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

HttpsClientOptions TransportOptions(const WebApiOptions& options) {
  HttpsClientOptions out;
  out.base_url = options.api_url;
  out.ca_file = options.ca_file;
  out.timeout = options.timeout;
  out.max_idle = kMaxIdleConnections;
  out.log_name = "slack.api";
  out.url_key = "api_url";
  return out;
}

}  // namespace

struct WebApiClient::Impl : std::enable_shared_from_this<Impl> {
  struct Pending {
    std::string method;
    TokenKind token;
    ApiCallback done;
    CallId id = 0;
    int rate_limited = 0;  // 429s answered to it so far
    // The request body, serialized once when the call is queued: a queued
    // message as text is a fraction of its JSON tree, and a burst can keep
    // a hundred posts queued behind Slack's pace.
    std::string body;
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
        limiter(RateLimiter::Pace{options.post_interval, options.post_burst}),
        status(CheckApiUrl(options.api_url)) {
    if (!status.ok()) return;
    https = std::make_unique<HttpsClient>(loop, TransportOptions(options));
    status = https->status();
  }

  void Stop() {
    stopped = true;
    responses.reset();
    for (auto& entry : lanes) {
      queued -= entry.second.queue.size();
      entry.second.queue.clear();
      entry.second.timer.cancel();
    }
    // Cancels the calls in flight; their lanes are dropped with them.
    https.reset();
  }

  CallId Enqueue(std::string method, const json& args, TokenKind token, ApiCallback done) {
    Pending call{std::move(method), token, std::move(done), /*id=*/0, /*rate_limited=*/0,
                 /*body=*/{}};
    call.id = next_id++;
    const CallId id = call.id;
    if (!status.ok()) {
      ApiResult result = Failure(status.message(), /*retryable=*/false);
      asio::post(loop, [self = shared_from_this(), done = std::move(call.done),
                        result = std::move(result)]() mutable {
        if (!self->stopped) done(std::move(result));
      });
      return id;
    }
    std::string channel;
    if (args.is_object() && args.contains("channel") && args["channel"].is_string())
      channel = args["channel"].get<std::string>();
    // Invalid UTF-8 in a string becomes U+FFFD rather than an exception.
    call.body = args.is_null() ? std::string("{}")
                               : args.dump(-1, ' ', false, json::error_handler_t::replace);
    RateLimiter::Key key = RateLimiter::KeyFor(call.method, channel);
    Lane& lane = lanes.try_emplace(key, loop).first->second;
    lane.queue.push_back(std::move(call));
    ++queued;
    const bool behind = lane.running ||
                        limiter.WaitFor(key, SteadyClock::now()) > SteadyClock::duration::zero();
    if (behind && on_lane_wait) on_lane_wait();
    if (lane.running) return id;
    lane.running = true;
    asio::co_spawn(loop, RunLane(shared_from_this(), std::move(key)), asio::detached);
    return id;
  }

  bool Cancel(CallId id) {
    for (auto& entry : lanes) {
      auto& queue = entry.second.queue;
      for (auto it = queue.begin(); it != queue.end(); ++it) {
        if (it->id != id) continue;
        logging::Debug("slack.api.cancelled", {{"method", it->method}});
        queue.erase(it);
        --queued;
        // The lane wakes, finds the queue as it is now, and carries on (or
        // ends) without waiting for a call that is gone.
        entry.second.timer.cancel();
        return true;
      }
    }
    return false;
  }

  // Tracks whether Slack answers, for OnAnsweringAgain.
  void NoteAnswer(const std::string& method, const ApiResult& result) {
    if (method == "apps.connections.open") return;
    const bool unanswered = result.http_status == 0 || result.http_status >= 500;
    if (unanswered) {
      failing = true;
      return;
    }
    if (result.http_status / 100 != 2 || !failing) return;
    failing = false;
    logging::Info("slack.api.answering_again", {{"method", method}});
    if (!on_answering_again) return;
    try {
      on_answering_again();
    } catch (const std::exception& e) {
      logging::Error("slack.api.answering_handler_threw", {{"error", e.what()}});
    }
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
      --self->queued;
      ApiResult result;
      try {
        result = co_await self->Send(call);
      } catch (const std::exception& e) {
        // Nothing may escape onto the loop; the caller retries later.
        result = Failure(std::string("client_error: ") + e.what(), /*retryable=*/true);
      }
      if (self->stopped) break;
      // Counted at the answer: the next call then never reaches Slack
      // sooner after this one than the pace allows, however long this one
      // took to get there (counted at the send, a request held up on its
      // way drew 429s from a bucket that refilled a few ms short).
      const auto answered = SteadyClock::now();
      if (result.http_status == 429) {
        self->limiter.OnRateLimited(key, result.retry_after.value_or(kDefaultRetryAfter),
                                    answered);
      } else if (result.http_status != 0 && result.http_status < 500) {
        self->limiter.OnServed(key, answered);
      }
      self->LogResult(call.method, result);
      self->NoteAnswer(call.method, result);
      if (self->options.on_result) {
        self->options.on_result(result.http_status, result.error);
      }
      if (result.http_status == 429 && call.rate_limited < self->options.rate_limited_retries) {
        // Slack did not take it, so sending it again cannot double it.
        ++call.rate_limited;
        lane.queue.push_front(std::move(call));
        ++self->queued;
        continue;
      }
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

  // Errors of our own making carry a detail after the colon; the label keeps
  // only their class, so it stays a short closed set.
  static void CountResult(const std::string& method, const ApiResult& result) {
    metrics::Metrics& m = metrics::Global();
    std::string label = result.ok ? "ok" : result.error.substr(0, result.error.find(':'));
    m.SlackCall(method, label);
    if (result.http_status == 429) m.SlackRateLimited(method);
  }

  void LogResult(const std::string& method, const ApiResult& result) const {
    CountResult(method, result);
    json fields = {{"method", method}, {"status", result.http_status}};
    if (result.ok) {
      logging::Debug("slack.api.call", fields);
      return;
    }
    fields["error"] = result.error;
    if (result.retry_after) fields["retry_after_s"] = result.retry_after->count();
    logging::Warn("slack.api.call_failed", fields);
  }

  HttpsRequest BuildRequest(const Pending& call) const {
    HttpsRequest request;
    request.target = call.method;
    // A post the server may have taken is never resent by the transport:
    // the job decides (slack/once_poster.h), after looking for it.
    request.repeatable = call.method != "chat.postMessage";
    request.trace_stages = !request.repeatable && stage_trace::Enabled();
    const std::string& token =
        call.token == TokenKind::kApp ? options.app_token : options.bot_token;
    request.headers.emplace_back("Authorization", "Bearer " + token);
    if (call.method == "apps.connections.open") {
      request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    } else {
      request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
      request.body = call.body;
    }
    return request;
  }

  // The transport's callback as something a lane can co_await. The answer
  // is posted, so the lane resumes from the loop rather than inside the
  // transport; when the transport is destroyed first, the handler is
  // dropped and the lane with it.
  asio::awaitable<ApiResult> Send(const Pending& call) {
    if (!https) co_return Failure("transport_error: client stopped", /*retryable=*/true);
    HttpsResponse response = co_await asio::async_initiate<
        decltype(asio::use_awaitable), void(HttpsResponse)>(
        [this](auto handler, HttpsRequest request) {
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          https->Send(std::move(request), [this, shared](HttpsResponse answer) {
            asio::post(loop, [shared, answer = std::move(answer)]() mutable {
              (*shared)(std::move(answer));
            });
          });
        },
        asio::use_awaitable, BuildRequest(call));
    co_return Interpret(response);
  }

  asio::io_context& loop;
  WebApiOptions options;
  RateLimiter limiter;
  Status status;
  std::unique_ptr<HttpsClient> https;  // null when status is not ok, or stopped
  std::unique_ptr<ResponseUrlClient> responses;  // made on first use
  std::map<RateLimiter::Key, Lane> lanes;
  std::size_t queued = 0;  // calls in lanes, not yet sent
  std::function<void()> on_lane_wait;
  std::function<void()> on_answering_again;
  CallId next_id = 1;
  bool failing = false;
  bool stopped = false;
};

WebApiClient::WebApiClient(boost::asio::io_context& loop, WebApiOptions options)
    : impl_(std::make_shared<Impl>(loop, std::move(options))) {}

WebApiClient::~WebApiClient() { impl_->Stop(); }

const Status& WebApiClient::status() const { return impl_->status; }

std::size_t WebApiClient::connections_opened() const {
  return impl_->https ? impl_->https->connections_opened() : 0;
}

CallId WebApiClient::Call(const std::string& method, nlohmann::json args, TokenKind token,
                          ApiCallback done) {
  return impl_->Enqueue(method, args, token, std::move(done));
}

bool WebApiClient::Cancel(CallId id) { return impl_->Cancel(id); }

void WebApiClient::OnAnsweringAgain(std::function<void()> fn) {
  impl_->on_answering_again = std::move(fn);
}

bool WebApiClient::failing() const { return impl_->failing; }

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

void WebApiClient::History(const std::string& channel, const std::string& thread_ts,
                           ApiCallback done) {
  json args = {{"channel", channel}, {"include_all_metadata", true}, {"limit", 200}};
  if (thread_ts.empty()) {
    Call("conversations.history", std::move(args), TokenKind::kBot, std::move(done));
    return;
  }
  args["ts"] = thread_ts;
  Call("conversations.replies", std::move(args), TokenKind::kBot, std::move(done));
}

std::size_t WebApiClient::waiting() const { return impl_->queued; }

void WebApiClient::OnLaneWait(std::function<void()> fn) {
  impl_->on_lane_wait = std::move(fn);
}

void WebApiClient::UsersInfo(const std::string& user, ApiCallback done) {
  Call("users.info", {{"user", user}}, TokenKind::kBot, std::move(done));
}

CallId WebApiClient::ConnectionsOpen(ApiCallback done) {
  return Call("apps.connections.open", json::object(), TokenKind::kApp, std::move(done));
}

bool IsUnavailable(const ApiResult& result) {
  if (result.ok || !result.retryable) return false;
  return result.http_status == 0 || result.http_status == 429 ||
         result.http_status >= 500 || IsServerSideError(result.error);
}

void WebApiClient::RespondEphemeral(const std::string& response_url,
                                    nlohmann::json message, ApiCallback done) {
  Impl& impl = *impl_;
  if (impl.stopped) return;
  if (!impl.responses) {
    impl.responses = std::make_unique<ResponseUrlClient>(
        impl.loop, impl.options.api_url, impl.options.ca_file);
  }
  impl.responses->Post(response_url, EphemeralResponse(message),
                       [done = std::move(done)](std::string error) {
                         ApiResult result;
                         result.ok = error.empty();
                         result.http_status = result.ok ? 200 : 0;
                         result.error = std::move(error);
                         done(std::move(result));
                       });
}

JobOutcome ToJobOutcome(const ApiResult& result) {
  if (result.ok) return JobOutcome::Done();
  if (result.http_status == 429) {
    std::optional<std::chrono::milliseconds> wait;
    if (result.retry_after) wait = *result.retry_after;
    return JobOutcome::Unavailable(kSlackService, result.error, wait);
  }
  if (IsUnavailable(result)) return JobOutcome::Unavailable(kSlackService, result.error);
  if (result.retryable) return JobOutcome::Retry(result.error);
  return JobOutcome::Fail(result.error);
}

}  // namespace leadrouter::slack
