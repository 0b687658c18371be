#include "tests/support/line_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <utility>

namespace leadrouter::testing {

LineServer::LineServer(std::string greeting, Answer answer)
    : greeting_(std::move(greeting)), answer_(std::move(answer)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 1) != 0) {
    throw std::runtime_error("LineServer: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

LineServer::~LineServer() {
  // Set before the client is looked at, and looked at by Serve after it
  // keeps the client: a client accepted meanwhile is shut either way.
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);  // wakes an accept still waiting
  if (client_ >= 0) ::shutdown(client_, SHUT_RDWR);
  thread_.join();
  ::close(listener_);
  if (client_ >= 0) ::close(client_);
}

bool LineServer::WaitForClientGone() const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!gone_ && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return gone_;
}

void LineServer::Serve() {
  const int client = ::accept(listener_, nullptr, nullptr);
  if (client < 0) return;
  client_ = client;
  if (stopping_) return;
  Send(greeting_);
  std::string buffer;
  char chunk[1024];
  for (ssize_t n; (n = ::recv(client_, chunk, sizeof chunk, 0)) > 0;) {
    buffer.append(chunk, static_cast<size_t>(n));
    for (size_t end; (end = buffer.find("\r\n")) != std::string::npos;) {
      const std::string line = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      if (auto reply = answer_(line)) Send(*reply);
    }
  }
  gone_ = true;
}

void LineServer::Send(const std::string& text) {
  (void)!::send(client_, text.data(), text.size(), MSG_NOSIGNAL);
}

}  // namespace leadrouter::testing
