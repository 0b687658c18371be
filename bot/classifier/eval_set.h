// A labelled set of lead messages and how well the pipeline reads it:
// accuracy per field, confusion matrices, and the costly errors (a hot or
// urgent buyer read as spam, tire-kicker or nurture; spam read as urgent).
// Pure computation over text handed in; `leadrouter eval` does the I/O.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/rules.h"

namespace leadrouter {

// One line of the set (JSON Lines):
//   {"id": "017", "half": "tune", "received_at": "2026-01-12T16:00:00Z",
//    "payload": { …a lead as POST /v1/leads takes it… },
//    "expect": {"intent": "URGENT_BUYER", "segment": "HOT_BUYER",
//               "lead_type": "buyer"}}
// "half" and "received_at" are optional (received_at defaults to the time
// the set is run); an expected label that is null is not judged (the segment
// of a support request, the lead type of spam).
struct EvalCase {
  std::string id;
  std::string half;
  nlohmann::json payload;
  std::optional<std::chrono::system_clock::time_point> received_at;
  std::string intent, segment, lead_type;  // expected; "" = not judged
};

struct EvalParse {
  std::vector<EvalCase> cases;
  std::vector<std::string> errors;  // "line 12: expect.intent: unknown label …"
};

// Parses a JSON Lines set. Blank lines are skipped; a bad line is reported
// by number and field and left out, the others are kept.
EvalParse ParseEvalSet(std::string_view jsonl);

struct FieldScore {
  int right = 0;
  int judged = 0;
  // (expected, got) -> count
  std::map<std::pair<std::string, std::string>, int> confusion;
  double Accuracy() const { return judged == 0 ? 0.0 : double(right) / judged; }
};

struct EvalMiss {
  std::string id;
  std::string field;     // "intent", "segment", "lead_type"
  std::string expected;
  std::string got;
  std::string message;
  std::string why;       // the first reason the pipeline gave
};

struct EvalReport {
  int cases = 0;
  FieldScore intent, segment, lead_type;
  std::vector<EvalMiss> misses;
  std::vector<EvalMiss> costly;  // field "costly": what went wrong
  std::vector<std::string> rejected;  // "id: field: why" for leads refused
};

// Runs every case (only those of `half` when it is not empty) through
// pipeline::Process with `rules`, as of its received_at or else `now`.
EvalReport RunEval(const std::vector<EvalCase>& cases,
                   const pipeline::Rules& rules,
                   std::chrono::system_clock::time_point now,
                   std::string_view half = "");

// The report as people read it: accuracy per field, each confusion matrix,
// the costly errors, and, when `list_misses`, every miss with its reason.
std::string FormatReport(const EvalReport& report, bool list_misses);

}  // namespace leadrouter
