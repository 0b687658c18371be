// WebApiClient: calls Slack Web API methods over HTTPS (slack-protocol.md
// §4) and keeps to Slack's rate limits (§5). The only holder of the Slack
// tokens; logs a call's method, HTTP status and error code, never a token.
//
// Transport: bot/http/https_client.h (TLS verified against the system
// trust store plus `ca_file`, with SNI and host name checks; plain http://
// only to a loopback host; a small pool of idle keep-alive connections).
//
// Rate limits: each call belongs to a RateLimiter key (the method, plus the
// channel for chat.postMessage). Calls on one key go out one at a time, in
// the order they were made, paced by the limiter from each call's answer
// (Slack counts a call when it arrives, which only its answer shows has
// happened). After a 429 the key waits Retry-After and the refused call
// goes again first, keeping its place (see rate_limited_retries). A
// waiting key never delays another key. A call that Slack never served (no
// answer, a 5xx) spends no pace, and a call still queued can be cancelled.
//
// Thread rule: every method runs on the loop thread; callbacks are called
// there too, exactly once, unless the client is destroyed first (then the
// calls still pending are dropped without a callback).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "bot/runtime/job_runner.h"
#include "pipeline/status.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter::slack {

struct WebApiOptions {
  std::string api_url = "https://slack.com/api/";
  std::string ca_file;  // extra trusted certificates (PEM); empty: none
  std::chrono::milliseconds timeout{10000};  // per request, connect included
  std::string bot_token;  // xoxb-
  std::string app_token;  // xapp-
  // chat.postMessage per channel: `post_burst` at once, then one per
  // `post_interval` (Slack: about one a second, short bursts allowed).
  std::chrono::milliseconds post_interval{1000};
  int post_burst = 3;
  // A call answered 429 is sent again, ahead of the calls queued behind it,
  // once Retry-After has passed: up to this many times, then the 429 is the
  // caller's (a job then waits on disk). Without it a refused hot lead's
  // post would go to the back of a shark tank's queue of later ones.
  int rate_limited_retries = 3;
  // Told of every call's HTTP status and error code once it completes (for
  // the Web API's health); may be empty.
  std::function<void(int http_status, const std::string& error)> on_result;
};

enum class TokenKind { kBot, kApp };

struct ApiResult {
  bool ok = false;
  nlohmann::json body;  // the parsed response; null when there was none
  // Slack's error code ("channel_not_found", "ratelimited"), or for a
  // failure below Slack: "http_<status>", "invalid_response",
  // "transport_error: <detail>", "insecure_url: <detail>".
  std::string error;
  int http_status = 0;  // 0 when no response arrived
  std::optional<std::chrono::seconds> retry_after;  // from a 429
  // The token's scopes as Slack lists them (x-oauth-scopes: "chat:write,
  // im:write"); "" when the answer did not say.
  std::string scopes;
  // Worth trying again later: 429, 5xx, transport errors, and Slack's
  // internal_error / fatal_error / request_timeout.
  bool retryable = false;
};

using ApiCallback = std::function<void(ApiResult)>;
// Names one call, for Cancel. Never 0.
using CallId = std::uint64_t;

class WebApiClient {
 public:
  // `loop` must outlive the client.
  WebApiClient(boost::asio::io_context& loop, WebApiOptions options);
  ~WebApiClient();
  WebApiClient(const WebApiClient&) = delete;
  WebApiClient& operator=(const WebApiClient&) = delete;

  // Whether the options are usable: `api_url` is https://, or http:// to a
  // loopback host, and `ca_file` loads. When not, every call fails at once,
  // not retryable, with this status's message as its error
  // ("insecure_url: …", "invalid_url: …", "ca_file: …").
  const Status& status() const;

  // Calls `method` with `args` as a JSON body (apps.connections.open: an
  // empty form body), authorised with the chosen token.
  CallId Call(const std::string& method, nlohmann::json args, TokenKind token,
              ApiCallback done);
  // Drops call `id` if it is still waiting for its turn: it is never sent
  // and its callback never runs; returns true. False when it was sent
  // already (its answer still comes) or is unknown.
  bool Cancel(CallId id);

  // Called (on the loop) when a call is answered by Slack after one or
  // more calls were not (no answer, or a 5xx): Slack is back. Calls of
  // apps.connections.open count for neither, so a Socket Mode endpoint that
  // keeps failing while the rest of the API works never signals this.
  void OnAnsweringAgain(std::function<void()> fn);
  // Whether the last call that settled it found Slack not answering.
  bool failing() const;

  void AuthTest(ApiCallback done);
  // `message` holds text/blocks/thread_ts…; `channel` is added to it.
  void PostMessage(const std::string& channel, nlohmann::json message,
                   ApiCallback done);
  void Update(const std::string& channel, const std::string& ts,
              nlohmann::json message, ApiCallback done);
  void PostEphemeral(const std::string& channel, const std::string& user,
                     nlohmann::json message, ApiCallback done);
  // conversations.open with one user: the DM channel is body.channel.id.
  void OpenConversation(const std::string& user, ApiCallback done);
  void UsersInfo(const std::string& user, ApiCallback done);
  // The newest 200 messages of `channel` (conversations.history), or of the
  // thread under `thread_ts` when given (conversations.replies), with every
  // message's metadata.
  void History(const std::string& channel, const std::string& thread_ts,
               ApiCallback done);

  // Calls made but not yet sent: waiting in their rate-limit lane. The job
  // runner does not count jobs waiting here against its in-flight limit.
  std::size_t waiting() const;
  // `fn` runs (on the loop) each time a call has to wait in its lane.
  void OnLaneWait(std::function<void()> fn);
  // apps.connections.open with the app token: body.url is the wss:// URL.
  CallId ConnectionsOpen(ApiCallback done);
  // Answers the clicker of an interaction only they see, through its
  // `response_url` (bot/slack/response_url.h), leaving the clicked message
  // as it is: no token, no rate-limit lane. A failure (expired, refused,
  // unreachable) is not retryable; the caller falls back to PostEphemeral.
  void RespondEphemeral(const std::string& response_url, nlohmann::json message,
                        ApiCallback done);

  // TCP connections opened so far (keep-alive reuse shows as few).
  std::size_t connections_opened() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// The name jobs waiting for Slack are recorded under (JobOutcome::service).
inline constexpr char kSlackService[] = "slack";

// Slack could not be reached or did not serve the call (no answer, 5xx,
// 429, or Slack's own internal_error / fatal_error / request_timeout):
// waiting fixes it.
bool IsUnavailable(const ApiResult& result);

// How the job runner should treat a call's result: unavailable (above) →
// wait for Slack (after Retry-After on a 429); other retryable failures
// (a garbled answer) → retry with backoff; any other failure
// (channel_not_found, invalid_auth…) → permanent; ok → done.
JobOutcome ToJobOutcome(const ApiResult& result);

}  // namespace leadrouter::slack
