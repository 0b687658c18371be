#include "bot/http/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cctype>

namespace leadrouter {

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument(quoted +
                                   " must be HOST:PORT, e.g. \"127.0.0.1:8080\"");
  }
  ListenAddress out;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  out.host = std::string(host);
  const std::string_view port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5) {
    return Status::InvalidArgument(
        "port \"" + std::string(port) + "\" in " + quoted +
        " is out of range 0-65535");
  }
  uint32_t value = 0;
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return Status::InvalidArgument("port \"" + std::string(port) + "\" in " +
                                     quoted + " is not a number");
    }
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value > 65535) {
    return Status::InvalidArgument("port " + std::to_string(value) + " in " +
                                   quoted + " is out of range 0-65535");
  }
  out.port = static_cast<uint16_t>(value);
  in6_addr scratch{};
  if (::inet_pton(AF_INET, out.host.c_str(), &scratch) != 1 &&
      ::inet_pton(AF_INET6, out.host.c_str(), &scratch) != 1) {
    return Status::InvalidArgument(
        "host \"" + out.host + "\" in " + quoted +
        " is not an IP address (use 127.0.0.1, 0.0.0.0 or [::1])");
  }
  return out;
}

}  // namespace leadrouter
