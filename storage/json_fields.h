// Reading one field of a stored JSON object (a job's payload, a timeline
// event's detail) without throwing: absent, null or the wrong type reads as
// nothing, whatever wrote the row. Pure; safe anywhere.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace leadrouter::storage {

// The field's value when `j` is an object holding `key` with a value `ok`
// accepts; nullptr otherwise.
template <typename Accept>
const nlohmann::json* FieldIf(const nlohmann::json& j, const char* key, Accept ok) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it != j.end() && ok(*it) ? &*it : nullptr;
}

inline std::optional<std::string> StringField(const nlohmann::json& j, const char* key) {
  auto* v = FieldIf(j, key, [](const nlohmann::json& x) { return x.is_string(); });
  return v ? std::optional(v->get<std::string>()) : std::nullopt;
}

inline std::optional<int64_t> IntField(const nlohmann::json& j, const char* key) {
  auto* v = FieldIf(j, key, [](const nlohmann::json& x) { return x.is_number_integer(); });
  return v ? std::optional(v->get<int64_t>()) : std::nullopt;
}

inline std::optional<bool> BoolField(const nlohmann::json& j, const char* key) {
  auto* v = FieldIf(j, key, [](const nlohmann::json& x) { return x.is_boolean(); });
  return v ? std::optional(v->get<bool>()) : std::nullopt;
}

// The strings of an array field; other items are left out.
inline std::vector<std::string> StringsField(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  auto* v = FieldIf(j, key, [](const nlohmann::json& x) { return x.is_array(); });
  if (!v) return out;
  for (const nlohmann::json& item : *v) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace leadrouter::storage
