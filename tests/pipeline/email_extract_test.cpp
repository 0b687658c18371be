#include "pipeline/email_extract.h"

#include <catch2/catch.hpp>

using namespace leadrouter::pipeline;

TEST_CASE("a label's value is read on its line or on the next one",
          "[pipeline][email_extract]") {
  EmailFields f;
  ReadLabels("Name: Dana O'Connell\n"
             "Phone:\n"
             "\n"
             "(212) 555-0199\n"
             "E-mail :  dana@example.com \n"
             "First Name: Dana\n",
             EmailFieldLabels{}, f);
  CHECK(f.full_name == "Dana O'Connell");
  CHECK(f.phone == "(212) 555-0199");
  CHECK(f.email == "dana@example.com");
  CHECK(f.first_name == "Dana");
  SECTION("a label with nothing after it does not take the next label's line") {
    EmailFields g;
    ReadLabels("Phone:\nEmail: a@b.example\n", EmailFieldLabels{}, g);
    CHECK(g.phone.empty());
    CHECK(g.email == "a@b.example");
  }
  SECTION("labels are matched at the start of a line only, ignoring case") {
    EmailFields g;
    ReadLabels("Agent Name: Ana\nPHONE NUMBER: 312-555-0148\n", EmailFieldLabels{}, g);
    CHECK(g.full_name.empty());
    CHECK(g.phone == "312-555-0148");
  }
}

TEST_CASE("lead metadata tags are read from the HTML head", "[pipeline][email_extract]") {
  EmailFields f;
  CHECK(ReadLeadMetadata(
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html\">"
      "<meta name=\"lead_name\" content=\"Marcus Webb\" />"
      "<META NAME='lead_email' CONTENT='marcus@example.com'>"
      "<meta content=\"O&#39;Brien &amp; Co\" name=\"lead_message\">"
      "<meta name=\"lead_property_address\" content=\"72-30 45th Ave\"></head></html>",
      f));
  CHECK(f.full_name == "Marcus Webb");
  CHECK(f.email == "marcus@example.com");
  CHECK(f.message == "O'Brien & Co");
  CHECK(f.address == "72-30 45th Ave");
  EmailFields none;
  CHECK_FALSE(ReadLeadMetadata("<meta name=\"viewport\" content=\"width=device-width\">", none));
}

TEST_CASE("an ADF body gives the customer's contact, not the vendor's",
          "[pipeline][email_extract]") {
  EmailFields f;
  CHECK(ReadAdf("<?xml version=\"1.0\"?><?adf version=\"1.0\"?><adf><prospect>"
                "<vendor><contact><name part=\"full\">Dealer</name></contact></vendor>"
                "<customer><contact><name part=\"first\">Grace</name>"
                "<name part=\"last\">Okafor</name><email>mailto:grace@example.com</email>"
                "<phone type=\"voice\">(614) 555-0177</phone><phone>999</phone></contact>"
                "<comments><![CDATA[Cash <buyer>]]></comments></customer></prospect></adf>",
                f));
  CHECK(f.first_name == "Grace");
  CHECK(f.last_name == "Okafor");
  CHECK(f.email == "grace@example.com");
  CHECK(f.phone == "(614) 555-0177");
  CHECK(f.message == "Cash <buyer>");
  EmailFields g;
  CHECK_FALSE(ReadAdf("<adf>no processing instruction</adf>", g));
}

TEST_CASE("a forwarded message is unwrapped to its original sender",
          "[pipeline][email_extract]") {
  SECTION("Gmail") {
    auto fwd = UnwrapForwarded(
        "see below\n\n---------- Forwarded message ---------\n"
        "From: Zillow <No-Reply@zillow.com>\nDate: Sun, Mar 22, 2026\n"
        "Subject: New Zillow lead\nTo: <ana@gmail.com>\n\n\nName: Ben\n");
    REQUIRE(fwd);
    CHECK(fwd->from.address == "no-reply@zillow.com");
    CHECK(fwd->from.name == "Zillow");
    CHECK(fwd->subject == "New Zillow lead");
    CHECK(fwd->body.find("Name: Ben") != std::string::npos);
    CHECK(fwd->body.find("see below") == std::string::npos);
  }
  SECTION("Apple Mail") {
    auto fwd = UnwrapForwarded(
        "Begin forwarded message:\n\nFrom: leads@homes.com\nSubject: Lead\n\nName: Ben\n");
    REQUIRE(fwd);
    CHECK(fwd->from.address == "leads@homes.com");
  }
  SECTION("no marker, or a marker without a From line") {
    CHECK_FALSE(UnwrapForwarded("Name: Ben\n"));
    CHECK_FALSE(UnwrapForwarded("---------- Forwarded message ---------\nhello\n"));
  }
}
