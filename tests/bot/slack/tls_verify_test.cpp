#include "bot/slack/tls_verify.h"

#include <openssl/ssl.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "tests/support/daemon_process.h"
#include "tests/support/tls_test_server.h"

using leadrouter::slack::SetUpClientTrust;
using leadrouter::testing::MakeSelfSignedCertificate;
using leadrouter::testing::TempDir;

namespace {

using Context = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;

Context NewContext() { return Context(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free); }

// Whether `ctx`'s store trusts the self-signed `cert_file` as it is.
bool Trusts(SSL_CTX* ctx, const std::string& cert_file) {
  BIO* bio = BIO_new_file(cert_file.c_str(), "r");
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  X509_STORE_CTX* check = X509_STORE_CTX_new();
  X509_STORE_CTX_init(check, SSL_CTX_get_cert_store(ctx), cert, nullptr);
  const bool ok = X509_verify_cert(check) == 1;
  X509_STORE_CTX_free(check);
  X509_free(cert);
  return ok;
}

}  // namespace

TEST_CASE("contexts with the same ca_file share one trust store, loaded once",
          "[bot][slack][tls]") {
  TempDir dir;
  const auto cert = MakeSelfSignedCertificate(dir);
  Context a = NewContext(), b = NewContext(), c = NewContext(), d = NewContext();
  REQUIRE(SetUpClientTrust(a.get(), "").ca_file_error.empty());
  REQUIRE(SetUpClientTrust(b.get(), "").ca_file_error.empty());
  REQUIRE(SetUpClientTrust(c.get(), cert.cert_file).ca_file_error.empty());
  REQUIRE(SetUpClientTrust(d.get(), cert.cert_file).ca_file_error.empty());
  CHECK(SSL_CTX_get_cert_store(a.get()) == SSL_CTX_get_cert_store(b.get()));
  CHECK(SSL_CTX_get_cert_store(c.get()) == SSL_CTX_get_cert_store(d.get()));
  CHECK(SSL_CTX_get_cert_store(a.get()) != SSL_CTX_get_cert_store(c.get()));
  // The extra certificate is trusted where it was named, and nowhere else.
  CHECK(Trusts(c.get(), cert.cert_file));
  CHECK(Trusts(d.get(), cert.cert_file));
  CHECK_FALSE(Trusts(a.get(), cert.cert_file));
  // A context freed leaves the store to the others.
  c.reset();
  CHECK(Trusts(d.get(), cert.cert_file));
}

TEST_CASE("a ca_file that does not load is named each time, and trusts nothing",
          "[bot][slack][tls]") {
  TempDir dir;
  const std::string missing = dir.File("no-such-ca.pem");
  for (int i = 0; i < 2; ++i) {
    Context ctx = NewContext();
    const auto trust = SetUpClientTrust(ctx.get(), missing);
    CHECK(trust.ca_file_error.find("ca_file: " + missing) == 0);
  }
  TempDir other;
  const auto cert = MakeSelfSignedCertificate(other);
  Context ctx = NewContext();
  SetUpClientTrust(ctx.get(), missing);
  CHECK_FALSE(Trusts(ctx.get(), cert.cert_file));
}
