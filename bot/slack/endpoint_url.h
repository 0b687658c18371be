// EndpointUrl: a URL the Slack clients connect to (the Web API base, the
// Socket Mode link), taken apart the one way both need: scheme, host, port,
// Host header and target. Each caller then applies its own rules (a query
// or not, plain transport only to loopback). Pure; any thread.
#pragma once

#include <string>

#include "pipeline/status.h"

namespace leadrouter::slack {

struct EndpointUrl {
  bool tls = true;
  std::string host;       // lower case, IPv6 without brackets
  std::string port;       // digits; the scheme's default when absent
  std::string authority;  // as written: the Host header
  std::string target;     // path and query, no fragment; at least "/"
};

// Parses `url` whose scheme is `secure_scheme` (TLS, port 443 by default)
// or `plain_scheme` (port 80), e.g. "https"/"http" or "wss"/"ws". Refuses
// other schemes, user info, an empty host, a bad port or an unclosed IPv6
// bracket; the message says which.
Result<EndpointUrl> ParseEndpointUrl(const std::string& url,
                                     const std::string& secure_scheme,
                                     const std::string& plain_scheme);

}  // namespace leadrouter::slack
