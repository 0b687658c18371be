#include "bot/slack/tls_verify.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

namespace leadrouter::slack {

bool IsIpLiteral(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const boost::asio::ip::address address =
      boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

namespace {

std::string LastOpenSslError() {
  char text[256] = "unknown error";
  if (unsigned long code = ERR_get_error()) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

}  // namespace

ClientTrust SetUpClientTrust(SSL_CTX* ctx, const std::string& ca_file) {
  ClientTrust out;
  SSL_CTX_set_options(ctx, SSL_OP_ALL);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_set_default_verify_paths(ctx) != 1) out.store_warning = LastOpenSslError();
  if (!ca_file.empty() && SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
    out.ca_file_error = "ca_file: " + ca_file + ": " + LastOpenSslError();
  }
  return out;
}

std::string RequireServerIdentity(SSL* ssl, const std::string& host) {
  // OpenSSL checks the name during chain verification, so a mismatch fails
  // the handshake with "certificate verify failed" like a bad chain does.
  SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (IsIpLiteral(host)) {
    // No SNI for addresses; the certificate must name the address.
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
      return "tls: cannot check the address " + host;
    }
    return "";
  }
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    return "tls: cannot set SNI for " + host;
  }
  // "*.example.com" matches one whole label, never "f*.example.com".
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, host.c_str()) != 1) {
    return "tls: cannot check the host name " + host;
  }
  return "";
}

}  // namespace leadrouter::slack
