// PythonSim: one stand-in service written in Python (tests/support/*.py,
// standard library only) run as a child process for the test's lifetime:
// started, its printed port awaited, its JSON controls called.
// Thread rule: one object per thread; calls block until answered. Failures
// to start or to reach the stand-in throw std::runtime_error.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace leadrouter {
class HttpClient;
}

namespace leadrouter::testing {

class DaemonProcess;
class TempDir;

class PythonSim {
 public:
  // Runs tests/support/`script` with `args`; it prints "PORT <n>" first.
  PythonSim(const std::string& script, const std::vector<std::string>& args);
  ~PythonSim();  // kills the stand-in
  PythonSim(const PythonSim&) = delete;
  PythonSim& operator=(const PythonSim&) = delete;

  uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT".
  std::string origin() const;
  // GET `path`, parsed; throws unless 200.
  nlohmann::json Get(const std::string& path);
  // POST `body` as JSON to `path`; throws unless 200.
  void Post(const std::string& path, const nlohmann::json& body);
  std::string Log() const;

 private:
  std::string script_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<DaemonProcess> process_;
  uint16_t port_ = 0;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace leadrouter::testing
