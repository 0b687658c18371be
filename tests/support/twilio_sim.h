// TwilioSim: runs tests/support/twilio_sim.py (a stand-in for Twilio's
// Messages API plus a generic webhook receiver on 127.0.0.1) as a child
// process for the test's lifetime, and talks to its /_sim controls over
// the blocking bot/http/http_client.h. See the script's docstring for what
// it answers and what it records.
// Thread rule: one object per thread; calls block until answered. Failures
// to start or to reach the stand-in throw std::runtime_error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace leadrouter {
class HttpClient;
}

namespace leadrouter::testing {

class DaemonProcess;
class TempDir;

class TwilioSim {
 public:
  // A real-looking account sid ("AC" + 32 hex) and a test token.
  static constexpr char kAccountSid[] = "AC0123456789abcdef0123456789abcdef";
  static constexpr char kAuthToken[] = "sim-token-5f2c9a1e";

  // Starts the stand-in with these credentials and waits for its port.
  explicit TwilioSim(std::string account_sid = kAccountSid,
                     std::string auth_token = kAuthToken);
  ~TwilioSim();  // kills the stand-in
  TwilioSim(const TwilioSim&) = delete;
  TwilioSim& operator=(const TwilioSim&) = delete;

  uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT": TwilioOptions::base_url.
  std::string base_url() const;
  // "http://127.0.0.1:PORT/hook/<name>": a WebhookOptions::url.
  std::string hook_url(const std::string& name = "events") const;
  const std::string& account_sid() const { return account_sid_; }
  const std::string& auth_token() const { return auth_token_; }

  // Every accepted message, in order: to, from, messaging_service_sid,
  // body, sid, received_at, form.
  nlohmann::json Messages();
  // Every webhook request, in order: path, headers (as sent), body,
  // received_at, status.
  nlohmann::json Hooks();
  // Every Messages.json request, accepted or not: path, form,
  // content_type, auth_user, status.
  nlohmann::json Requests();
  // Adds a rule: {"to"?, "path"?, "status", "code"?, "message"?, "times"?,
  // "retry_after"?, "delay_ms"?, "body"?}.
  void Script(const nlohmann::json& rule);
  void Reset();
  // What the stand-in wrote to stdout and stderr.
  std::string Log() const;

 private:
  nlohmann::json Get(const std::string& path);
  void Post(const std::string& path, const nlohmann::json& body);

  std::string account_sid_;
  std::string auth_token_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<DaemonProcess> process_;
  uint16_t port_ = 0;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace leadrouter::testing
