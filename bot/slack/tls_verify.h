// Server identity checks shared by the Web API and Socket Mode clients, so
// both trust exactly the same servers: the chain must verify (system store
// plus ca_file, loaded into the context by the caller) and the certificate
// must name the host (a DNS name, sent as SNI) or the IP address (no SNI).
// Pure functions over an OpenSSL handle; any thread.
#pragma once

#include <string>

struct ssl_st;  // OpenSSL's SSL

namespace leadrouter::slack {

bool IsIpLiteral(const std::string& host);
// "localhost" or a loopback address (127.0.0.0/8, ::1).
bool IsLoopbackHost(const std::string& host);

// Sets up `ssl`, before its handshake, to verify the peer as `host`.
// Returns "" or what could not be set up.
std::string RequireServerIdentity(ssl_st* ssl, const std::string& host);

}  // namespace leadrouter::slack
