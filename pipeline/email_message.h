// Reading a raw RFC 5322 message: the headers we route on and the body as
// UTF-8 text. MIME (multipart/alternative, quoted-printable, base64,
// charsets, RFC 2047 encoded words) is decoded by GMime, which stays inside
// pipeline/mime_module.cpp, a module loaded on the first call
// (pipeline/mime_library.h). Pure: bytes in, a value out; no clock.
// Safe on arbitrary bytes from any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/status.h"

namespace leadrouter::pipeline {

struct MailAddress {
  std::string name;     // display name, decoded to UTF-8; may be empty
  std::string address;  // "local@domain", lower-cased; may be empty
};

struct EmailMessage {
  std::string message_id;  // without angle brackets; empty when absent
  MailAddress from;
  MailAddress reply_to;  // empty when absent
  std::string subject;   // decoded to UTF-8
  // Every header in order, names as written, values unfolded and decoded.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string text;  // the first text/plain body part that is no attachment
  std::string html;  // the first text/html body part, markup kept
};

// Parses `raw`. Returns InvalidField("message", …) when the bytes are not a
// message at all (no header block with a From). Bodies that cannot be
// decoded are left empty rather than failing the message.
Result<EmailMessage> ReadEmailMessage(std::string_view raw);

// The value of the first header called `name` (case-insensitive); empty
// when there is none.
std::string HeaderValue(const EmailMessage& message, std::string_view name);

// The values of every header called `name`, in order (for
// Authentication-Results, where the topmost is the receiving server's).
std::vector<std::string> HeaderValues(const EmailMessage& message,
                                      std::string_view name);

}  // namespace leadrouter::pipeline
