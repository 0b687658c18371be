#include "pipeline/email_lead.h"

namespace leadrouter::pipeline {

Result<EmailResult> ProcessEmail(std::string_view raw, const EmailRules& email_rules,
                                 const Rules& rules, TimePoint now) {
  Result<EmailMessage> message = ReadEmailMessage(raw);
  if (!message.ok()) return message.status();
  EmailResult out;
  out.verdict = ClassifyEmail(message.value(), email_rules);
  if (out.verdict.outcome != EmailOutcome::kLead) return out;
  out.lead = Process(out.verdict.payload, rules, now);
  if (!out.lead->ok()) {
    out.verdict.outcome = EmailOutcome::kDeadLetter;
    out.verdict.why = out.verdict.source + ": the lead was rejected (" +
                      out.lead->status().ToString() + "); did the template change?";
  }
  return out;
}

nlohmann::json ToJson(const EmailResult& result) {
  const EmailVerdict& v = result.verdict;
  nlohmann::json out = {{"outcome", ToString(v.outcome)},
                        {"source", v.source.empty() ? nlohmann::json() : nlohmann::json(v.source)},
                        {"why", v.why},
                        {"lead", result.lead ? ProcessOutput(*result.lead) : nlohmann::json()}};
  if (!v.forwarded_by.empty()) out["forwarded_by"] = v.forwarded_by;
  if (!v.confirmation_code.empty()) out["confirmation_code"] = v.confirmation_code;
  if (!v.payload.is_null()) out["fields"] = v.payload;
  return out;
}

}  // namespace leadrouter::pipeline
