#include "tests/support/tls_test_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdlib>
#include <stdexcept>

#include "tests/support/daemon_process.h"

namespace leadrouter::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

TestCertificate MakeSelfSignedCertificate(const TempDir& dir,
                                          const std::string& names) {
  TestCertificate out{dir.File("cert.pem"), dir.File("key.pem")};
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=leadrouter-test"
      " -addext subjectAltName=" +
      names + " -days 1 -keyout " + out.key_file + " -out " + out.cert_file +
      " >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("openssl could not make a test certificate");
  }
  return out;
}

struct TlsTestServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& loop, const TestCertificate& certificate)
      : tls(ssl::context::tls_server),
        acceptor(loop, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    tls.use_certificate_chain_file(certificate.cert_file);
    tls.use_private_key_file(certificate.key_file, ssl::context::pem);
    port = acceptor.local_endpoint().port();
  }

  static asio::awaitable<void> Accept(std::shared_ptr<Impl> self) {
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await self->acceptor.async_accept(
          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(self->acceptor.get_executor(),
                     Serve(self, std::move(socket)), asio::detached);
    }
  }

  static asio::awaitable<void> Serve(std::shared_ptr<Impl> self,
                                     tcp::socket socket) {
    error_code ec;
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), self->tls);
    co_await stream.async_handshake(
        ssl::stream_base::server,
        asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    co_await http::async_read(stream, buffer, request,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    if (websocket::is_upgrade(request)) {
      websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(
          std::move(stream));
      co_await ws.async_accept(request,
                               asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      const std::string hello = R"({"type":"hello","num_connections":1})";
      co_await ws.async_write(asio::buffer(hello),
                              asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      ++self->upgraded;
      beast::flat_buffer frames;
      while (!ec) {
        co_await ws.async_read(frames,
                               asio::redirect_error(asio::use_awaitable, ec));
        frames.consume(frames.size());
      }
      co_return;
    }
    http::response<http::string_body> response{http::status::ok, 11};
    response.set(http::field::content_type, "application/json");
    response.body() = self->body ? self->body(std::string(request.target()))
                                 : std::string(R"({"ok":true})");
    response.keep_alive(false);
    response.prepare_payload();
    co_await http::async_write(stream, response,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) ++self->served;
  }

  ssl::context tls;
  tcp::acceptor acceptor;
  BodyFn body;
  uint16_t port = 0;
  int served = 0;
  int upgraded = 0;
};

TlsTestServer::TlsTestServer(asio::io_context& loop,
                             const TestCertificate& certificate)
    : impl_(std::make_shared<Impl>(loop, certificate)) {
  asio::co_spawn(loop, Impl::Accept(impl_), asio::detached);
}

TlsTestServer::~TlsTestServer() { Close(); }

uint16_t TlsTestServer::port() const { return impl_->port; }

void TlsTestServer::SetBody(BodyFn body) { impl_->body = std::move(body); }

int TlsTestServer::served() const { return impl_->served; }

int TlsTestServer::upgraded() const { return impl_->upgraded; }

void TlsTestServer::Close() {
  error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace leadrouter::testing
