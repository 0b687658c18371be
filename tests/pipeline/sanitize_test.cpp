#include "pipeline/sanitize.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "pipeline/rules.h"
#include "pipeline/text.h"

using leadrouter::pipeline::DecodeEntities;
using leadrouter::pipeline::PercentDecode;
using leadrouter::pipeline::RepairUtf8;
using leadrouter::pipeline::SanitizedText;
using leadrouter::pipeline::SanitizeField;
using leadrouter::pipeline::SanitizeOptions;
using leadrouter::pipeline::SanitizeText;

namespace {

SanitizeOptions Defaults() {
  SanitizeOptions o;
  o.boilerplate_phrases = leadrouter::pipeline::Rules{}.boilerplate_phrases;
  return o;
}

std::string Clean(const std::string& in) {
  return SanitizeText(in, Defaults()).text;
}

bool Changed(const SanitizedText& s, const std::string& what) {
  return std::any_of(s.changes.begin(), s.changes.end(), [&](const auto& c) {
    return c.find(what) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("sanitize strips tags and keeps the words", "[pipeline][sanitize]") {
  CHECK(Clean("we are <b>just looking</b> for now") ==
        "we are just looking for now");
  CHECK(Clean("<div><p>Hello <span><i>dear</i> agent</span></p></div>") ==
        "Hello dear agent");
}

TEST_CASE("sanitize turns block tags into line breaks",
          "[pipeline][sanitize]") {
  CHECK(Clean("<p>Hi,<br>we are looking</p><p>Thanks</p>") ==
        "Hi,\nwe are looking\nThanks");
  CHECK(Clean("<ul><li>3 beds</li><li>2 baths</li></ul>") == "3 beds\n2 baths");
}

TEST_CASE("sanitize drops script and style content", "[pipeline][sanitize]") {
  CHECK(Clean("Hi<script>alert('x')</script> there") == "Hi there");
  CHECK(Clean("<style>p { color: red }</style>Call me") == "Call me");
  CHECK(Clean("<SCRIPT type=\"text/javascript\">x()</SCRIPT>ok") == "ok");
  CHECK(Clean("before<script>never closed") == "before");
}

TEST_CASE("sanitize drops HTML comments", "[pipeline][sanitize]") {
  CHECK(Clean("a<!-- hidden <b>stuff</b> -->b") == "ab");
}

TEST_CASE("sanitize survives unclosed tags", "[pipeline][sanitize]") {
  CHECK(Clean("<p>Hello<br") == "Hello");
  CHECK(Clean("Call me <b>today") == "Call me today");
}

TEST_CASE("sanitize keeps a less-than sign that starts no tag",
          "[pipeline][sanitize]") {
  CHECK(Clean("budget < 500k and 3 > 2") == "budget < 500k and 3 > 2");
  CHECK(Clean("I <3 this house") == "I <3 this house");
}

TEST_CASE("sanitize decodes named and numeric entities",
          "[pipeline][sanitize]") {
  CHECK(Clean("Tom &amp; Jerry &quot;hi&quot; &lt;3") ==
        "Tom & Jerry \"hi\" <3");
  CHECK(Clean("caf&eacute; &#233; &#xE9; &#X1F3E0;") == "café é é 🏠");
  CHECK(Clean("it&rsquo;s &mdash; fine") == "it\u2019s \u2014 fine");
  SECTION("a no-break space counts as white space") {
    CHECK(Clean("a&nbsp;&nbsp;b") == "a b");
  }
  SECTION("unknown or broken entities stay as written") {
    CHECK(Clean("&bogus; & &#; &#xZZ;") == "&bogus; & &#; &#xZZ;");
  }
  SECTION("invalid code points become the replacement character") {
    CHECK(Clean("&#0;&#xD800;&#99999999;") == "\uFFFD\uFFFD\uFFFD");
  }
}

TEST_CASE("sanitize decodes entities once, so escaped markup stays text",
          "[pipeline][sanitize]") {
  CHECK(Clean("&lt;script&gt;x&lt;/script&gt;") == "<script>x</script>");
  CHECK(Clean("&amp;amp;") == "&amp;");
}

TEST_CASE("sanitize decodes URL-encoded text", "[pipeline][sanitize]") {
  const SanitizedText s = SanitizeText("Hi%20there%2C%20call%20me", Defaults());
  CHECK(s.text == "Hi there, call me");
  CHECK(Changed(s, "URL"));
  CHECK(Clean("Hi+there%2C+call+me") == "Hi there, call me");
  SECTION("a percent sign in ordinary text is left alone") {
    CHECK(Clean("I am 100% sure, 20%AB off") == "I am 100% sure, 20%AB off");
  }
  SECTION("escapes that spell invalid UTF-8 are repaired") {
    CHECK(Clean("caf%C3%A9%FF") == "café\uFFFD");
  }
}

TEST_CASE("sanitize decodes a stray escaped space or line break",
          "[pipeline][sanitize]") {
  const SanitizedText s =
      SanitizeText("Please send the floor plan. Thanks!%20", Defaults());
  CHECK(s.text == "Please send the floor plan. Thanks!");
  CHECK(Changed(s, "decoded form escapes"));
  CHECK(Clean("Call me after 5.%0AThanks") == "Call me after 5.\nThanks");
  CHECK(Clean("Is it 100%25 done? 50% off") == "Is it 100%25 done? 50% off");
}

TEST_CASE("sanitize removes form boilerplate", "[pipeline][sanitize]") {
  const SanitizedText s = SanitizeText(
      "<p>Interested in 12 Elm St</p><p>Sent from contact form: Relocation "
      "guide</p>",
      Defaults());
  CHECK(s.text == "Interested in 12 Elm St");
  CHECK(Changed(
      s, "removed boilerplate \"Sent from contact form: Relocation guide\""));
  CHECK(
      Clean("Call me\nThis message was sent from https://x.example/contact") ==
      "Call me");
  CHECK(Clean("Sounds good. Sent from my iPhone") == "Sounds good.");
  SECTION("the list is configurable") {
    SanitizeOptions o;
    o.boilerplate_phrases = {"-- powered by formbuilder"};
    CHECK(SanitizeText("Hello\n-- Powered by FormBuilder v2", o).text ==
          "Hello");
    CHECK(SanitizeText("Sent from my iPhone", o).text == "Sent from my iPhone");
  }
  SECTION("a phrase inside a word is not boilerplate") {
    CHECK(Clean("resent from my iphone") == "resent from my iphone");
  }
}

TEST_CASE("sanitize collapses white space and drops control characters",
          "[pipeline][sanitize]") {
  CHECK(Clean("  Hello \t\t world  ") == "Hello world");
  CHECK(Clean("line one\r\n\r\n\r\n   line two") == "line one\nline two");
  CHECK(Clean(std::string("bell\x07 and\x1b null", 15) + std::string(1, '\0') +
              "x") == "bell and nullx");
}

TEST_CASE("sanitize cuts long text on a character boundary",
          "[pipeline][sanitize]") {
  SanitizeOptions o;
  o.max_length = 9;
  // 'é' is two bytes; the limit falls in the middle of the fifth one.
  const SanitizedText s = SanitizeText("ééééééé", o);
  CHECK(s.text == "éééé");
  CHECK(Changed(s, "cut to 9 bytes"));
  CHECK(RepairUtf8(s.text) == s.text);
}

TEST_CASE("sanitize replaces invalid UTF-8 and keeps valid text",
          "[pipeline][sanitize]") {
  const SanitizedText s = SanitizeText("caf\xC3\xA9 \xFF ok \xC3", Defaults());
  CHECK(s.text == "café \uFFFD ok \uFFFD");
  CHECK(Changed(s, "invalid UTF-8"));
  SECTION("overlong forms and surrogates are invalid") {
    CHECK(RepairUtf8("\xC0\xAF") == "\uFFFD");
    CHECK(RepairUtf8("\xED\xA0\x80") == "\uFFFD");
    CHECK(RepairUtf8("\xF4\x90\x80\x80") == "\uFFFD");
  }
  SECTION("emoji and other scripts are valid") {
    CHECK(Clean("🏡 Zoë 山田") == "🏡 Zoë 山田");
  }
}

TEST_CASE("sanitize reports nothing for clean text", "[pipeline][sanitize]") {
  const SanitizedText s = SanitizeText("Call me about 12 Elm St.", Defaults());
  CHECK(s.text == "Call me about 12 Elm St.");
  CHECK(s.changes.empty());
}

TEST_CASE("sanitize of a one-line field folds line breaks into spaces",
          "[pipeline][sanitize]") {
  CHECK(SanitizeField(" Dana\n O'Connell <b></b> ").text == "Dana O'Connell");
  CHECK(SanitizeField("Sent from my iPhone").text == "Sent from my iPhone");
}

TEST_CASE("sanitize helpers decode what they are asked to",
          "[pipeline][sanitize]") {
  CHECK(DecodeEntities("a&amp;b") == "a&b");
  CHECK(PercentDecode("a+b%2Bc", true) == "a b+c");
  CHECK(PercentDecode("a+b", false) == "a+b");
  CHECK(PercentDecode("%", true) == "%");
  CHECK(PercentDecode("%4", true) == "%4");
}

TEST_CASE("sanitize stays linear on hostile input", "[pipeline][sanitize]") {
  // Each of these took one full scan per character before the fix, which is
  // minutes at this size.
  const size_t n = 200000;
  SECTION("many '<' and no '>'") {
    std::string in;
    for (size_t i = 0; i < n / 2; ++i) in += "<a";
    CHECK(Clean(in).empty());
  }
  SECTION("many '&' and no ';'") {
    CHECK(Clean(std::string(n, '&')).size() == 4000);
  }
  SECTION("many boilerplate lines") {
    std::string in;
    while (in.size() < n) in += "ok sent from my iphone\n";
    const SanitizedText s = SanitizeText(in, Defaults());
    CHECK(s.text.substr(0, 5) == "ok\nok");
    CHECK(s.changes.size() < 10);
  }
}

TEST_CASE("sanitize cuts enormous input before cleaning it",
          "[pipeline][sanitize]") {
  const SanitizedText s = SanitizeText(std::string(1 << 20, 'x'), Defaults());
  CHECK(s.text.size() == 4000);
  CHECK(Changed(s, "input cut to"));
}
