// HttpsClient: the one HTTP/1.1 client for the services the daemon calls
// out to (Slack's Web API, Twilio, outbound webhooks), all on one host per
// client, the host of `base_url`.
//
// Transport: TLS verified against the system trust store plus `ca_file`,
// with SNI and host name (or address) checks; plain http:// only to a
// loopback host. A small pool of idle keep-alive connections is reused;
// requests run concurrently, each on a connection of its own. A reused
// connection that the server had closed meanwhile is retried once on a new
// one. No redirects, no rate limiting, no retries of answered requests.
//
// Logs (under `log_name`) a request's method, status and time at debug
// level; never a header, a body or the target (URLs and headers carry
// secrets).
//
// Thread rule: every method runs on the loop thread; `done` is called there
// too, exactly once, unless the client is destroyed first (then requests in
// flight are cancelled and dropped without a callback).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bot/http/http_client.h"  // HeaderList
#include "pipeline/status.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

struct HttpsClientOptions {
  // "https://api.twilio.com" or "http://127.0.0.1:PORT/x" (plain http only
  // to a loopback host). A query is kept after every request's path.
  std::string base_url;
  std::string ca_file;  // extra trusted PEM; empty: system store only
  std::chrono::milliseconds timeout{10000};  // per request, connect included
  std::size_t max_idle = 4;                  // idle connections kept
  std::string log_name = "https";  // for log lines ("slack.api", "twilio")
  // The config key `base_url` came from, for status messages
  // ("invalid_url: api_url must start with …").
  std::string url_key = "base_url";
};

struct HttpsRequest {
  std::string method = "POST";
  // Appended to base_url's path ("" means the path itself; one '/' between
  // them either way).
  std::string target;
  HeaderList headers;  // Host, User-Agent and Content-Length are set for you
  std::string body;
  // Whether the request may be sent again on a new connection when a
  // reused one fails after the request was written. False for a request
  // whose effect must not happen twice (a Slack post): the server may have
  // acted on it, and the caller decides what to do instead.
  bool repeatable = true;
  // Marks stage_trace's kSlackWritten and kSlackAnswered (a lead's post).
  bool trace_stages = false;
};

struct HttpsResponse {
  int status = 0;  // 0: no response (see transport_error)
  HeaderList headers;
  std::string body;
  // Non-empty when no response arrived: what went wrong, naming the step
  // and the host ("connect 127.0.0.1:9: Connection refused", "no answer
  // from api.twilio.com within 10000 ms"), or the client's status message
  // when it is not usable.
  std::string transport_error;

  // The first header with this name (case-insensitive), "" when absent.
  std::string Header(std::string_view name) const;
  // Retry-After in its delta-seconds form; nullopt when absent or an HTTP
  // date (then the caller's own backoff applies).
  std::optional<std::chrono::seconds> RetryAfter() const;
};

class HttpsClient {
 public:
  // `loop` must outlive the client.
  HttpsClient(boost::asio::io_context& loop, HttpsClientOptions options);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Whether the options are usable: `base_url` parses ("invalid_url: …"),
  // is https:// or http:// to a loopback host ("insecure_url: …"), and
  // `ca_file` loads ("ca_file: …"). When not, every Send fails at once
  // (status 0, transport_error this status's message) without a
  // connection.
  const Status& status() const;

  // Sends `request`; `done` gets the answer, whatever its status, or a
  // transport error. A header name or value holding CR or LF is refused
  // as a transport error without a connection.
  void Send(HttpsRequest request, std::function<void(HttpsResponse)> done);

  // TCP connections opened so far (keep-alive reuse shows as few).
  std::size_t connections_opened() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace leadrouter
