#include "tests/support/daemon_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace leadrouter::testing {
namespace {

// PATH and HOME only, so the developer's own tokens never leak in.
std::map<std::string, std::string> Environment(
    const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}};
  if (const char* home = std::getenv("HOME")) env["HOME"] = home;
  for (const auto& [k, v] : extra) env[k] = v;
  return env;
}

bool CanConnect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TempDir::TempDir() {
  std::random_device rd;
  std::filesystem::path p = std::filesystem::temp_directory_path() /
                            ("leadrouter-test-" + std::to_string(::getpid()) + "-" +
                             std::to_string(rd()));
  std::filesystem::create_directories(p);
  path_ = p.string();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

DaemonProcess::DaemonProcess(std::vector<std::string> args,
                             std::map<std::string, std::string> env,
                             std::string log_path)
    : DaemonProcess(LEADROUTER_BINARY, std::move(args), std::move(env),
                    std::move(log_path)) {}

DaemonProcess::DaemonProcess(std::string binary, std::vector<std::string> args,
                             std::map<std::string, std::string> env,
                             std::string log_path)
    : log_path_(std::move(log_path)) {
  ChildOptions options;
  options.argv = {std::move(binary)};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = Environment(env);
  options.stdout_path = log_path_;
  options.append = false;
  std::string error;
  if (!child_.Start(options, &error)) throw std::runtime_error(error);
}

DaemonProcess::~DaemonProcess() { child_.Stop(SIGKILL, std::chrono::seconds(10)); }

bool DaemonProcess::WaitForPort(uint16_t port, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return false;
    if (CanConnect(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int DaemonProcess::Stop(int signal, std::chrono::milliseconds timeout) {
  return child_.Stop(signal, timeout);
}

std::string DaemonProcess::Log() const { return ReadFile(log_path_); }

RunResult RunBinary(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env,
                    const std::string& stdin_data) {
  TempDir dir;
  ChildOptions options;
  options.argv = {LEADROUTER_BINARY};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = Environment(env);
  options.stdin_path = dir.File("stdin");
  options.stdout_path = dir.File("stdout");
  options.stderr_path = dir.File("stderr");
  options.append = false;
  WriteFile(options.stdin_path, stdin_data);
  ChildProcess child;
  std::string error;
  if (!child.Start(options, &error)) throw std::runtime_error(error);
  const int exit_code = child.WaitForExit();
  return {exit_code, ReadFile(options.stdout_path), ReadFile(options.stderr_path)};
}

uint16_t WaitForPrintedPort(DaemonProcess& child, const std::string& what,
                            std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::string log = child.Log();
    const std::size_t at = log.find("PORT ");
    const std::size_t end = at == std::string::npos ? at : log.find('\n', at);
    if (end != std::string::npos) {
      const int port = std::stoi(log.substr(at + 5, end - at - 5));
      if (port > 0 && port < 65536) return static_cast<uint16_t>(port);
    }
    if (!child.running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(what + " did not start: " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace leadrouter::testing
