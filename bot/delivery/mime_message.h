// MIME e-mail messages: the RFC 5322 text an SMTP server receives for one
// follow-up e-mail (UTF-8 text/plain, quoted-printable, CRLF lines).
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
};

// The address inside "Name <addr>", or `mailbox` itself trimmed; empty when
// there is no '@' in it.
std::string AddrSpec(std::string_view mailbox);

// The domain part of AddrSpec(mailbox); empty without one.
std::string MailDomain(std::string_view mailbox);

// `text` as it may stand in a header: CR, LF and other control characters
// become spaces (no header injection from a lead's name), and non-ASCII text
// is written as RFC 2047 encoded words (=?UTF-8?B?…?=), never splitting a
// UTF-8 sequence between words.
std::string EncodeHeaderText(std::string_view text);

// A mailbox header value: the display name encoded as above (quoted when it
// holds specials), the address as is. "Zoë <zoe@x.example>".
std::string EncodeMailbox(std::string_view mailbox);

// "Tue, 01 Dec 2026 18:36:23 +0000" (RFC 5322 date, UTC).
std::string FormatRfc5322Date(std::chrono::system_clock::time_point t);

// Base64 (RFC 2045) in one line, no line breaks; also what HTTP basic
// auth encodes its credentials with.
std::string Base64(std::string_view bytes);

// Quoted-printable (RFC 2045) with CRLF line ends and soft breaks at 76.
std::string QuotedPrintable(std::string_view text);

// The whole message: From, To, Reply-To, Subject, Date (`date`),
// Message-ID, MIME-Version, Content-Type text/plain; charset=UTF-8,
// Content-Transfer-Encoding quoted-printable, then the body.
std::string BuildMimeMessage(const EmailMessage& message,
                             std::chrono::system_clock::time_point date);

}  // namespace leadrouter
