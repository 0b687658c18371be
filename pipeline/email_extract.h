// The readers that pull a person out of an e-mail body: Lead Metadata tags
// (<meta name="lead_*">), ADF/XML, "Label: value" lines, and forwarded
// messages. Each fills only fields still empty, so the caller decides the
// order of trust. Pure; safe on arbitrary bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pipeline/email_message.h"
#include "pipeline/email_rules.h"

namespace leadrouter::pipeline {

struct EmailFields {
  std::string full_name, first_name, last_name;
  std::string email, phone;
  std::string address, price, message;
};

// <meta name="lead_name" content="…"> and its siblings (lead_first_name,
// lead_last_name, lead_email, lead_phone, lead_message, lead_comments,
// lead_property_address, lead_property_price, lead_price). Returns whether
// any lead_* tag was found.
bool ReadLeadMetadata(std::string_view html, EmailFields& out);

// An ADF/XML body (<?adf …?>): the customer's contact names, e-mail, first
// phone and comments. Returns whether the body is ADF.
bool ReadAdf(std::string_view body, EmailFields& out);

// "Label: value" lines, per the label lists.
void ReadLabels(std::string_view text, const EmailFieldLabels& labels,
                EmailFields& out);

struct ForwardedMessage {
  MailAddress from;      // the original sender
  std::string subject;   // the original subject
  std::string body;      // the original text, below its header lines
};

// The message quoted below "---------- Forwarded message ---------" or
// "Begin forwarded message:", when `text` has one with a From line.
std::optional<ForwardedMessage> UnwrapForwarded(std::string_view text);

// An HTML body as plain lines, through the sanitizer (tags dropped, block
// tags as line breaks, entities decoded).
std::string HtmlToText(std::string_view html);

}  // namespace leadrouter::pipeline
