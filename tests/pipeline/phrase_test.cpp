#include "pipeline/phrase.h"

#include <catch2/catch.hpp>

using namespace leadrouter::pipeline;

namespace {

std::vector<std::string> Words(const char* text) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(text).tokens) out.push_back(t.word);
  return out;
}

std::vector<PhraseHit> Find(const char* text, std::vector<std::string> p) {
  return FindPhrases(Tokenize(text), p);
}

}  // namespace

TEST_CASE("phrase: words fold to plain lower-case ASCII", "[pipeline][phrase]") {
  CHECK(Words("Pre-Approved, DON'T wait") ==
        std::vector<std::string>{"preapproved", "dont", "wait"});
  CHECK(Words("¿Está en el próximo año?") ==
        std::vector<std::string>{"esta", "en", "el", "proximo", "ano"});
  CHECK(Words("we’re 🏡 ready 3-4 months, 2/15") ==
        std::vector<std::string>{"were", "ready", "3", "4", "months", "2/15"});
}

TEST_CASE("phrase: quoted material yields no words", "[pipeline][phrase]") {
  CHECK(Words("Saw \"cash only\" in the ad") ==
        std::vector<std::string>{"saw", "in", "the", "ad"});
  CHECK(Words("> Motivated seller\nIs it new?") ==
        std::vector<std::string>{"is", "it", "new"});
  CHECK(Words("an \"unclosed quote") ==
        std::vector<std::string>{"an", "unclosed", "quote"});
}

TEST_CASE("phrase: spellings, joins and one typo match one phrase",
          "[pipeline][phrase]") {
  for (const char* text : {"preapproved", "pre approved", "pre-approved",
                           "Pre-Aproved", "pre aproved", "preapprovd"}) {
    INFO(text);
    const auto hits = Find(text, {"pre-approved"});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].words == text);
  }
  CHECK(Find("cashier", {"cash"}).empty());  // short words match exactly
  CHECK(Find("closing in 30 days", {"closing in # days"}).size() == 1);
}

TEST_CASE("phrase: a negation or a plan just before a phrase is marked",
          "[pipeline][phrase]") {
  const auto hit = [](const char* text) {
    auto hits = Find(text, {"pre-approved"});
    REQUIRE(hits.size() == 1);
    return hits[0];
  };
  CHECK(hit("not pre-approved yet").negated);
  CHECK(hit("we haven't been pre-approved").negated);
  CHECK(hit("we should get pre-approved").irrealis);
  CHECK_FALSE(hit("no problem. We are pre-approved").negated);
  CHECK_FALSE(hit("not a problem, but pre-approved").negated);
  CHECK(Affirmed(Find("not cash, we are pre-approved", {"cash", "pre-approved"}))
            .size() == 1);
}

TEST_CASE("phrase: a phrase never spans two clauses", "[pipeline][phrase]") {
  CHECK(Find("just. looking", {"just looking"}).empty());
  CHECK(Find("cash, flow", {"cash flow"}).empty());
}

TEST_CASE("phrase: arbitrary bytes are safe", "[pipeline][phrase]") {
  const std::string junk("\xff\xc3\x28\xe2\x80\"\x00>\"", 9);
  CHECK_NOTHROW(Tokenize(junk));
  CHECK(Find("", {"", "#", "a b"}).empty());
}

TEST_CASE("phrase: each phrase is found where it first occurs, in text order",
          "[pipeline][phrase]") {
  // Tokens that start like a phrase but do not match it come first.
  const auto hits = Find("Cashier said cash, then 2 cars and 30 days. Cash again",
                         {"cash", "# days", "cars"});
  REQUIRE(hits.size() == 3);
  CHECK(hits[0].words == "cash");
  CHECK(hits[0].first == 2);
  CHECK(hits[1].words == "cars");
  CHECK(hits[2].words == "30 days");
  CHECK(Find("no number here, only days", {"# days"}).empty());
}

TEST_CASE("phrase: a list changed in place is read as it is now", "[pipeline][phrase]") {
  const TokenizedText text = Tokenize("We are pre-approved and paying cash");
  std::vector<std::string> phrases = {"cash"};
  REQUIRE(FindPhrases(text, phrases).size() == 1);
  phrases[0] = "pre-approved";
  auto hits = FindPhrases(text, phrases);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].phrase == "pre-approved");
  phrases.emplace_back("paying cash");
  hits = FindPhrases(text, phrases);
  REQUIRE(hits.size() == 2);
  CHECK(hits[1].phrase == "paying cash");
  phrases.clear();
  CHECK(FindPhrases(text, phrases).empty());
}
