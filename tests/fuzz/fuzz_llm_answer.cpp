// Fuzzes the language model's answer path: a chat/completions body off the
// wire, read and checked against the lead's text, and the cleaning of that
// text. The first byte splits the input into the text and the body, so
// evidence matching sees both at every length.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/llm_exchange.h"
#include "pipeline/text.h"

namespace {

using namespace leadrouter::pipeline;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view all(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t split = std::min<size_t>(data[0], all.size());
  const std::string text = CleanTextForModel(all.substr(0, split), 200);
  Check(text.size() <= 200);
  Check(RepairUtf8(text) == text);

  const LlmAnswer answer = ParseLlmAnswer(all.substr(split), text);
  if (answer.reading) {
    Check(answer.failure.empty());
    Check(answer.reading->confidence >= 0 && answer.reading->confidence <= 1);
    Check(!answer.reading->evidence.empty());
    Check(ReadingFromJson(ReadingToJson(*answer.reading), text).has_value());
  } else {
    Check(!answer.failure.empty());
  }
  (void)LlmErrorDetail(all);
  (void)BuildLlmRequest(text, "m", data[0] & 1).dump();
  return 0;
}
