#include "pipeline/timeline.h"

#include <catch2/catch.hpp>

#include "pipeline/date.h"

using namespace leadrouter::pipeline;

namespace {

// Monday 12 January 2026.
const auto kNow = *ParseTimestamp("2026-01-12T16:00:00Z");

Timeline Read(const char* text) { return ReadTimeline(Tokenize(text), kNow); }

}  // namespace

TEST_CASE("timeline: deadlines within two months are near",
          "[pipeline][timeline]") {
  struct Case {
    const char* text;
    const char* words;
    int days;
  };
  for (const Case& c : {
           Case{"Need a showing by Friday", "Friday", 4},
           Case{"can we see it tmrw?", "tmrw", 1},
           Case{"closing in 30 days", "in 30 days", 30},
           Case{"moving in two weeks", "in two weeks", 14},
           Case{"our lease ends in March", "March", 62},
           Case{"must be out by March 1st", "March 1st", 48},
           Case{"lease ends 2/15", "2/15", 34},
           Case{"we have to be out by the 31st", "31st", 19},
           Case{"within the next couple of days", "couple of days", 2},
           Case{"a 14 day close", "a 14 day", 14},
           Case{"lo antes posible", "lo antes posible", 3},
           Case{"PCS report date Feb 10", "Feb 10", 29},
       }) {
    INFO(c.text);
    const Timeline t = Read(c.text);
    REQUIRE(t.near);
    CHECK(t.near->words == c.words);
    CHECK(t.near->days == c.days);
  }
}

TEST_CASE("timeline: a few months out is neither near nor far",
          "[pipeline][timeline]") {
  for (const char* text :
       {"Planning to buy in April", "in the next 3-4 months",
        "thinking of listing this summer", "considering selling in the spring"}) {
    INFO(text);
    const Timeline t = Read(text);
    CHECK_FALSE(t.near);
    CHECK(t.mid);
    CHECK_FALSE(t.far);
  }
}

TEST_CASE("timeline: a year or more, someday, or a negated soon is far",
          "[pipeline][timeline]") {
  for (const char* text :
       {"maybe next year", "in a year or two", "someday", "Planning to buy in 2028",
        "not moving anytime soon", "Not planning anything soon",
        "for at least 6 months", "maybe in the fall", "el próximo año"}) {
    INFO(text);
    const Timeline t = Read(text);
    CHECK_FALSE(t.near);
    CHECK(t.far);
  }
  CHECK(Read("not anytime soon").far->words == "not anytime soon");
}

TEST_CASE("timeline: past dates and lengths that are not deadlines are ignored",
          "[pipeline][timeline]") {
  for (const char* text :
       {"we saw it on Jan 3", "we sold our house last month",
        "on the market for 90 days", "a 12 month lease", "Is 6 months possible?",
        "we may list it", "we march on", "not urgent"}) {
    INFO(text);
    const Timeline t = Read(text);
    CHECK_FALSE(t.near);
    CHECK_FALSE(t.mid);
    CHECK_FALSE(t.far);
  }
}
