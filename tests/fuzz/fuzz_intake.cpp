// Fuzzes the HTTP intake path: arbitrary bytes through ProcessBody, then the
// JSON the daemon would store and print. Traps when an accepted lead breaks
// an invariant other folders rely on.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/lead.h"
#include "pipeline/process.h"
#include "pipeline/route.h"
#include "pipeline/text.h"

namespace {

using namespace leadrouter::pipeline;

const Rules& FuzzRules() {
  static const Rules rules = [] {
    Rules r;
    r.max_text_length = 512;
    r.field_mappings = {{"vendor",
                         {{"/vendor", "acme"}},
                         {{"email", "/lead/emails/0"},
                          {"full_name", "/lead/who"},
                          {"price", "/lead/price"},
                          {"days_on_market", "/lead/dom"}}}};
    return r;
  }();
  return rules;
}

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

bool ValidUtf8(const std::string& s) { return RepairUtf8(s) == s; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const Rules& rules = FuzzRules();
  const auto now = std::chrono::system_clock::time_point{} +
                   std::chrono::hours(24 * 365 * 56);
  const auto result = ProcessBody(body, rules, now);
  if (!result.ok()) {
    Check(!result.status().field().empty());
    return 0;
  }
  const ProcessedLead& lead = result.value();
  Check(lead.message.size() <= rules.max_text_length);
  Check(ValidUtf8(lead.message) && ValidUtf8(lead.name.full) &&
        ValidUtf8(lead.email) && ValidUtf8(lead.phone.raw));
  const nlohmann::json json = ToJson(lead);
  const std::string text = json.dump();  // throws on invalid UTF-8
  Check(ToJson(LeadFromJson(json)) == json);
  (void)DecideRoute(lead);
  return 0;
}
