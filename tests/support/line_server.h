// LineServer: a server on 127.0.0.1 for one client of a line-based protocol
// (IMAP, SMTP), for tests of what a client does when a server behaves in
// ways a real one rarely does on purpose: goes quiet mid-conversation. It
// sends `greeting`, then answers each CRLF-ended line with what `answer`
// returns (nullopt: no answer at all). A DATA-like body is just lines.
// Thread rule: construct and read on the test's thread; `answer` runs on
// the server's own.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace leadrouter::testing {

class LineServer {
 public:
  using Answer = std::function<std::optional<std::string>(const std::string& line)>;
  LineServer(std::string greeting, Answer answer);
  ~LineServer();
  LineServer(const LineServer&) = delete;
  LineServer& operator=(const LineServer&) = delete;

  uint16_t port() const { return port_; }
  // True once the client closed its end (waits up to five seconds for it).
  bool WaitForClientGone() const;

 private:
  void Serve();
  void Send(const std::string& text);

  const std::string greeting_;
  const Answer answer_;
  int listener_ = -1;
  std::atomic<int> client_{-1};
  uint16_t port_ = 0;
  std::atomic<bool> gone_{false};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace leadrouter::testing
