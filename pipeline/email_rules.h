// Inbound e-mail rules: which configured source a message is from, and
// what it becomes (a lead, not a lead, a dead letter, or a message from an
// unknown sender), with the reason. Built-in readers (lead metadata tags,
// ADF/XML, forwarded messages, contact forms) run before a source's labels.
// Pure: no clock, no I/O. bot/daemon/config.cpp fills EmailRules from
// [inbound_email].
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/email_message.h"

namespace leadrouter::pipeline {

// Label lists per field: a value is what follows "Label:" on its line, or
// the next line when nothing does. Labels compare case-insensitively.
struct EmailFieldLabels {
  std::vector<std::string> full_name = {"Name", "Full Name", "Contact Name"};
  std::vector<std::string> first_name = {"First Name"};
  std::vector<std::string> last_name = {"Last Name"};
  std::vector<std::string> email = {"Email", "E-mail", "Email Address"};
  std::vector<std::string> phone = {"Phone", "Phone Number"};
  std::vector<std::string> address = {"Property Address", "Property"};
  std::vector<std::string> price = {"Price", "List Price"};
  std::vector<std::string> message = {"Message", "Comments"};
};

// One [[inbound_email.sources]] entry.
struct EmailSource {
  std::string name;               // becomes the lead's source
  std::vector<std::string> from;  // globs on the sender address; any may match
  std::string subject;            // glob on the subject; empty: any
  std::string body_contains;      // text the body must contain; empty: any
  // What a lead from this source must have, else it is a dead letter:
  // "name", "email", "phone", "email_or_phone", "address", "price",
  // "message".
  std::vector<std::string> required = {"email_or_phone"};
  std::vector<std::string> not_a_lead_subjects;  // globs
  // Trust the sender address only when the receiving server's
  // Authentication-Results shows DMARC or SPF pass for its domain.
  bool require_auth = false;
  EmailFieldLabels fields;
};

struct EmailRules {
  std::vector<EmailSource> sources;  // first match wins
};

// True for the names `required` accepts.
bool IsKnownRequirement(std::string_view name);

enum class EmailOutcome { kLead, kNotALead, kDeadLetter, kUnknownSender };
// "lead", "not_a_lead", "dead_letter", "unknown_sender": the JSON contract.
std::string ToString(EmailOutcome outcome);

struct EmailVerdict {
  EmailOutcome outcome = EmailOutcome::kUnknownSender;
  std::string source;  // the matched source's name; empty when none
  std::string why;     // one sentence a person can act on
  std::string forwarded_by;       // the forwarder's address, when unwrapped
  std::string confirmation_code;  // of a forwarding-confirmation message
  // For kLead (and kDeadLetter, for the record): the fields found, shaped
  // as a JSON lead payload that pipeline::Process reads.
  nlohmann::json payload;
};

// Decides what `message` becomes under `rules`.
EmailVerdict ClassifyEmail(const EmailMessage& message, const EmailRules& rules);

// '*' any run, '?' one character; ASCII case-insensitive.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace leadrouter::pipeline
