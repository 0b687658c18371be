#include "bot/daemon/log.h"

#include <catch2/catch.hpp>

using leadrouter::logging::Redact;

TEST_CASE("secrets are masked wherever they appear in a line", "[bot][log]") {
  std::vector<std::string> secrets = {"xoxb-fake_123_token_abc", "s3cr3t-webhook"};
  std::string line = "auth xoxb-fake_123_token_abc failed; retry with xoxb-fake_123_token_abc "
                     "and s3cr3t-webhook";
  std::string out = Redact(line, secrets);
  CHECK(out.find("fake_123_token") == std::string::npos);
  CHECK(out.find("s3cr3t") == std::string::npos);
  CHECK(out == "auth [redacted] failed; retry with [redacted] and [redacted]");
}

TEST_CASE("redaction leaves ordinary text alone", "[bot][log]") {
  CHECK(Redact("lead 42 accepted", {"xoxb-fake_123_token_abc"}) == "lead 42 accepted");
  // Very short values would mask common words, and are not real tokens.
  CHECK(Redact("a b c", {"a"}) == "a b c");
}
