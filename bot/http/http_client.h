// HttpClient: a small blocking HTTP/1.1 client for loopback servers (the
// demo drives slack-sim and the daemon with it; tests use it too). Plain
// http only, no TLS, no redirects. Beast stays in http_client.cpp.
// Thread rule: one object per thread; calls block until answered or timed
// out.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leadrouter {

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = false;
  // The first header with this name (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One persistent keep-alive connection to host:port, opened on first use
// and reopened after the server closes it.
class HttpClient {
 public:
  explicit HttpClient(
      uint16_t port, std::string host = "127.0.0.1",
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads its answer. Content-Length is set from
  // `body` unless `headers` carries Content-Length or Transfer-Encoding.
  // Throws std::runtime_error on a transport error or timeout (and drops
  // the connection).
  ClientResponse Send(std::string method, std::string target,
                      const HeaderList& headers = {}, std::string body = "");
  // How many TCP connections this client has opened so far.
  int connections_opened() const;
  void Close();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadrouter
