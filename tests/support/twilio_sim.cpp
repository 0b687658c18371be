#include "tests/support/twilio_sim.h"

#include <map>
#include <stdexcept>
#include <vector>

#include "bot/http/http_client.h"
#include "tests/support/daemon_process.h"

namespace leadrouter::testing {
namespace {

// Debian's interpreter; the stand-in needs nothing beyond its stdlib.
constexpr char kPython[] = "/usr/bin/python3";

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
  port_ = WaitForPrintedPort(*process_, "twilio_sim.py");
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
