#include "bot/http/http_client.h"

#include <strings.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <stdexcept>

namespace leadrouter {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string ClientResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() &&
        strncasecmp(k.data(), name.data(), k.size()) == 0)
      return v;
  }
  return "";
}

struct HttpClient::Impl {
  Impl(std::string h, uint16_t p, std::chrono::milliseconds t)
      : host(std::move(h)), port(p), timeout(t) {}

  void Connect() {
    stream.emplace(io);
    stream->expires_after(timeout);
    stream->connect(tcp::endpoint(asio::ip::make_address(host), port));
    ++opened;
    buffer.clear();
  }

  // Async operations driven to completion here, so tcp_stream's timer can
  // turn a stalled server into beast::error::timeout instead of a hang.
  void RunPending() {
    io.restart();
    io.run();
  }

  std::string host;
  uint16_t port;
  std::chrono::milliseconds timeout;
  asio::io_context io;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  int opened = 0;
};

HttpClient::HttpClient(uint16_t port, std::string host,
                       std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(std::move(host), port, timeout)) {}

HttpClient::~HttpClient() { Close(); }

int HttpClient::connections_opened() const { return impl_->opened; }

void HttpClient::Close() {
  if (!impl_->stream) return;
  beast::error_code ec;
  impl_->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
  impl_->stream->close();
  impl_->stream.reset();
}

ClientResponse HttpClient::Send(std::string method, std::string target,
                                const HeaderList& headers, std::string body) {
  if (!impl_->stream) impl_->Connect();
  http::request<http::string_body> req;
  req.version(11);
  req.method_string(method);
  req.target(target);
  req.set(http::field::host, impl_->host);
  bool own_length = false;
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), "Content-Length") == 0 ||
        strcasecmp(k.c_str(), "Transfer-Encoding") == 0) {
      own_length = true;
    }
    req.insert(k, v);
  }
  req.body() = std::move(body);
  if (!own_length) req.prepare_payload();

  beast::error_code ec;
  impl_->stream->expires_after(impl_->timeout);
  http::async_write(*impl_->stream, req,
                    [&ec](beast::error_code e, size_t) { ec = e; });
  impl_->RunPending();
  if (ec) {
    Close();
    throw std::runtime_error("http client write: " + ec.message());
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  impl_->stream->expires_after(impl_->timeout);
  http::async_read(*impl_->stream, impl_->buffer, parser,
                   [&ec](beast::error_code e, size_t) { ec = e; });
  impl_->RunPending();
  if (ec) {
    Close();
    throw std::runtime_error("http client read: " + ec.message());
  }
  const auto& msg = parser.get();
  ClientResponse out;
  out.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg)
    out.headers.emplace_back(f.name_string(), f.value());
  out.body = msg.body();
  out.keep_alive = msg.keep_alive();
  if (!out.keep_alive) Close();
  return out;
}

}  // namespace leadrouter
