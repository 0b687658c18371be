// The intake server's `listen` value, "HOST:PORT": read once, the same way
// by check-config and by the server, so a value the config accepts is one
// the server can bind. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/status.h"

namespace leadrouter {

struct ListenAddress {
  std::string host;  // an IP literal, brackets of "[::1]" removed
  uint16_t port = 0;  // 0: any free port
};

// "127.0.0.1:8080" or "[::1]:8080". Fails with a message that says what is
// wrong ("port 80800 is out of range 0-65535") for a missing colon, a port
// that is not a number in range, or a host that is not an IP address.
Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace leadrouter
