// HttpServer: the HTTP/1.1 server for intake and health, on the daemon's one
// event loop. Keep-alive, pipelined requests answered in order, body and
// head size limits, per-phase timeouts, and nothing a client sends can bring
// it down. Handlers answer through a Responder, possibly later (after a
// database commit).
// Thread rule: everything runs on the loop thread, Responders included.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/status.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

struct HttpRequest {
  std::string method;
  std::string target;  // as sent, query included
  std::string path;    // target without the query
  std::map<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;
  std::string remote_ip;
  // When it was read whole (stage_trace::SteadyNowNs), if the stage trace
  // is on; else 0.
  int64_t read_at_ns = 0;
  // The header's value, or "" when absent.
  std::string Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Json(int status, const nlohmann::json& body);
  // {"error": message, "field": field}; "field" is left out when empty.
  static HttpResponse Error(int status, std::string message,
                            std::string field = "");
};

// Call exactly once, on the loop thread.
using Responder = std::function<void(HttpResponse)>;
using Handler = std::function<void(const HttpRequest&, Responder)>;

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";
  size_t body_limit = 64 * 1024;
  size_t header_limit = 16 * 1024;
  // The request head must arrive within this once a request starts (and the
  // first bytes of a new connection within this too).
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  // Between requests on a keep-alive connection.
  std::chrono::milliseconds idle_timeout{60000};
  // Connections beyond this get a plain 503 (after the oldest idle one has
  // been closed to make room, when there is one). The daemon derives it from
  // the descriptor limit: see bot/http/connection_cap.h.
  size_t max_connections = 1024;
  // After accept() fails for want of descriptors (EMFILE/ENFILE), how long
  // to wait before accepting again, so the loop does not spin on the error.
  std::chrono::milliseconds accept_pause{100};
};

class HttpServer {
 public:
  // `loop` must outlive the server.
  HttpServer(boost::asio::io_context& loop, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Route(std::string method, std::string path, Handler handler);
  // Requests to `path` may carry bodies up to `limit` bytes instead of
  // options.body_limit (raw e-mail is larger than a JSON lead).
  void BodyLimit(std::string path, size_t limit);
  // Binds and starts accepting; the Status names the address on failure.
  Status Start();
  // Stops accepting and closes every connection. Idempotent.
  void Stop();
  // The bound port (useful with "127.0.0.1:0").
  uint16_t port() const;
  size_t open_connections() const;
  // Open connections waiting for a request (new or kept alive): the ones
  // closed first to make room.
  size_t idle_connections() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace leadrouter
