#include "pipeline/text.h"

#include <catch2/catch.hpp>

using namespace leadrouter::pipeline;

TEST_CASE("phrases match case-insensitively on word boundaries",
          "[pipeline][text]") {
  const auto words = Words("Pre-approved with Chase, CASH offer possible.");
  CHECK(ContainsPhrase(words, "pre-approved"));
  CHECK(ContainsPhrase(words, "cash offer"));
  CHECK_FALSE(ContainsPhrase(words, "approved with"));
  CHECK_FALSE(ContainsPhrase(Words("cashier's check"), "cash"));
  CHECK_FALSE(ContainsPhrase(Words("cashback"), "cash"));
}

TEST_CASE("phrases with # match any whole number", "[pipeline][text]") {
  CHECK(ContainsPhrase(Words("closing in 30 days."), "closing in # days"));
  CHECK_FALSE(
      ContainsPhrase(Words("closing in thirty days"), "closing in # days"));
}

TEST_CASE("phrases match typographic apostrophes", "[pipeline][text]") {
  CHECK(ContainsPhrase(Words("I can\u2019t log in"), "can't log in"));
}

TEST_CASE("words split on punctuation and keep non-ASCII letters",
          "[pipeline][text]") {
  const auto words = Words("Zoë's  house--now! (2026)");
  REQUIRE(words.size() == 3);
  CHECK(words[0] == "zoë's");
  CHECK(words[1] == "house--now");
  CHECK(words[2] == "2026");
}

TEST_CASE("cutting UTF-8 never splits a character", "[pipeline][text]") {
  CHECK(CutUtf8("aé", 2) == "a");
  CHECK(CutUtf8("aé", 3) == "aé");
  CHECK(CutUtf8("🏠", 3).empty());
  CHECK(CutUtf8("abc", 0).empty());
}

TEST_CASE("matching phrases are listed in rule order", "[pipeline][text]") {
  const auto found =
      MatchingPhrases(Words("cash and investor"), {"investor", "loan", "cash"});
  REQUIRE(found.size() == 2);
  CHECK(found[0] == "investor");
  CHECK(JoinQuoted(found) == "\"investor\", \"cash\"");
}

TEST_CASE("matching phrases reads a list changed in place as it is now",
          "[pipeline][text]") {
  const std::vector<std::string> words = Words("Buy leads now, 50% off SEO");
  std::vector<std::string> phrases = {"seo"};
  CHECK(MatchingPhrases(words, phrases) == std::vector<std::string>{"seo"});
  phrases[0] = "# off";
  CHECK(MatchingPhrases(words, phrases) == std::vector<std::string>{"# off"});
  phrases = {"buy leads", "cheap"};
  CHECK(MatchingPhrases(words, phrases) == std::vector<std::string>{"buy leads"});
  phrases.clear();
  CHECK(MatchingPhrases(words, phrases).empty());
}
