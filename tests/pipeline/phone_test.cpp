#include "pipeline/phone.h"

#include <catch2/catch.hpp>

using leadrouter::pipeline::NormalizePhone;
using leadrouter::pipeline::PhoneNumber;

namespace {
PhoneNumber Us(const char* raw) { return NormalizePhone(raw, "US"); }
}  // namespace

TEST_CASE("phones in US formats normalize to the same E.164 number",
          "[pipeline][phone]") {
  for (const char* raw : {"(212) 555-0199", "212-555-0199", "212.555.0199",
                          "2125550199", "1-212-555-0199", "+1 212 555 0199",
                          "+1 (212) 555-0199", "  212 555 0199  "}) {
    INFO(raw);
    const PhoneNumber p = Us(raw);
    CHECK(p.e164 == "+12125550199");
    CHECK(p.valid);
    CHECK(p.region == "US");
  }
}

TEST_CASE("phones keep the submitted text, trimmed", "[pipeline][phone]") {
  CHECK(Us("  (212) 555-0199 ").raw == "(212) 555-0199");
}

TEST_CASE("phones with an extension drop it from the E.164 form",
          "[pipeline][phone]") {
  CHECK(Us("(212) 555-0199 ext. 42").e164 == "+12125550199");
  CHECK(Us("212-555-0199 x7").e164 == "+12125550199");
  CHECK(Us("212-555-0199 x7").valid);
}

TEST_CASE("phones report their number type", "[pipeline][phone]") {
  CHECK(Us("+1 (800) 555-0100").type == "TOLL_FREE");
  CHECK(Us("+44 7911 123456").type == "MOBILE");
  CHECK(Us("+44 20 7183 8750").type == "FIXED_LINE");
  CHECK(Us("(212) 555-0199").type == "FIXED_LINE_OR_MOBILE");
}

TEST_CASE("phones from other countries keep their country code",
          "[pipeline][phone]") {
  struct Case {
    const char* raw;
    const char* e164;
    const char* region;
  };
  for (const Case& c : {Case{"+44 20 7183 8750", "+442071838750", "GB"},
                        Case{"+49 30 901820", "+4930901820", "DE"},
                        Case{"+49 1512 3456789", "+4915123456789", "DE"},
                        Case{"+61 2 9374 4000", "+61293744000", "AU"},
                        Case{"+61 412 345 678", "+61412345678", "AU"},
                        Case{"+91 98765 43210", "+919876543210", "IN"},
                        Case{"+91 22 2202 8888", "+912222028888", "IN"}}) {
    INFO(c.raw);
    const PhoneNumber p = Us(c.raw);
    CHECK(p.e164 == c.e164);
    CHECK(p.valid);
    CHECK(p.region == c.region);
  }
}

TEST_CASE("phones without a country code are read in the default region",
          "[pipeline][phone]") {
  const PhoneNumber uk = NormalizePhone("020 7183 8750", "GB");
  CHECK(uk.e164 == "+442071838750");
  CHECK(uk.valid);
  CHECK_FALSE(NormalizePhone("020 7183 8750", "US").valid);
}

TEST_CASE("phones that are unassigned are kept but marked invalid",
          "[pipeline][phone]") {
  // Area code 555 does not exist.
  const PhoneNumber p = Us("555-123-4567");
  CHECK_FALSE(p.valid);
  CHECK(p.e164 == "+15551234567");
  CHECK(p.raw == "555-123-4567");
  CHECK(p.type.empty());
}

TEST_CASE("phones that are junk have no E.164 form", "[pipeline][phone]") {
  for (const char* raw : {"12", "abc", "call me", "+", "0", "--"}) {
    INFO(raw);
    const PhoneNumber p = Us(raw);
    CHECK_FALSE(p.valid);
    CHECK(p.e164.empty());
  }
  CHECK(Us("12").raw == "12");
}

TEST_CASE("phones that are empty stay empty", "[pipeline][phone]") {
  const PhoneNumber p = Us("   ");
  CHECK(p.raw.empty());
  CHECK(p.e164.empty());
  CHECK_FALSE(p.valid);
}

TEST_CASE("phones that are absurdly long are not parsed", "[pipeline][phone]") {
  const PhoneNumber p = Us(std::string(200, '9').c_str());
  CHECK_FALSE(p.valid);
  CHECK(p.e164.empty());
}
