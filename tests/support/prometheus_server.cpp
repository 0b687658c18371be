#include "tests/support/prometheus_server.h"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "bot/http/http_client.h"

namespace leadrouter::testing {
namespace {

std::string UrlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string PrometheusTool(const std::string& name) {
  const char* dir = std::getenv("PROMETHEUS_BIN_DIR");
  return std::string(dir && *dir ? dir : "/usr/bin") + "/" + name;
}

PrometheusServer::PrometheusServer(uint16_t target_port, const std::string& bearer)
    : port_(FreePort()) {
  const std::string binary = PrometheusTool("prometheus");
  if (access(binary.c_str(), X_OK) != 0) {
    throw std::runtime_error(binary + " is not installed (Debian package prometheus)");
  }
  std::string config =
      "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
      "scrape_configs:\n  - job_name: leadrouter\n"
      "    static_configs:\n      - targets: ['127.0.0.1:" +
      std::to_string(target_port) + "']\n";
  if (!bearer.empty()) {
    config += "    authorization:\n      credentials: '" + bearer + "'\n";
  }
  WriteFile(dir_.File("prometheus.yml"), config);
  process_ = std::make_unique<DaemonProcess>(
      binary,
      std::vector<std::string>{"--config.file=" + dir_.File("prometheus.yml"),
                               "--storage.tsdb.path=" + dir_.File("data"),
                               "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
      std::map<std::string, std::string>{}, dir_.File("prometheus.log"));
  if (!process_->WaitForPort(port_, std::chrono::seconds(60))) {
    throw std::runtime_error("prometheus did not start: " + process_->Log());
  }
  HttpClient client(port_);
  for (int i = 0; i < 600; ++i) {
    try {
      if (client.Send("GET", "/-/ready", {}, "").status == 200) return;
    } catch (const std::exception&) {
      client.Close();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("prometheus never became ready: " + process_->Log());
}

std::optional<nlohmann::json> PrometheusServer::Query(const std::string& promql) {
  HttpClient client(port_);
  ClientResponse r = client.Send("GET", "/api/v1/query?query=" + UrlEncode(promql), {}, "");
  if (r.status != 200) return std::nullopt;
  nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
  if (!body.is_object() || body.value("status", "") != "success") return std::nullopt;
  return body["data"]["result"];
}

std::optional<double> Sample(const std::string& text, const std::string& series) {
  size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      return std::stod(text.substr(at + series.size() + 1));
    }
    at += series.size();
  }
  return std::nullopt;
}

}  // namespace leadrouter::testing
