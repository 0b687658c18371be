#include "pipeline/json_body.h"

#include <algorithm>
#include <exception>

namespace leadrouter::pipeline {
namespace {

// Deeper JSON than this is not a form or a webhook; it also bounds the
// recursion of the parser and of json::dump() when the payload is stored.
constexpr int kMaxJsonDepth = 32;

// Nesting depth of a JSON text, counting brackets outside strings.
int JsonDepth(std::string_view body) {
  int depth = 0;
  int max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

}  // namespace

Result<nlohmann::json> ParseJsonObject(std::string_view body) {
  if (JsonDepth(body) > kMaxJsonDepth) {
    return Status::InvalidField("body", "JSON is nested too deeply");
  }
  nlohmann::json payload;
  try {
    payload = nlohmann::json::parse(body.begin(), body.end(), nullptr,
                                    /*allow_exceptions=*/false);
  } catch (const std::exception&) {
    payload = nlohmann::json(nlohmann::json::value_t::discarded);
  }
  if (payload.is_discarded()) {
    return Status::InvalidField("body", "is not valid JSON");
  }
  if (!payload.is_object()) {
    return Status::InvalidField("body", "must be a JSON object");
  }
  return payload;
}

}  // namespace leadrouter::pipeline
