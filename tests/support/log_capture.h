// LogCapture: while it lives, every log line (bot/daemon/log.h's formatter, JSON,
// every level, no secrets masked, so a leak shows) goes to a string the
// test can read; the previous default logger comes back afterwards.
// Single-threaded tests only.
#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>

#include "bot/daemon/log.h"

namespace leadrouter::testing {

class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    logging::Init(logging::Format::kJson, spdlog::level::trace, {},
                  std::make_shared<spdlog::sinks::ostream_sink_st>(out_));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace leadrouter::testing
