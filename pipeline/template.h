// Message templates for follow-up steps: "Hi {first_name|there}, got your
// inquiry for {address}. – {agent_name}, {company}". Pure; thread-safe.
//
// Syntax:
//   {field}           the field's value;
//   {field|fallback}  the value, or `fallback` when the field is empty for
//                     this lead; the fallback is a template itself (it may
//                     be empty, or name other fields: {agent_name|{company}});
//   {{ and }}         a literal brace.
// Field names are fixed (TemplateFieldNames); a template naming any other
// is rejected by ValidateTemplate, so a typo is a config error at start.
//
// Empty values: a field used without a fallback that is empty for a lead
// makes the rendering fail with the field named (RenderResult::missing). The
// step is then skipped and recorded, never sent as "Hi , got your inquiry
// for ." — write {field|fallback} where a message still reads well without it.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/lead.h"

namespace leadrouter::pipeline {

// The lead's owner as the template sees it.
struct TemplateOwner {
  std::string name;
  std::string email;
  std::string phone;
};

// Every field a template may name, in the order the docs list them:
//   first_name, last_name, full_name, email, phone   the lead (phone as
//                                                    E.164, else as written)
//   address, city, state, zip, mls_id                the property (city and
//                                                    state read from the
//                                                    address, see us_place.h)
//   price, budget                                    "$450,000" (whole dollars)
//   source, segment                                  "Zillow Premier",
//   "HOT_BUYER" agent_name, agent_first_name, agent_email, agent_phone   the
//   owner company                                          [company] name
const std::vector<std::string>& TemplateFieldNames();

// Every problem with `text`, each one line: "unknown field {frist_name}
// (did you mean {first_name}?)", "unbalanced '{' at offset 12", "unbalanced
// '}' at offset 30", "empty field name at offset 3", "a brace inside the
// field name at offset 0 …". Empty when it is valid.
std::vector<std::string> ValidateTemplate(std::string_view text);

// The known fields `text` uses without a fallback, each once, in order of
// first use. REQUIRES: ValidateTemplate(text) is empty.
std::vector<std::string> FieldsRequiredBy(std::string_view text);

using TemplateFields = std::map<std::string, std::string>;

// The value of every field in TemplateFieldNames for this lead and owner
// (empty strings where the lead does not say).
TemplateFields FieldsFor(const ProcessedLead& lead, const TemplateOwner& owner,
                         const std::string& company);

struct RenderResult {
  std::string text;                  // meaningful only when ok()
  std::vector<std::string> missing;  // fields that were empty, no fallback
  bool ok() const { return missing.empty(); }
};

// Renders `text` with `fields`. A name absent from `fields` counts as empty.
// REQUIRES: ValidateTemplate(text) is empty (an invalid template renders as
// far as it parses and reports its first problem in `missing`).
RenderResult RenderTemplate(std::string_view text,
                            const TemplateFields& fields);

// `fields` with every value escaped for HTML text and attribute values
// (& < > " '), for rendering an HTML template: a lead's name cannot add
// markup to the e-mail.
TemplateFields HtmlEscaped(const TemplateFields& fields);

// "$1,250,000" for 1250000.4; amounts are rounded to whole dollars.
std::string FormatDollars(double amount);

}  // namespace leadrouter::pipeline
