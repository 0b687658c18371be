// E-mail addresses: trimming, case folding and a syntax check. No DNS, no
// mailbox probing: "valid" means "could be delivered to", not "exists".
#pragma once

#include <string>
#include <string_view>

namespace leadrouter::pipeline {

struct EmailAddress {
  std::string address;  // trimmed, "mailto:" dropped, lower-cased
  bool valid = false;
};

// Normalizes `raw`. The whole address is lower-cased: mailbox providers treat
// the local part case-insensitively in practice, and one lead must not get two
// dedupe keys for "Dana.OConnell@" and "dana.oconnell@".
EmailAddress NormalizeEmail(std::string_view raw);

// True for an ASCII address of the form local@domain.tld (RFC 5321 lengths,
// dot-atom local part, LDH domain labels, alphabetic TLD of 2+ letters).
bool IsValidEmail(std::string_view address);

}  // namespace leadrouter::pipeline
