// A real Prometheus server (Debian's `prometheus`) on 127.0.0.1 for tests:
// its own data folder, one scrape job aimed at a leadrouter port, scraping
// every second. For tests only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_process.h"

namespace leadrouter::testing {

class PrometheusServer {
 public:
  // Starts scraping http://127.0.0.1:`target_port`/metrics (with `bearer`
  // when not empty) and waits until Prometheus says it is ready. Throws
  // std::runtime_error when the binary is missing or never becomes ready.
  explicit PrometheusServer(uint16_t target_port, const std::string& bearer = "");

  // The instant-vector result of `promql` (the API's data.result), or
  // nullopt while the query fails.
  std::optional<nlohmann::json> Query(const std::string& promql);

  uint16_t port() const { return port_; }

 private:
  TempDir dir_;
  uint16_t port_;
  std::unique_ptr<DaemonProcess> process_;
};

// Where the Prometheus tools are: /usr/bin unless PROMETHEUS_BIN_DIR says.
std::string PrometheusTool(const std::string& name);

// The value of the sample in `text` (Prometheus's text format) whose line
// starts with `series` exactly ("name" or "name{labels}"); nullopt when
// there is none.
std::optional<double> Sample(const std::string& text, const std::string& series);

}  // namespace leadrouter::testing
