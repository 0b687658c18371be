#include "bot/log.h"

#include <catch2/catch.hpp>

using leadrouter::logging::Redact;

TEST_CASE("secrets are masked wherever they appear in a line", "[bot][log]") {
  std::vector<std::string> secrets = {"xoxb-123456789-abcdef", "s3cr3t-webhook"};
  std::string line = "auth xoxb-123456789-abcdef failed; retry with xoxb-123456789-abcdef "
                     "and s3cr3t-webhook";
  std::string out = Redact(line, secrets);
  CHECK(out.find("xoxb-123456789") == std::string::npos);
  CHECK(out.find("s3cr3t") == std::string::npos);
  CHECK(out == "auth [redacted] failed; retry with [redacted] and [redacted]");
}

TEST_CASE("redaction leaves ordinary text alone", "[bot][log]") {
  CHECK(Redact("lead 42 accepted", {"xoxb-123456789-abcdef"}) == "lead 42 accepted");
  // Very short values would mask common words, and are not real tokens.
  CHECK(Redact("a b c", {"a"}) == "a b c");
}
