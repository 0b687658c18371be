// Fuzzes the inbound e-mail path: arbitrary bytes through the MIME reader,
// the source rules and the pipeline, then the JSON `email parse` prints.
// Traps when an outcome breaks an invariant the daemon relies on.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/email_lead.h"
#include "pipeline/text.h"

namespace {

using namespace leadrouter::pipeline;

const EmailRules& FuzzEmailRules() {
  static const EmailRules rules = [] {
    EmailSource any;
    any.name = "Portal";
    any.from = {"*@*"};
    any.not_a_lead_subjects = {"*newsletter*"};
    EmailSource strict;
    strict.name = "Strict";
    strict.from = {"*@strict.example"};
    strict.subject = "New*lead*";
    strict.require_auth = true;
    strict.required = {"name", "email", "phone", "address", "price", "message"};
    EmailRules r;
    r.sources = {strict, any};
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
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const auto now = std::chrono::system_clock::time_point{} +
                   std::chrono::hours(24 * 365 * 56);
  Rules rules;
  rules.max_text_length = 512;
  const auto result = ProcessEmail(raw, FuzzEmailRules(), rules, now);
  if (!result.ok()) {
    Check(result.status().field() == "message");
    return 0;
  }
  const EmailResult& r = result.value();
  Check(!r.verdict.why.empty());
  Check(ValidUtf8(r.verdict.why));
  // A lead has a processed lead; a message that named none has no lead.
  if (r.verdict.outcome == EmailOutcome::kLead) Check(r.lead && r.lead->ok());
  if (r.verdict.outcome == EmailOutcome::kNotALead ||
      r.verdict.outcome == EmailOutcome::kUnknownSender) {
    Check(!r.lead);
  }
  if (r.verdict.outcome != EmailOutcome::kUnknownSender &&
      !(r.verdict.outcome == EmailOutcome::kNotALead && r.verdict.source.empty())) {
    Check(!r.verdict.source.empty());
  }
  const std::string text = ToJson(r).dump();  // throws on invalid UTF-8
  Check(!text.empty());
  return 0;
}
