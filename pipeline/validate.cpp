#include "pipeline/validate.h"

namespace leadrouter::pipeline {

Status ValidateLead(const ProcessedLead& lead) {
  const bool has_email = !lead.email.empty();
  const bool has_phone = !lead.phone.raw.empty();
  if (!has_email && !has_phone) {
    return Status::InvalidField("contact", "email or phone is required");
  }
  // An unparseable phone is kept (an agent can still read it), but an
  // unusable e-mail with nothing else leaves no way to reach the person.
  if (has_email && !lead.email_valid && !has_phone) {
    return Status::InvalidField(
        "email", "\"" + lead.email + "\" is not a valid e-mail address");
  }
  if (lead.name.full.empty() && lead.message.empty()) {
    return Status::InvalidField("name", "name or message is required");
  }
  return Status::Ok();
}

}  // namespace leadrouter::pipeline
