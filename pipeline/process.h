// The whole pipeline in one call: payload in, processed lead (or the reason
// it was rejected) out. Pure: no I/O, no clock reads; `now` is passed in.
#pragma once

#include <chrono>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pipeline/lead.h"
#include "pipeline/rules.h"
#include "pipeline/status.h"

namespace leadrouter::pipeline {

using TimePoint = std::chrono::system_clock::time_point;

// Told when each step ends ("parse", "normalize", "validate", "score",
// "intent", "segment"), so a caller with a clock can time the steps while
// the pipeline itself never reads one.
class StepObserver {
 public:
  virtual ~StepObserver() = default;
  virtual void StepDone(std::string_view step) = 0;
};

// Parses, validates, sanitizes, normalizes, scores, segments and classifies.
// Returns Status::InvalidField naming the field when the lead is rejected.
Result<ProcessedLead> Process(const nlohmann::json& payload, const Rules& rules,
                              TimePoint now, StepObserver* observer = nullptr);

// Same, from raw bytes: a body that is not a JSON object is rejected with
// field "body".
Result<ProcessedLead> ProcessBody(std::string_view body, const Rules& rules,
                                  TimePoint now, StepObserver* observer = nullptr);

// What `leadrouter process` prints for `result`: the processed lead as
// ToJson makes it, or {"error", "field"} when it was rejected.
nlohmann::json ProcessOutput(const Result<ProcessedLead>& result);

}  // namespace leadrouter::pipeline
