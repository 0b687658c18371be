#include "pipeline/email.h"

#include <catch2/catch.hpp>

using leadrouter::pipeline::EmailAddress;
using leadrouter::pipeline::IsValidEmail;
using leadrouter::pipeline::NormalizeEmail;

TEST_CASE("e-mails are trimmed and lower-cased", "[pipeline][email]") {
  const EmailAddress e = NormalizeEmail("  Dana.OConnell@Example.com ");
  CHECK(e.address == "dana.oconnell@example.com");
  CHECK(e.valid);
}

TEST_CASE("e-mails pasted as mailto links or with a display name are unwrapped",
          "[pipeline][email]") {
  CHECK(NormalizeEmail("mailto:dana@example.com").address ==
        "dana@example.com");
  CHECK(NormalizeEmail("Dana O'Connell <Dana@Example.com>").address ==
        "dana@example.com");
}

TEST_CASE("e-mails with common real-world shapes are valid",
          "[pipeline][email]") {
  for (const char* ok : {"a@b.co", "first.last+homes@sub.example.org",
                         "o'connell@example.ie", "x_y-z@my-domain.example"}) {
    INFO(ok);
    CHECK(IsValidEmail(ok));
  }
}

TEST_CASE("e-mails that cannot be delivered are invalid", "[pipeline][email]") {
  for (const char* bad :
       {"", "dana", "dana@", "@example.com", "dana@example",
        "dana@@example.com", "dana@exa mple.com", "dana@.example.com",
        "dana@example..com", ".dana@example.com", "dana.@example.com",
        "da..na@example.com", "dana@-example.com", "dana@example.c",
        "dana@example.123", "dana@exämple.com"}) {
    INFO(bad);
    CHECK_FALSE(IsValidEmail(bad));
  }
  CHECK_FALSE(NormalizeEmail("not an email").valid);
}

TEST_CASE("e-mails over the length limits are invalid", "[pipeline][email]") {
  CHECK_FALSE(IsValidEmail(std::string(65, 'a') + "@example.com"));
  CHECK(IsValidEmail(std::string(64, 'a') + "@example.com"));
  CHECK_FALSE(IsValidEmail("a@" + std::string(64, 'b') + ".com"));
}
