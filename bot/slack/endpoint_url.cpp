#include "bot/slack/endpoint_url.h"

#include <algorithm>
#include <cctype>

namespace leadrouter::slack {
namespace {

bool ValidPort(const std::string& port) {
  if (port.empty() || port.size() > 5) return false;
  if (!std::all_of(port.begin(), port.end(),
                   [](unsigned char c) { return std::isdigit(c); })) {
    return false;
  }
  const int value = std::stoi(port);
  return value >= 1 && value <= 65535;
}

}  // namespace

Result<EndpointUrl> ParseEndpointUrl(const std::string& url,
                                     const std::string& secure_scheme,
                                     const std::string& plain_scheme) {
  EndpointUrl out;
  std::string rest;
  const std::string secure = secure_scheme + "://";
  const std::string plain = plain_scheme + "://";
  if (url.rfind(secure, 0) == 0) {
    rest = url.substr(secure.size());
    out.port = "443";
  } else if (url.rfind(plain, 0) == 0) {
    rest = url.substr(plain.size());
    out.tls = false;
    out.port = "80";
  } else {
    return Status::InvalidArgument("must start with " + secure + " or " + plain);
  }
  const std::size_t path_at = rest.find_first_of("/?#");
  out.authority = rest.substr(0, path_at);
  out.target = path_at == std::string::npos ? "/" : rest.substr(path_at);
  if (const std::size_t hash = out.target.find('#'); hash != std::string::npos) {
    out.target.erase(hash);
  }
  if (out.target.empty() || out.target.front() != '/') out.target.insert(0, "/");
  if (out.authority.empty() || out.authority.find('@') != std::string::npos) {
    return Status::InvalidArgument("needs a host and no user info");
  }
  std::string port;
  bool has_port = false;
  if (out.authority.front() == '[') {
    const std::size_t close = out.authority.find(']');
    if (close == std::string::npos) {
      return Status::InvalidArgument("has an unclosed '['");
    }
    out.host = out.authority.substr(1, close - 1);
    const std::string after = out.authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Status::InvalidArgument("has a bad port");
      port = after.substr(1);
      has_port = true;
    }
  } else {
    const std::size_t colon = out.authority.rfind(':');
    out.host = out.authority.substr(0, colon);
    if (colon != std::string::npos) {
      port = out.authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (has_port) {
    if (!ValidPort(port)) return Status::InvalidArgument("has a bad port");
    out.port = port;
  }
  if (out.host.empty()) return Status::InvalidArgument("needs a host");
  std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace leadrouter::slack
