// Follow-up e-mail as composed with GMime, read back with our own message
// reader (pipeline/email_message) as a mail client would read it.
#include "bot/delivery/mime_message.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pipeline/email_message.h"

using leadrouter::AddrSpec;
using leadrouter::BuildMimeMessage;
using leadrouter::EmailMessage;
using leadrouter::FormatRfc5322Date;
using leadrouter::MailDomain;

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

EmailMessage Sample() {
  return EmailMessage{"Elm Realty <homes@elmrealty.example>",
                      "Dana <dana@example.com>",
                      "Ana <ana@elmrealty.example>",
                      "Your inquiry",
                      "Hi Dana,\nsee you.",
                      "<lead-7.step-1@elmrealty.example>"};
}

leadrouter::pipeline::EmailMessage ReadBack(const std::string& raw) {
  auto read = leadrouter::pipeline::ReadEmailMessage(raw);
  REQUIRE(read.ok());
  return read.value();
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

TEST_CASE("mime: the message carries every header a mail client expects",
          "[bot][delivery][mime]") {
  EmailMessage m = Sample();
  const std::string raw = BuildMimeMessage(m, kDate);
  const std::vector<std::string> lines = Lines(raw);
  auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  CHECK(has("Date: Sat, 14 Mar 2026 22:07:41 +0000"));
  CHECK(has("MIME-Version: 1.0"));
  const auto read = ReadBack(raw);
  CHECK(read.from.name == "Elm Realty");
  CHECK(read.from.address == "homes@elmrealty.example");
  CHECK(read.reply_to.address == "ana@elmrealty.example");
  CHECK(leadrouter::pipeline::HeaderValue(read, "To").find("dana@example.com") !=
        std::string::npos);
  CHECK(read.subject == "Your inquiry");
  CHECK(read.message_id == "lead-7.step-1@elmrealty.example");
  CHECK(raw.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
  CHECK(raw.find("Content-Transfer-Encoding: quoted-printable\r\n") != std::string::npos);
  CHECK(read.text.find("Hi Dana,") != std::string::npos);
  CHECK(read.text.find("see you.") != std::string::npos);
  CHECK(read.html.empty());
  SECTION("without a Message-ID one is made in the sender's domain") {
    m.message_id.clear();
    CHECK(ReadBack(BuildMimeMessage(m, kDate)).message_id ==
          "1773526061000@elmrealty.example");
  }
}

TEST_CASE("mime: non-ASCII names, subjects and bodies arrive as written",
          "[bot][delivery][mime]") {
  EmailMessage m = Sample();
  m.to = "Zoë Åberg <zoe@example.com>";
  m.subject = "Zoë, about 12 Elm St — still for sale";
  m.body = "Café = 5€\nA line long enough to be folded by quoted-printable: " +
           std::string(120, 'x') + "\ntrailing space ";
  const std::string raw = BuildMimeMessage(m, kDate);
  for (const std::string& line : Lines(raw)) {
    INFO(line);
    CHECK(line.size() <= 998);  // RFC 5322's hard limit
  }
  // Nothing 8-bit on the wire: headers are encoded words, the body QP.
  for (unsigned char c : raw) CHECK(c < 0x80);
  const auto read = ReadBack(raw);
  CHECK(read.subject == m.subject);
  CHECK(leadrouter::pipeline::HeaderValue(read, "To").find("Zoë Åberg") != std::string::npos);
  CHECK(read.text.find("Café = 5€") != std::string::npos);
  CHECK(read.text.find(std::string(120, 'x')) != std::string::npos);
}

TEST_CASE("mime: a line break in a lead's text cannot add a header",
          "[bot][delivery][mime]") {
  EmailMessage m = Sample();
  m.to = "Dana\r\nBcc: everyone@example.com <dana@example.com>";
  m.subject = "Hi\r\nBcc: everyone@example.com";
  const std::string raw = BuildMimeMessage(m, kDate);
  const auto read = ReadBack(raw);
  for (const auto& [name, value] : read.headers) {
    INFO(name << ": " << value);
    CHECK(name != "Bcc");
  }
  CHECK(read.subject == "Hi  Bcc: everyone@example.com");
}

TEST_CASE("mime: an HTML part goes beside the text as its alternative",
          "[bot][delivery][mime]") {
  EmailMessage m = Sample();
  m.html = "<p>Hi Dana,</p><p>see <a href=\"https://elmrealty.example/12-elm\">12 Elm St</a>.</p>";
  const std::string raw = BuildMimeMessage(m, kDate);
  CHECK(raw.find("multipart/alternative") != std::string::npos);
  const auto read = ReadBack(raw);
  CHECK(read.text.find("see you.") != std::string::npos);
  CHECK(read.html.find("<a href=\"https://elmrealty.example/12-elm\">12 Elm St</a>") !=
        std::string::npos);
  // The text comes first: clients show the last alternative they can.
  CHECK(raw.find("text/plain") < raw.find("text/html"));
}
