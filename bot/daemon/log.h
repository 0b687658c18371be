// Logging: spdlog with one formatter that writes either readable text or one
// JSON object per line, and masks every secret before a line leaves.
// Thread-safe after Init(); Init() itself runs once at start.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace leadrouter::logging {

enum class Format { kText, kJson };

// Installs the default logger on stderr. `secrets` are masked as "[redacted]"
// wherever they appear in a line, whoever logged it.
void Init(Format format, spdlog::level::level_enum level,
          std::vector<std::string> secrets);
// The same logger writing to `sink` instead (tests capture lines with an
// ostream sink).
void Init(Format format, spdlog::level::level_enum level,
          std::vector<std::string> secrets, spdlog::sink_ptr sink);

// A structured line: `event` is a short stable name ("lead.accepted"),
// `fields` an object whose members become JSON keys (or k=v in text mode).
// Every line about a lead carries "lead_id".
void Log(spdlog::level::level_enum level, std::string_view event,
         const nlohmann::json& fields = nlohmann::json::object());

inline void Info(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
  Log(spdlog::level::info, event, fields);
}
inline void Warn(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
  Log(spdlog::level::warn, event, fields);
}
inline void Error(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
  Log(spdlog::level::err, event, fields);
}
inline void Debug(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
  Log(spdlog::level::debug, event, fields);
}

// Masks each secret in `line`. Exposed for tests.
std::string Redact(std::string_view line, const std::vector<std::string>& secrets);

// Parses "info", "debug", …; nullopt-like `off` for unknown names is avoided:
// returns info for anything unrecognised (config validation rejects those).
spdlog::level::level_enum LevelFromName(std::string_view name);

}  // namespace leadrouter::logging
