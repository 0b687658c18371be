// Server identity checks shared by the Web API and Socket Mode clients, so
// both trust exactly the same servers: the chain must verify (system store
// plus ca_file, loaded into the context by the caller) and the certificate
// must name the host (a DNS name, sent as SNI) or the IP address (no SNI).
// Pure functions over an OpenSSL handle; any thread.
#pragma once

#include <string>

struct ssl_st;      // OpenSSL's SSL
struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace leadrouter::slack {

bool IsIpLiteral(const std::string& host);
// "localhost" or a loopback address (127.0.0.0/8, ::1).
bool IsLoopbackHost(const std::string& host);

// What SetUpClientTrust could not do; both empty when all went well.
struct ClientTrust {
  std::string store_warning;  // the system store did not load
  std::string ca_file_error;  // "ca_file: PATH: why"
};

// Sets up a client context the way every outbound connection of ours is
// made: TLS 1.2 or later, the system trust store, plus `ca_file` (PEM)
// when given. Contexts with the same ca_file share one store, loaded by the
// first: a CA file changed on disk is read again at the next start.
ClientTrust SetUpClientTrust(ssl_ctx_st* ctx, const std::string& ca_file);

// Sets up `ssl`, before its handshake, to verify the peer as `host`.
// Returns "" or what could not be set up.
std::string RequireServerIdentity(ssl_st* ssl, const std::string& host);

}  // namespace leadrouter::slack
