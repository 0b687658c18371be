// JSON text in and out of columns. Internal to storage/.
// Thread rule: pure function, safe anywhere.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace leadrouter::storage {

// The parsed value, or, when the text is not JSON (a hand-edited row), the
// text itself as a JSON string: one bad row must not make a read throw
// anything but SQLite::Exception, nor wedge a queue.
inline nlohmann::json ParseStoredJson(const std::string& text) {
  nlohmann::json value =
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return nlohmann::json(text);
  return value;
}

// The compact text of `value`. Invalid UTF-8 in a string (an error message
// copied from a remote answer) is replaced with U+FFFD rather than thrown:
// public functions here throw only SQLite::Exception.
inline std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace leadrouter::storage
