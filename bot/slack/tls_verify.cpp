#include "bot/slack/tls_verify.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <map>
#include <mutex>

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

struct TrustStore {
  X509_STORE* store = nullptr;  // owned by the cache below, for the process
  std::string warning;          // the system store did not load
};

// The system's trust store plus `ca_file`, loaded once per distinct
// ca_file for the whole process: loading it parses the whole CA bundle,
// about 0.9 MB of heap, and the daemon makes a context for the Web API,
// Socket Mode and each outside service it calls. A ca_file that does not
// load is not kept, so every client that names it says so.
TrustStore StoreFor(const std::string& ca_file, std::string* ca_file_error) {
  static std::mutex mu;
  static std::map<std::string, TrustStore>* cache = new std::map<std::string, TrustStore>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(ca_file);
  if (it != cache->end()) return it->second;
  TrustStore loaded;
  loaded.store = X509_STORE_new();
  if (loaded.store == nullptr) {
    *ca_file_error = "tls: " + LastOpenSslError();
    return loaded;
  }
  if (X509_STORE_set_default_paths(loaded.store) != 1) loaded.warning = LastOpenSslError();
  if (!ca_file.empty() &&
      X509_STORE_load_locations(loaded.store, ca_file.c_str(), nullptr) != 1) {
    *ca_file_error = "ca_file: " + ca_file + ": " + LastOpenSslError();
    X509_STORE_free(loaded.store);
    loaded.store = nullptr;
    return loaded;
  }
  return cache->emplace(ca_file, loaded).first->second;
}

}  // namespace

ClientTrust SetUpClientTrust(SSL_CTX* ctx, const std::string& ca_file) {
  ClientTrust out;
  SSL_CTX_set_options(ctx, SSL_OP_ALL);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  const TrustStore trust = StoreFor(ca_file, &out.ca_file_error);
  out.store_warning = trust.warning;
  // Shared, counted: the context holds a reference of its own.
  if (trust.store != nullptr) SSL_CTX_set1_cert_store(ctx, trust.store);
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
