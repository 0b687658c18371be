// SmtpServer: a real SMTP server on 127.0.0.1 for tests (tests/support/
// smtp_sink.py on Debian's python3-aiosmtpd), run as a child process and
// spooling every accepted message into its own directory.
// Thread rule: one test thread.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/daemon_process.h"

namespace leadrouter::testing {

class SmtpServer {
 public:
  // `extra`: smtp_sink.py options (--reject ADDR, --tempfail ADDR, --tls-cert …).
  explicit SmtpServer(uint16_t port, std::vector<std::string> extra = {});
  ~SmtpServer();

  // Takes the server down (connections to its port are then refused) and
  // brings it back on the same port and spool.
  void Stop();
  void Start();

  std::string spool() const { return dir_.File("spool"); }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  uint16_t port() const { return port_; }

  // What the server accepted, in order: the sink's decoded view
  // (mail_from, rcpt_tos, headers, body, tls).
  std::vector<nlohmann::json> Messages() const;
  // The bytes of the n-th message (from 1), as received.
  std::string Raw(int n) const;

 private:
  TempDir dir_;
  uint16_t port_;
  std::vector<std::string> extra_;
  std::unique_ptr<DaemonProcess> process_;
  int starts_ = 0;
};

}  // namespace leadrouter::testing
