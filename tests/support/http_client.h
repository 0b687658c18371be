// Test HTTP helpers: the blocking client from bot/http/http_client.h under
// its test names, plus a raw socket for sending bytes no well-behaved client
// would. For tests only.
// Thread rule: one object per thread; calls block until answered or timed out.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "bot/http/http_client.h"

namespace leadrouter::test {

// The client itself lives in bot/ (the demo uses it too); these names keep
// the tests' spelling.
using ::leadrouter::ClientResponse;
using ::leadrouter::HeaderList;
using ::leadrouter::HttpClient;

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
