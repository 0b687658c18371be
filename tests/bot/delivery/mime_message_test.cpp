#include "bot/delivery/mime_message.h"

#include <catch2/catch.hpp>
#include <sstream>

using leadrouter::AddrSpec;
using leadrouter::BuildMimeMessage;
using leadrouter::EmailMessage;
using leadrouter::EncodeHeaderText;
using leadrouter::EncodeMailbox;
using leadrouter::FormatRfc5322Date;
using leadrouter::MailDomain;
using leadrouter::QuotedPrintable;

namespace {

// 2026-03-14T22:07:41Z, a Saturday.
const std::chrono::system_clock::time_point kDate{
    std::chrono::seconds(1773526061)};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t end; (end = text.find("\r\n", start)) != std::string::npos;
       start = end + 2) {
    out.push_back(text.substr(start, end - start));
  }
  return out;
}

}  // namespace

TEST_CASE("mime: the date header is RFC 5322 in UTC", "[bot][delivery][mime]") {
  CHECK(FormatRfc5322Date(kDate) == "Sat, 14 Mar 2026 22:07:41 +0000");
  CHECK(FormatRfc5322Date(std::chrono::system_clock::time_point{}) ==
        "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST_CASE("mime: addresses come out of display forms",
          "[bot][delivery][mime]") {
  CHECK(AddrSpec("Elm Realty <homes@elmrealty.example>") ==
        "homes@elmrealty.example");
  CHECK(AddrSpec(" dana@example.com ") == "dana@example.com");
  CHECK(AddrSpec("nobody").empty());
  CHECK(MailDomain("Elm Realty <homes@elmrealty.example>") ==
        "elmrealty.example");
}

TEST_CASE(
    "mime: ASCII header text stays readable, other text is encoded in "
    "whole UTF-8 characters",
    "[bot][delivery][mime]") {
  CHECK(EncodeHeaderText("Your inquiry about 12 Elm St") ==
        "Your inquiry about 12 Elm St");
  CHECK(EncodeHeaderText("Zoë") == "=?UTF-8?B?Wm/Dqw==?=");
  // 40 two-byte characters: more than one encoded word.
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += "é";
  const std::string encoded = EncodeHeaderText(long_text);
  for (const std::string& word : Lines(encoded + "\r\n")) {
    const std::string w = word.front() == ' ' ? word.substr(1) : word;
    CHECK(w.size() <= 75);
    CHECK(w.rfind("=?UTF-8?B?", 0) == 0);
  }
  CHECK(encoded.find("\r\n ") != std::string::npos);
}

TEST_CASE("mime: a line break in a lead's text cannot add a header",
          "[bot][delivery][mime]") {
  CHECK(EncodeHeaderText("Hi\r\nBcc: everyone@example.com") ==
        "Hi  Bcc: everyone@example.com");
  EmailMessage m{"homes@elmrealty.example",
                 "Dana\n<dana@example.com>",
                 "",
                 "Hello\nBcc: x@example.com",
                 "body",
                 "<1@x>"};
  const std::string text = BuildMimeMessage(m, kDate);
  for (const std::string& line : Lines(text)) CHECK(line.rfind("Bcc:", 0) != 0);
}

TEST_CASE("mime: display names are quoted or encoded as they need",
          "[bot][delivery][mime]") {
  CHECK(EncodeMailbox("Ana Lima <ana@x.example>") ==
        "Ana Lima <ana@x.example>");
  CHECK(EncodeMailbox("Lima, Ana <ana@x.example>") ==
        "\"Lima, Ana\" <ana@x.example>");
  CHECK(EncodeMailbox("\"Dana \\\"D\\\" O.\" <d@x.example>")
            .find("<d@x.example>") != std::string::npos);
  CHECK(EncodeMailbox("Zoë <zoe@x.example>") ==
        "=?UTF-8?B?Wm/Dqw==?= <zoe@x.example>");
  CHECK(EncodeMailbox("zoe@x.example") == "zoe@x.example");
}

TEST_CASE("mime: quoted-printable keeps lines short and encodes what must be",
          "[bot][delivery][mime]") {
  CHECK(QuotedPrintable("Café = 5€\n") == "Caf=C3=A9 =3D 5=E2=82=AC\r\n");
  CHECK(QuotedPrintable("trailing space \nx") == "trailing space=20\r\nx\r\n");
  const std::string long_line(200, 'a');
  const std::string qp = QuotedPrintable(long_line);
  std::string joined;
  for (const std::string& line : Lines(qp)) {
    CHECK(line.size() <= 76);
    joined += line.back() == '=' ? line.substr(0, line.size() - 1) : line;
  }
  CHECK(joined == long_line);
}

TEST_CASE("mime: the message carries every header a mail client expects",
          "[bot][delivery][mime]") {
  EmailMessage m{"Elm Realty <homes@elmrealty.example>",
                 "Dana <dana@example.com>",
                 "Ana <ana@elmrealty.example>",
                 "Your inquiry",
                 "Hi Dana,\nsee you.",
                 "<lead-7.step-1@elmrealty.example>"};
  const std::vector<std::string> lines = Lines(BuildMimeMessage(m, kDate));
  auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  CHECK(has("Date: Sat, 14 Mar 2026 22:07:41 +0000"));
  CHECK(has("From: Elm Realty <homes@elmrealty.example>"));
  CHECK(has("To: Dana <dana@example.com>"));
  CHECK(has("Reply-To: Ana <ana@elmrealty.example>"));
  CHECK(has("Subject: Your inquiry"));
  CHECK(has("Message-ID: <lead-7.step-1@elmrealty.example>"));
  CHECK(has("MIME-Version: 1.0"));
  CHECK(has("Content-Type: text/plain; charset=UTF-8"));
  CHECK(has("Content-Transfer-Encoding: quoted-printable"));
  CHECK(lines.back() == "see you.");
  SECTION("without a Message-ID one is made in the sender's domain") {
    m.message_id.clear();
    const std::string text = BuildMimeMessage(m, kDate);
    CHECK(text.find("Message-ID: <1773526061000@elmrealty.example>") !=
          std::string::npos);
  }
}
