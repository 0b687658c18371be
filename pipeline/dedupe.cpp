#include "pipeline/dedupe.h"

#include "pipeline/text.h"

namespace leadrouter::pipeline {

std::vector<std::string> DedupeKeys(const ProcessedLead& lead) {
  std::vector<std::string> keys;
  if (lead.email_valid) keys.push_back("email:" + AsciiLower(lead.email));
  // An invalid number could collide with someone else's typo.
  if (lead.phone.valid && !lead.phone.e164.empty()) {
    keys.push_back("phone:" + lead.phone.e164);
  }
  return keys;
}

}  // namespace leadrouter::pipeline
