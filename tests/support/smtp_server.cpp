#include "tests/support/smtp_server.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

namespace leadrouter::testing {
namespace {

// Debian's interpreter: the one that has python3-aiosmtpd.
constexpr char kPython[] = "/usr/bin/python3";

}  // namespace

SmtpServer::SmtpServer(uint16_t port, std::vector<std::string> extra)
    : port_(port), extra_(std::move(extra)) {
  std::filesystem::create_directories(spool());
  Start();
}

void SmtpServer::Start() {
  std::vector<std::string> args = {LEADROUTER_SOURCE_DIR "/tests/support/smtp_sink.py",
                                   "--port", std::to_string(port_), "--spool", spool()};
  args.insert(args.end(), extra_.begin(), extra_.end());
  process_ = std::make_unique<DaemonProcess>(
      kPython, args, std::map<std::string, std::string>{},
      dir_.File("smtp-" + std::to_string(++starts_) + ".log"));
  if (!process_->WaitForPort(port_)) FAIL("smtp sink did not start: " << process_->Log());
}

void SmtpServer::Stop() {
  if (process_) process_->Stop(15);
  process_.reset();
}

SmtpServer::~SmtpServer() = default;

std::vector<nlohmann::json> SmtpServer::Messages() const {
  std::vector<nlohmann::json> out;
  for (int n = 1;; ++n) {
    const std::string path = spool() + "/" + std::to_string(n) + ".json";
    if (!std::filesystem::exists(path)) break;
    out.push_back(nlohmann::json::parse(ReadFile(path)));
  }
  return out;
}

std::string SmtpServer::Raw(int n) const {
  return ReadFile(spool() + "/" + std::to_string(n) + ".eml");
}

}  // namespace leadrouter::testing
