#include "sim_test_client.h"

#include <signal.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace slack_sim_test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using net::ip::tcp;
using nlohmann::json;

SimProcess::SimProcess(std::vector<std::string> extra_args) {
  const std::string port_file = dir_.File("port");
  // SLACK_SIM overrides the built binary (e.g. to run an ASan build).
  const char* binary = std::getenv("SLACK_SIM");
  std::vector<std::string> args = {"--port", "0", "--port-file", port_file};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<leadrouter::testing::DaemonProcess>(
      binary && *binary ? binary : SLACK_SIM_BINARY, args,
      std::map<std::string, std::string>{}, dir_.File("stdout"));
  for (int i = 0; i < 200 && port_ == 0 && process_->running(); ++i) {
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port > 0)
      port_ = static_cast<uint16_t>(port);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  if (port_ == 0) throw std::runtime_error("slack-sim did not start");
}

SimProcess::~SimProcess() {
  if (process_->running() &&
      process_->Stop(SIGTERM, std::chrono::seconds(2)) == -1) {
    process_->Stop(SIGKILL);
  }
}

bool SimProcess::running() { return process_->running(); }

HttpResult Http(uint16_t port, const std::string& method,
                const std::string& target, const std::string& body,
                const std::string& content_type,
                const std::string& authorization) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> request{http::string_to_verb(method), target,
                                           11};
  request.set(http::field::host, "127.0.0.1");
  if (!content_type.empty())
    request.set(http::field::content_type, content_type);
  if (!authorization.empty())
    request.set(http::field::authorization, authorization);
  request.body() = body;
  request.prepare_payload();
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  HttpResult result;
  result.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  result.body = response.body();
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  return result;
}

json Control(uint16_t port, const std::string& what, const json& body) {
  return Http(port, "POST", "/_sim/" + what, body.dump(), "application/json")
      .Json();
}

json ControlGet(uint16_t port, const std::string& what) {
  return Http(port, "GET", "/_sim/" + what).Json();
}

HttpResult Api(uint16_t port, const std::string& method, const json& body,
               const std::string& token) {
  return Http(port, "POST", "/api/" + method, body.dump(),
              "application/json; charset=utf-8",
              token.empty() ? "" : "Bearer " + token);
}

std::string OpenUrl(uint16_t port, const std::string& token) {
  json answer = Http(port, "POST", "/api/apps.connections.open", "",
                     "application/x-www-form-urlencoded", "Bearer " + token)
                    .Json();
  return answer.value("url", "");
}

struct WsClient::Impl {
  net::io_context io;
  websocket::stream<tcp::socket> ws{io};
  beast::flat_buffer buffer;
  std::deque<json> frames;
  bool reading = false;
  bool closed = false;
  int server_pings = 0;
  std::vector<std::string> pongs;
  bool busy_writing = false;

  void StartRead() {
    if (reading || closed) return;
    reading = true;
    ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
      reading = false;
      if (ec) {
        closed = true;
        return;
      }
      frames.push_back(
          json::parse(beast::buffers_to_string(buffer.data()), nullptr, false));
      buffer.consume(buffer.size());
      StartRead();
    });
  }

  template <typename Done>
  void RunUntil(Done done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) break;
      io.restart();
      io.run_one_for(left);
    }
  }
};

WsClient::WsClient(const std::string& url) : impl_(std::make_unique<Impl>()) {
  // ws://127.0.0.1:PORT/path?query
  std::string rest = url.substr(std::string("ws://").size());
  std::string host_port = rest.substr(0, rest.find('/'));
  std::string target = rest.substr(host_port.size());
  uint16_t port = static_cast<uint16_t>(
      std::stoi(host_port.substr(host_port.find(':') + 1)));
  impl_->ws.next_layer().connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  impl_->ws.control_callback(
      [this](websocket::frame_type kind, beast::string_view payload) {
        if (kind == websocket::frame_type::ping) ++impl_->server_pings;
        if (kind == websocket::frame_type::pong)
          impl_->pongs.emplace_back(payload);
      });
  impl_->ws.handshake("127.0.0.1", target);
  impl_->StartRead();
}

WsClient::~WsClient() {
  beast::error_code ignored;
  impl_->ws.next_layer().close(ignored);
}

std::optional<json> WsClient::Read(std::chrono::milliseconds timeout) {
  impl_->StartRead();
  impl_->RunUntil([this] { return !impl_->frames.empty() || impl_->closed; },
                  timeout);
  if (impl_->frames.empty()) return std::nullopt;
  json frame = impl_->frames.front();
  impl_->frames.pop_front();
  return frame;
}

void WsClient::SendText(const std::string& text) {
  bool done = false;
  auto copy = std::make_shared<std::string>(text);
  impl_->ws.text(true);
  impl_->ws.async_write(
      net::buffer(*copy),
      [&done, copy](beast::error_code, std::size_t) { done = true; });
  impl_->RunUntil([&done] { return done; }, std::chrono::seconds(5));
}

void WsClient::Ping(const std::string& payload) {
  bool done = false;
  impl_->ws.async_ping(websocket::ping_data(payload),
                       [&done](beast::error_code) { done = true; });
  impl_->RunUntil([&done] { return done; }, std::chrono::seconds(5));
}

void WsClient::Pump(std::chrono::milliseconds duration) {
  impl_->StartRead();
  impl_->RunUntil([] { return false; }, duration);
}

bool WsClient::HangUp(std::chrono::milliseconds timeout) {
  beast::error_code ignored;
  impl_->ws.next_layer().shutdown(tcp::socket::shutdown_send, ignored);
  impl_->StartRead();
  impl_->RunUntil([this] { return impl_->closed; }, timeout);
  return impl_->closed;
}

bool WsClient::closed() const { return impl_->closed; }
std::size_t WsClient::unread() const { return impl_->frames.size(); }
int WsClient::server_pings() const { return impl_->server_pings; }
std::vector<std::string> WsClient::pong_payloads() const {
  return impl_->pongs;
}

}  // namespace slack_sim_test
