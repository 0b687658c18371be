#include "sim_options.h"

#include <cstdlib>
#include <sstream>

namespace slack_sim {
namespace {

constexpr const char* kUsage =
    "usage: slack-sim [--port N] [--port-file PATH] [--bot-token T] "
    "[--app-token T]\n"
    "                 [--app-id A…] [--ack-timeout 3s] [--redelivery-delays "
    "1s,60s,300s]\n"
    "                 [--ping-interval 5s] [--post-rate 1/s] [--post-burst 3]\n"
    "                 [--max-sockets 10] [--scopes chat:write,im:write,…]\n";

std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || value < 0) return std::nullopt;
  return value;
}

// "1/s", "30/m" or a bare number per second.
std::optional<double> ParseRate(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return ParseNumber(text);
  auto count = ParseNumber(text.substr(0, slash));
  std::string unit = text.substr(slash + 1);
  if (!count) return std::nullopt;
  if (unit == "s") return *count;
  if (unit == "m") return *count / 60.0;
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(
    const std::string& text) {
  double scale = 1000.0;
  std::string number = text;
  if (text.size() > 2 && text.ends_with("ms")) {
    scale = 1.0;
    number = text.substr(0, text.size() - 2);
  } else if (!text.empty() && text.back() == 's') {
    number = text.substr(0, text.size() - 1);
  } else if (!text.empty() && text.back() == 'm') {
    scale = 60000.0;
    number = text.substr(0, text.size() - 1);
  }
  auto value = ParseNumber(number);
  if (!value) return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(*value * scale + 0.5));
}

std::string ParseOptions(int argc, const char* const* argv, Options& out) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") return kUsage;
    if (i + 1 >= argc) return "missing value for " + flag + "\n" + kUsage;
    std::string value = argv[++i];
    auto bad = [&] { return "bad value for " + flag + ": " + value + "\n"; };
    if (flag == "--port") {
      auto n = ParseNumber(value);
      if (!n || *n > 65535) return bad();
      out.port = static_cast<uint16_t>(*n);
    } else if (flag == "--port-file") {
      out.port_file = value;
    } else if (flag == "--bot-token") {
      out.bot_token = value;
    } else if (flag == "--app-token") {
      out.app_token = value;
    } else if (flag == "--app-id") {
      out.app_id = value;
    } else if (flag == "--ack-timeout" || flag == "--ping-interval") {
      auto d = ParseDuration(value);
      if (!d || d->count() <= 0) return bad();
      (flag == "--ack-timeout" ? out.ack_timeout : out.ping_interval) = *d;
    } else if (flag == "--redelivery-delays") {
      out.redelivery_delays.clear();
      std::stringstream parts(value);
      std::string part;
      while (std::getline(parts, part, ',')) {
        if (part.empty()) continue;
        auto d = ParseDuration(part);
        if (!d) return bad();
        out.redelivery_delays.push_back(*d);
      }
    } else if (flag == "--post-rate") {
      auto r = ParseRate(value);
      if (!r || *r <= 0) return bad();
      out.post_rate_per_second = *r;
    } else if (flag == "--post-burst" || flag == "--max-sockets") {
      auto n = ParseNumber(value);
      if (!n || *n < 1) return bad();
      (flag == "--post-burst" ? out.post_burst : out.max_sockets) =
          static_cast<int>(*n);
    } else if (flag == "--scopes") {
      out.scopes = value;
    } else {
      return "unknown flag " + flag + "\n" + kUsage;
    }
  }
  return "";
}

}  // namespace slack_sim
