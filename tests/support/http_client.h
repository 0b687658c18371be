// Blocking HTTP/1.1 test client for loopback servers, plus a raw socket for
// sending bytes no well-behaved client would. For tests only.
// Thread rule: one object per thread; calls block until answered or timed out.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leadrouter::test {

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

// A plain TCP connection for arbitrary bytes.
class RawConnection {
 public:
  // Throws std::runtime_error when it cannot connect.
  explicit RawConnection(uint16_t port, std::string host = "127.0.0.1");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Writes every byte; false when the peer has gone.
  bool Write(std::string_view bytes);
  // Reads until `needle` has arrived, the peer closes, or `timeout` passes;
  // returns everything read by this call.
  std::string ReadUntil(std::string_view needle,
                        std::chrono::milliseconds timeout);
  // Reads until the peer closes or `timeout` passes.
  std::string ReadUntilClosed(std::chrono::milliseconds timeout);
  std::string ReadAll(
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return ReadUntilClosed(timeout);
  }
  // True once a read has seen the peer close (FIN or reset).
  bool peer_closed() const { return peer_closed_; }

 private:
  int fd_ = -1;
  bool peer_closed_ = false;
};

// Connects, writes `bytes`, and returns everything read until the peer
// closes or `timeout` passes.
std::string RawExchange(
    uint16_t port, std::string_view bytes,
    std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace leadrouter::test
