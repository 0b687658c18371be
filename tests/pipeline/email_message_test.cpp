#include "pipeline/email_message.h"
#include "pipeline/text.h"

#include <catch2/catch.hpp>
#include <string>

using namespace leadrouter::pipeline;

namespace {

std::string Crlf(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += "\r\n";
    else out.push_back(c);
  }
  return out;
}

}  // namespace

TEST_CASE("an e-mail's headers and plain body are read", "[pipeline][email_message]") {
  auto r = ReadEmailMessage(Crlf(
      "From: \"Zillow Premier\" <No-Reply@Zillow.com>\n"
      "Reply-To: Dana <dana@example.com>\n"
      "Subject: New lead\n"
      "Message-ID: <abc.123@mail.zillow.com>\n"
      "List-Unsubscribe: <https://zillow.com/u>\n"
      "\n"
      "Name: Dana\n"));
  REQUIRE(r.ok());
  CHECK(r->from.address == "no-reply@zillow.com");
  CHECK(r->from.name == "Zillow Premier");
  CHECK(r->reply_to.address == "dana@example.com");
  CHECK(r->subject == "New lead");
  CHECK(r->message_id == "abc.123@mail.zillow.com");
  CHECK(HeaderValue(r.value(), "list-unsubscribe") == "<https://zillow.com/u>");
  CHECK(r->text.find("Name: Dana") != std::string::npos);
  CHECK(r->html.empty());
}

TEST_CASE("multipart/alternative gives both the text and the HTML part",
          "[pipeline][email_message]") {
  auto r = ReadEmailMessage(Crlf(
      "From: a@b.example\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/alternative; boundary=\"XX\"\n"
      "\n"
      "--XX\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "Price: $1,250,000 =E2=80=94 a long line that was wrapped by the=\n"
      " encoder\n"
      "--XX\n"
      "Content-Type: text/html; charset=utf-8\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "PHA+SGVsbG8gPGI+Wm/DqzwvYj48L3A+\n"
      "--XX--\n"));
  REQUIRE(r.ok());
  CHECK(r->text.find("$1,250,000 \xE2\x80\x94 a long line that was wrapped by the encoder") !=
        std::string::npos);
  CHECK(r->html == "<p>Hello <b>Zo\xC3\xAB</b></p>");
}

TEST_CASE("charsets become UTF-8 and RFC 2047 headers are decoded",
          "[pipeline][email_message]") {
  auto r = ReadEmailMessage(Crlf(
      "From: =?ISO-8859-1?Q?Jos=E9_Mu=F1oz?= <jose@example.net>\n"
      "Subject: =?UTF-8?B?TmV3IGxlYWQg4oCTIFpvw6s=?=\n"
      "Content-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "Name: Jos=E9 Mu=F1oz\n"));
  REQUIRE(r.ok());
  CHECK(r->from.name == "Jos\xC3\xA9 Mu\xC3\xB1oz");
  CHECK(r->subject == "New lead \xE2\x80\x93 Zo\xC3\xAB");
  CHECK(r->text.find("Name: Jos\xC3\xA9 Mu\xC3\xB1oz") != std::string::npos);
}

TEST_CASE("attachments are ignored, also text ones", "[pipeline][email_message]") {
  auto r = ReadEmailMessage(Crlf(
      "From: a@b.example\n"
      "Content-Type: multipart/mixed; boundary=M\n"
      "\n"
      "--M\n"
      "Content-Type: text/plain\n"
      "Content-Disposition: attachment; filename=notes.txt\n"
      "\n"
      "Email: attached@example.com\n"
      "--M\n"
      "Content-Type: text/plain\n"
      "\n"
      "Email: body@example.com\n"
      "--M--\n"));
  REQUIRE(r.ok());
  CHECK(r->text.find("body@example.com") != std::string::npos);
  CHECK(r->text.find("attached@") == std::string::npos);
}

TEST_CASE("bytes that are not a message are refused, naming message",
          "[pipeline][email_message]") {
  for (const std::string& raw :
       {std::string(), std::string("just some text\n"), std::string("{\"json\":true}"),
        std::string("\x00\x01\x02", 3), std::string("Subject: no sender\n\nbody\n")}) {
    auto r = ReadEmailMessage(raw);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "message");
  }
}

TEST_CASE("invalid UTF-8 in a body is never passed on", "[pipeline][email_message]") {
  auto r = ReadEmailMessage("From: a@b.example\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            "\r\nName: \xC3\x28 broken\r\n");
  REQUIRE(r.ok());
  CHECK(r->text.find("broken") != std::string::npos);
  CHECK(RepairUtf8(r->text) == r->text);
}
