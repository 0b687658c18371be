#include "bot/daemon/log.h"

#include <chrono>
#include <ctime>

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace leadrouter::logging {
namespace {

// The structured fields of the line being logged on this thread. The default
// logger is synchronous, so the formatter runs on the caller's thread while
// this is set.
thread_local const nlohmann::json* tl_fields = nullptr;

std::string Timestamp(spdlog::log_clock::time_point t) {
  using namespace std::chrono;
  auto secs = time_point_cast<seconds>(t);
  auto ms = duration_cast<milliseconds>(t - secs).count();
  std::time_t tt = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

class LineFormatter final : public spdlog::formatter {
 public:
  LineFormatter(Format format, std::vector<std::string> secrets)
      : format_(format), secrets_(std::move(secrets)) {}

  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override {
    std::string text(msg.payload.data(), msg.payload.size());
    std::string line;
    if (format_ == Format::kJson) {
      nlohmann::json j = nlohmann::json::object();
      j["ts"] = Timestamp(msg.time);
      j["level"] = std::string(spdlog::level::to_string_view(msg.level).data());
      j["msg"] = text;
      if (tl_fields && tl_fields->is_object()) {
        for (auto it = tl_fields->begin(); it != tl_fields->end(); ++it) {
          j[it.key()] = it.value();
        }
      }
      line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      line = Timestamp(msg.time) + " " +
             std::string(spdlog::level::to_string_view(msg.level).data()) +
             " " + text;
      if (tl_fields && tl_fields->is_object()) {
        for (auto it = tl_fields->begin(); it != tl_fields->end(); ++it) {
          line += " " + it.key() + "=" +
                  (it.value().is_string()
                       ? it.value().get<std::string>()
                       : it.value().dump(-1, ' ', false,
                                         nlohmann::json::error_handler_t::replace));
        }
      }
    }
    line = Redact(line, secrets_);
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(format_, secrets_);
  }

 private:
  Format format_;
  std::vector<std::string> secrets_;
};

}  // namespace

std::string Redact(std::string_view line, const std::vector<std::string>& secrets) {
  std::string out(line);
  for (const std::string& secret : secrets) {
    // Short values would mask ordinary words; real tokens are long.
    if (secret.size() < 6) continue;
    for (size_t pos = out.find(secret); pos != std::string::npos;
         pos = out.find(secret, pos)) {
      out.replace(pos, secret.size(), "[redacted]");
      pos += 10;
    }
  }
  return out;
}

spdlog::level::level_enum LevelFromName(std::string_view name) {
  if (name == "trace") return spdlog::level::trace;
  if (name == "debug") return spdlog::level::debug;
  if (name == "warn") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  if (name == "off") return spdlog::level::off;
  return spdlog::level::info;
}

void Init(Format format, spdlog::level::level_enum level,
          std::vector<std::string> secrets) {
  Init(format, level, std::move(secrets),
       std::make_shared<spdlog::sinks::stderr_sink_mt>());
}

void Init(Format format, spdlog::level::level_enum level,
          std::vector<std::string> secrets, spdlog::sink_ptr sink) {
  auto logger = std::make_shared<spdlog::logger>("leadrouter", sink);
  logger->set_formatter(std::make_unique<LineFormatter>(format, std::move(secrets)));
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void Log(spdlog::level::level_enum level, std::string_view event,
         const nlohmann::json& fields) {
  tl_fields = &fields;
  spdlog::log(level, "{}", event);
  tl_fields = nullptr;
}

}  // namespace leadrouter::logging
