// One exchange with an OpenAI-compatible chat/completions server about one
// lead: the text cleaned for it, the request body, and the answer read and
// checked. The model's only power is a label: everything it says is
// checked here against known labels and the lead's own words, and anything
// else is a failure with its reason (the rules' decision then stands).
// Pure: no I/O, no clock; never throws on any input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/lead.h"

namespace leadrouter::pipeline {

// Changes with the prompt's wording, so that cached readings of an older
// prompt are not reused.
inline constexpr char kLlmPromptVersion[] = "lead-intent-1";

// The lead's text as the model sees it: valid UTF-8 without control
// characters (a tab becomes a space; line breaks stay), zero-width and
// bidirectional marks, cut at `max_length` bytes without splitting a
// character.
std::string CleanTextForModel(std::string_view text, size_t max_length);

// The chat/completions body: the fixed prompt (no secret, no other lead),
// the cleaned text as a JSON-encoded data field of the user message, and
// response_format json_schema (`json_schema`) or json_object.
// REQUIRES: `cleaned_text` came from CleanTextForModel.
nlohmann::json BuildLlmRequest(const std::string& cleaned_text,
                               const std::string& model, bool json_schema);

// What the model read, once checked.
struct ModelReading {
  Intent intent = Intent::kGeneralInquiry;
  std::optional<Segment> segment;     // none for spam and support
  std::optional<LeadType> lead_type;  // none for spam and support
  double confidence = 0;              // in [0, 1]
  std::string evidence;               // occurs in the cleaned text
};

struct LlmUsage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
};

struct LlmAnswer {
  std::optional<ModelReading> reading;  // set when the answer passed
  std::string failure;                  // when not: why, for the timeline
  LlmUsage usage;
};

// Reads a 2xx chat/completions body: the first choice's message content
// (JSON, also inside a ``` fence), checked against `cleaned_text`. A cut
// answer (finish_reason "length"), a refusal (message.refusal), an error
// object in the body (OpenAI's or llama.cpp's {"error":{...}}), an
// unknown label, a confidence outside [0, 1] and evidence that is not in
// the text are failures naming what was wrong.
LlmAnswer ParseLlmAnswer(std::string_view body, const std::string& cleaned_text);

// What an error body says ({"error":{"code","message","type"}} as OpenAI
// and llama.cpp's server send it), cut short; "" when it says nothing.
std::string LlmErrorDetail(std::string_view body);

// The stored form of a reading (the cache), and back; nullopt for a
// stored value that no longer checks out.
nlohmann::json ReadingToJson(const ModelReading& reading);
std::optional<ModelReading> ReadingFromJson(const nlohmann::json& stored,
                                            const std::string& cleaned_text);

}  // namespace leadrouter::pipeline
