// Request bodies as JSON: the checks every JSON route applies before it
// looks at a single field. Pure; never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "pipeline/status.h"

namespace leadrouter::pipeline {

// Parses `body` as one JSON object. Returns Status::InvalidField("body", …)
// when it is nested deeper than a form ever is, is not valid JSON, or is
// valid JSON but not an object.
Result<nlohmann::json> ParseJsonObject(std::string_view body);

}  // namespace leadrouter::pipeline
