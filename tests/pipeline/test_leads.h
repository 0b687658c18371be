// Small builders for pipeline tests: a lead with just the facts a test needs.
#pragma once

#include <string>

#include "pipeline/lead.h"
#include "pipeline/phone.h"

namespace leadrouter::pipeline::testing {

// A reachable lead: valid e-mail, no phone, the given message.
inline ProcessedLead LeadSaying(const std::string& message) {
  ProcessedLead lead;
  lead.name = {"Dana O'Connell", "Dana", "O'Connell"};
  lead.email = "dana@example.com";
  lead.email_valid = true;
  lead.message = message;
  return lead;
}

inline ProcessedLead WithPhone(ProcessedLead lead, const std::string& raw) {
  lead.phone = NormalizePhone(raw, "US");
  return lead;
}

}  // namespace leadrouter::pipeline::testing
