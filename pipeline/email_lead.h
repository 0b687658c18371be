// A raw e-mail through the whole pipeline in one call: read (email_message),
// classify (email_rules), and for a lead, Process like a JSON lead. Pure:
// no I/O, no clock reads; `now` is passed in.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pipeline/email_rules.h"
#include "pipeline/lead.h"
#include "pipeline/process.h"
#include "pipeline/rules.h"
#include "pipeline/status.h"

namespace leadrouter::pipeline {

struct EmailResult {
  EmailVerdict verdict;
  // Set when the message named a lead: the processed lead, or why the
  // pipeline rejected it (the verdict is then a dead letter).
  std::optional<Result<ProcessedLead>> lead;
};

// InvalidField("message", …) when `raw` is not an e-mail message at all.
Result<EmailResult> ProcessEmail(std::string_view raw, const EmailRules& email_rules,
                                 const Rules& rules, TimePoint now);

// {"outcome", "source", "why", "lead"} (plus "forwarded_by",
// "confirmation_code" and the "fields" found, when there are any); "lead" is
// ProcessOutput's, or null when the message named no lead.
nlohmann::json ToJson(const EmailResult& result);

}  // namespace leadrouter::pipeline
