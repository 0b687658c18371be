// Test helpers for TLS: a self-signed certificate made at test time (for
// localhost and 127.0.0.1) and a small HTTPS + wss:// server on 127.0.0.1
// that answers every HTTP request with a JSON body and every WebSocket
// upgrade with {"type":"hello"}. Runs on the test's loop; only the .cpp
// includes Beast. Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace leadrouter::testing {

class TempDir;

struct TestCertificate {
  std::string cert_file;  // PEM; also the CA file that trusts it
  std::string key_file;
};

// Runs `openssl req` to make a one-day certificate in `dir` for the
// subjectAltName `names`. Throws std::runtime_error when openssl fails.
TestCertificate MakeSelfSignedCertificate(
    const TempDir& dir,
    const std::string& names = "DNS:localhost,IP:127.0.0.1");

class TlsTestServer {
 public:
  // Gets the request target, returns the response body.
  using BodyFn = std::function<std::string(const std::string& target)>;

  // Listens on 127.0.0.1 on a free port at once. `loop` must outlive it.
  TlsTestServer(boost::asio::io_context& loop,
                const TestCertificate& certificate);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  uint16_t port() const;
  // The body of every HTTP answer; {"ok":true} by default.
  void SetBody(BodyFn body);
  int served() const;    // HTTP answers written
  int upgraded() const;  // WebSockets that were sent hello
  void Close();          // stops accepting

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace leadrouter::testing
