#include "tests/support/twilio_sim.h"

#include <chrono>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bot/http/http_client.h"
#include "tests/support/daemon_process.h"

namespace leadrouter::testing {
namespace {

// Debian's interpreter; the stand-in needs nothing beyond its stdlib.
constexpr char kPython[] = "/usr/bin/python3";
constexpr auto kStartTimeout = std::chrono::seconds(20);

// The n of the "PORT <n>" line the stand-in prints first, or 0 while it has
// not printed it.
uint16_t PortFromLog(const std::string& log) {
  const std::size_t at = log.find("PORT ");
  if (at == std::string::npos) return 0;
  const std::size_t end = log.find('\n', at);
  if (end == std::string::npos) return 0;
  const int port = std::stoi(log.substr(at + 5, end - at - 5));
  return port > 0 && port < 65536 ? static_cast<uint16_t>(port) : 0;
}

}  // namespace

TwilioSim::TwilioSim(std::string account_sid, std::string auth_token)
    : account_sid_(std::move(account_sid)),
      auth_token_(std::move(auth_token)),
      dir_(std::make_unique<TempDir>()) {
  process_ = std::make_unique<DaemonProcess>(
      kPython,
      std::vector<std::string>{LEADROUTER_SOURCE_DIR "/tests/support/twilio_sim.py",
                               "--account-sid", account_sid_, "--auth-token", auth_token_},
      std::map<std::string, std::string>{}, dir_->File("twilio_sim.log"));
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (port_ == 0) {
    port_ = PortFromLog(Log());
    if (port_ != 0) break;
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("twilio_sim.py did not start: " + Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  client_ = std::make_unique<HttpClient>(port_);
}

TwilioSim::~TwilioSim() = default;

std::string TwilioSim::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string TwilioSim::hook_url(const std::string& name) const {
  return base_url() + "/hook/" + name;
}

nlohmann::json TwilioSim::Messages() { return Get("/_sim/messages"); }
nlohmann::json TwilioSim::Hooks() { return Get("/_sim/hooks"); }
nlohmann::json TwilioSim::Requests() { return Get("/_sim/requests"); }
void TwilioSim::Script(const nlohmann::json& rule) { Post("/_sim/script", rule); }
void TwilioSim::Reset() { Post("/_sim/reset", nlohmann::json::object()); }

std::string TwilioSim::Log() const { return process_ ? process_->Log() : ""; }

nlohmann::json TwilioSim::Get(const std::string& path) {
  ClientResponse response = client_->Send("GET", path);
  if (response.status != 200) {
    throw std::runtime_error("twilio_sim " + path + ": HTTP " + std::to_string(response.status));
  }
  return nlohmann::json::parse(response.body);
}

void TwilioSim::Post(const std::string& path, const nlohmann::json& body) {
  ClientResponse response = client_->Send(
      "POST", path, {{"Content-Type", "application/json"}}, body.dump());
  if (response.status != 200) {
    throw std::runtime_error("twilio_sim " + path + ": HTTP " + std::to_string(response.status));
  }
}

}  // namespace leadrouter::testing
