// Test helpers for slack-sim: SimProcess runs the binary (or $SLACK_SIM)
// on a free port, through tests/support's DaemonProcess;
// Http() is a blocking HTTP/1.1 call; WsClient is a small Socket Mode
// client whose reads take a timeout. Only sim_test_client.cpp includes Beast.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/daemon_process.h"

namespace slack_sim_test {

class SimProcess {
 public:
  explicit SimProcess(std::vector<std::string> extra_args = {});
  ~SimProcess();  // SIGTERM, then SIGKILL
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;
  uint16_t port() const { return port_; }
  bool running();

 private:
  leadrouter::testing::TempDir dir_;
  std::unique_ptr<leadrouter::testing::DaemonProcess> process_;
  uint16_t port_ = 0;
};

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json Json() const {
    return nlohmann::json::parse(body, nullptr, false);
  }
};

HttpResult Http(uint16_t port, const std::string& method,
                const std::string& target, const std::string& body = "",
                const std::string& content_type = "",
                const std::string& authorization = "");

// POST a JSON body to /_sim/<what> and parse the answer.
nlohmann::json Control(uint16_t port, const std::string& what,
                       const nlohmann::json& body = nlohmann::json::object());
nlohmann::json ControlGet(uint16_t port, const std::string& what);

// Web API call with a JSON body and a bearer token.
HttpResult Api(uint16_t port, const std::string& method,
               const nlohmann::json& body,
               const std::string& token = "xoxb-test");

class WsClient {
 public:
  // Connects to a ws://127.0.0.1:PORT/… URL from apps.connections.open.
  explicit WsClient(const std::string& url);
  ~WsClient();
  // Next text frame as JSON, or nullopt after `timeout`.
  std::optional<nlohmann::json> Read(std::chrono::milliseconds timeout);
  void SendText(const std::string& text);
  void Ping(const std::string& payload);
  // Runs I/O for `duration` (collects pings/pongs/frames meanwhile).
  void Pump(std::chrono::milliseconds duration);
  // Ends our side of the connection and reads until the server closes its
  // side, so every frame it sent before is counted; true when it closed
  // within `timeout`.
  bool HangUp(std::chrono::milliseconds timeout);
  bool closed() const;
  // Text frames received and not yet read.
  std::size_t unread() const;
  int server_pings() const;
  std::vector<std::string> pong_payloads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// apps.connections.open with the app token, then connect.
std::string OpenUrl(uint16_t port, const std::string& token = "xapp-test");

}  // namespace slack_sim_test
