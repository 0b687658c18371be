#include "bot/slack/mrkdwn.h"

#include <catch2/catch.hpp>

using leadrouter::slack::CountChars;
using leadrouter::slack::EscapeAndTruncate;
using leadrouter::slack::EscapeMrkdwn;
using leadrouter::slack::FormatElapsed;
using leadrouter::slack::Mention;
using leadrouter::slack::Truncate;
using namespace std::chrono_literals;

TEST_CASE("a lead cannot mention anyone or make a link",
          "[bot][slack][mrkdwn]") {
  CHECK(EscapeMrkdwn("<!channel> hi <@U123>") ==
        "&lt;!channel&gt; hi &lt;@U123&gt;");
  CHECK(EscapeMrkdwn("<https://evil.example|your bank>") ==
        "&lt;https://evil.example|your bank&gt;");
  CHECK(EscapeMrkdwn("Tom & Jerry") == "Tom &amp; Jerry");
}

TEST_CASE("escaping leaves everything else as the lead wrote it",
          "[bot][slack][mrkdwn]") {
  CHECK(EscapeMrkdwn("dana_o'connell@example.com *cash* ~50k~ \"quoted\"") ==
        "dana_o'connell@example.com *cash* ~50k~ \"quoted\"");
  CHECK(EscapeMrkdwn("Zoë — 東京 🏠") == "Zoë — 東京 🏠");
}

TEST_CASE("broken UTF-8 from a lead becomes a replacement character",
          "[bot][slack][mrkdwn]") {
  CHECK(EscapeMrkdwn("ab\xFF"
                     "cd") ==
        "ab\xEF\xBF\xBD"
        "cd");
  CHECK(EscapeMrkdwn("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut short
  CHECK(EscapeMrkdwn("\xED\xA0\x80") ==  // a UTF-16 surrogate
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("long text is cut on a character boundary with an ellipsis",
          "[bot][slack][mrkdwn]") {
  CHECK(Truncate("short", 10) == "short");
  CHECK(Truncate("abcdefghij", 5) == "abcd…");
  CHECK(CountChars(Truncate("abcdefghij", 5)) == 5);
  // Multi-byte characters are never split.
  CHECK(Truncate("ééééé", 3) == "éé…");
  CHECK(Truncate("🏠🏠🏠🏠", 2) == "🏠…");
}

TEST_CASE("truncating escaped text never leaves half an entity",
          "[bot][slack][mrkdwn]") {
  // "a&amp;b": cutting to 4 chars would keep "a&a" + "…"; back up instead.
  CHECK(EscapeAndTruncate("a&b", 4) == "a…");
  CHECK(EscapeAndTruncate("ab<c", 5) == "ab…");
  CHECK(EscapeAndTruncate("a<b", 10) == "a&lt;b");
  CHECK(EscapeAndTruncate("<<<<", 11) == "&lt;&lt;…");
}

TEST_CASE("only real user ids become mentions", "[bot][slack][mrkdwn]") {
  CHECK(Mention("U0123ANA") == "<@U0123ANA>");
  CHECK(Mention("W0123ANA") == "<@W0123ANA>");
  CHECK(Mention("U01|x> <!channel") == "U01|x&gt; &lt;!channel");
  CHECK(Mention("!channel") == "!channel");
  CHECK(Mention("") == "");
}

TEST_CASE("elapsed times read like a person would say them",
          "[bot][slack][mrkdwn]") {
  CHECK(FormatElapsed(0s) == "0 s");
  CHECK(FormatElapsed(37s) == "37 s");
  CHECK(FormatElapsed(59s) == "59 s");
  CHECK(FormatElapsed(60s) == "1 min");
  CHECK(FormatElapsed(4min + 59s) == "4 min");
  CHECK(FormatElapsed(2h) == "2 h");
  CHECK(FormatElapsed(2h + 5min + 10s) == "2 h 5 min");
  CHECK(FormatElapsed(76h) == "3 d 4 h");
  CHECK(FormatElapsed(-5s) == "0 s");
}
