#include "tests/support/python_sim.h"

#include <map>
#include <stdexcept>

#include "bot/http/http_client.h"
#include "tests/support/daemon_process.h"

namespace leadrouter::testing {
namespace {

constexpr char kPython[] = "/usr/bin/python3";

}  // namespace

PythonSim::PythonSim(const std::string& script,
                     const std::vector<std::string>& args)
    : script_(script), dir_(std::make_unique<TempDir>()) {
  std::vector<std::string> argv{std::string(LEADROUTER_SOURCE_DIR) +
                                "/tests/support/" + script};
  argv.insert(argv.end(), args.begin(), args.end());
  process_ = std::make_unique<DaemonProcess>(
      kPython, argv, std::map<std::string, std::string>{},
      dir_->File(script + ".log"));
  port_ = WaitForPrintedPort(*process_, script);
  client_ = std::make_unique<HttpClient>(port_);
}

PythonSim::~PythonSim() = default;

std::string PythonSim::origin() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string PythonSim::Log() const { return process_ ? process_->Log() : ""; }

nlohmann::json PythonSim::Get(const std::string& path) {
  ClientResponse response = client_->Send("GET", path);
  if (response.status != 200) {
    throw std::runtime_error(script_ + " " + path + ": HTTP " +
                             std::to_string(response.status));
  }
  return nlohmann::json::parse(response.body);
}

void PythonSim::Post(const std::string& path, const nlohmann::json& body) {
  ClientResponse response = client_->Send(
      "POST", path, {{"Content-Type", "application/json"}}, body.dump());
  if (response.status != 200) {
    throw std::runtime_error(script_ + " " + path + ": HTTP " +
                             std::to_string(response.status));
  }
}

}  // namespace leadrouter::testing
