// Fuzzes the free-text path: the sanitizer and the normalizers that read its
// output. The first byte picks the length cap so cuts land everywhere.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/email.h"
#include "pipeline/name.h"
#include "pipeline/price.h"
#include "pipeline/rules.h"
#include "pipeline/sanitize.h"
#include "pipeline/text.h"

namespace {

using namespace leadrouter::pipeline;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  SanitizeOptions options;
  options.max_length = data[0];
  options.boilerplate_phrases = Rules{}.boilerplate_phrases;
  const std::string_view text(reinterpret_cast<const char*>(data + 1),
                              size - 1);

  const SanitizedText clean = SanitizeText(text, options);
  Check(clean.text.size() <= options.max_length);
  Check(RepairUtf8(clean.text) == clean.text);

  const SanitizedText field = SanitizeField(text, options.max_length);
  Check(field.text.find('\n') == std::string::npos);
  Check(RepairUtf8(field.text) == field.text);

  const PersonName name = NormalizeName(field.text, "", clean.text);
  Check(RepairUtf8(name.full) == name.full);
  (void)NormalizeEmail(field.text);
  (void)ParsePrice(text);
  (void)FindBudgetInText(text);
  (void)ContainsPhrase(Words(text), "closing in # days");
  (void)DecodeEntities(text);
  (void)PercentDecode(text, true);
  return 0;
}
