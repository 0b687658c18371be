#include "pipeline/multipart_form.h"

#include <catch2/catch.hpp>

using leadrouter::pipeline::FindFormField;
using leadrouter::pipeline::ReadMultipartForm;

namespace {

constexpr char kType[] = "multipart/form-data; boundary=XyZ42";

// A message as Mailgun's raw-MIME route carries it: CRLF lines, a blank
// line between header and body, and a line that looks like a boundary
// but is not one.
constexpr char kMessage[] =
    "From: Zillow <leads@mail.zillow.com>\r\n"
    "Subject: New Contact\r\n"
    "\r\n"
    "Name: Dana O'Connell\r\n"
    "--XyZ4 is not the boundary\r\n"
    "Phone: (212) 555-0199";

std::string Body() {
  return std::string("--XyZ42\r\n"
                     "Content-Disposition: form-data; name=\"timestamp\"\r\n\r\n"
                     "1770920772\r\n"
                     "--XyZ42\r\n"
                     "Content-Disposition: form-data; name=\"body-mime\"\r\n\r\n") +
         kMessage + "\r\n--XyZ42--\r\n";
}

}  // namespace

TEST_CASE("a multipart/form-data body gives each field its exact bytes",
          "[pipeline][multipart_form]") {
  auto fields = ReadMultipartForm(kType, Body());
  REQUIRE(fields.ok());
  REQUIRE(fields.value().size() == 2);
  CHECK(fields.value()[0].name == "timestamp");
  CHECK(fields.value()[0].value == "1770920772");
  const auto* mime = FindFormField(fields.value(), "body-mime");
  REQUIRE(mime != nullptr);
  CHECK(mime->value == kMessage);
  CHECK(FindFormField(fields.value(), "token") == nullptr);
}

TEST_CASE("a field's transfer encoding is undone and its filename kept",
          "[pipeline][multipart_form]") {
  const std::string body =
      "--XyZ42\r\n"
      "Content-Disposition: form-data; name=\"attachment-1\"; filename=\"a.txt\"\r\n"
      "Content-Type: text/plain\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n"
      "aGVsbG8gd29ybGQ=\r\n"
      "--XyZ42--\r\n";
  auto fields = ReadMultipartForm(kType, body);
  REQUIRE(fields.ok());
  CHECK(fields.value()[0].filename == "a.txt");
  CHECK(fields.value()[0].value == "hello world");
}

TEST_CASE("what is not multipart/form-data is refused naming the field",
          "[pipeline][multipart_form]") {
  SECTION("another type") {
    auto r = ReadMultipartForm("application/x-www-form-urlencoded", "a=1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "Content-Type");
  }
  SECTION("no boundary") {
    auto r = ReadMultipartForm("multipart/form-data", Body());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "Content-Type");
  }
  SECTION("a body without a named field") {
    auto r = ReadMultipartForm(kType, "no boundary line here at all");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().field() == "body");
  }
}
