// MIME e-mail messages: the RFC 5322 text an SMTP server receives for one
// follow-up e-mail, composed with GMime (UTF-8 text/plain, and text/html
// beside it when the step has one; quoted-printable, CRLF lines).
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace leadrouter {

struct EmailMessage {
  std::string from;  // "Elm Realty <homes@elmrealty.example>" or a bare address
  std::string to;    // the same forms
  std::string reply_to;  // optional: where answers go (the agent)
  std::string subject;   // UTF-8
  std::string body;      // UTF-8 plain text; "\n" or "\r\n" line ends
  // "<lead-7.step-2@elmrealty.example>". Keep it stable across retries of
  // one step, so that a message that did arrive twice (the connection died
  // after the server took it) is recognisable as one. Empty: BuildMimeMessage
  // makes one up from the date, which is then not stable.
  std::string message_id;
  // Optional: an HTML alternative to `body` (multipart/alternative).
  std::string html = {};
};

// The address inside "Name <addr>", or `mailbox` itself trimmed; empty when
// there is no '@' in it.
std::string AddrSpec(std::string_view mailbox);

// The domain part of AddrSpec(mailbox); empty without one.
std::string MailDomain(std::string_view mailbox);

// "Tue, 01 Dec 2026 18:36:23 +0000" (RFC 5322 date, UTC).
std::string FormatRfc5322Date(std::chrono::system_clock::time_point t);

// Base64 (RFC 2045) in one line, no line breaks; also what HTTP basic
// auth encodes its credentials with.
std::string Base64(std::string_view bytes);

// The whole message: From, To, Reply-To, Subject, Date (`date`),
// Message-ID, MIME-Version, then the body as text/plain (UTF-8,
// quoted-printable), or a multipart/alternative of it and `html`. Control
// characters in any header value become spaces.
// Empty when GMime's module (pipeline/mime_library.h) cannot be loaded.
std::string BuildMimeMessage(const EmailMessage& message,
                             std::chrono::system_clock::time_point date);

}  // namespace leadrouter
