#include "bot/interactions/mention.h"

#include <catch2/catch.hpp>

using leadrouter::ParseUserMention;

TEST_CASE("a user mention yields the id in both forms Slack sends",
          "[bot][handlers][mention]") {
  SECTION("with the display name") {
    CHECK(ParseUserMention("<@U0123ANA|ana>") == "U0123ANA");
  }
  SECTION("without it") {
    CHECK(ParseUserMention("<@U0123ANA>") == "U0123ANA");
  }
  SECTION("an enterprise user id") {
    CHECK(ParseUserMention("<@W0123ANA|ana>") == "W0123ANA");
  }
}

TEST_CASE("anything but a well-formed user mention is refused",
          "[bot][handlers][mention]") {
  CHECK_FALSE(ParseUserMention("@ana"));
  CHECK_FALSE(ParseUserMention("U0123ANA"));
  CHECK_FALSE(ParseUserMention("<#C0123SHARK|shark-tank>"));
  CHECK_FALSE(ParseUserMention("<!channel>"));
  CHECK_FALSE(ParseUserMention("<@>"));
  CHECK_FALSE(ParseUserMention("<@|ana>"));
  CHECK_FALSE(ParseUserMention("<@u0123ana>"));
  CHECK_FALSE(ParseUserMention("<@U0123ANA"));
  CHECK_FALSE(ParseUserMention("x<@U0123ANA>"));
  CHECK_FALSE(ParseUserMention("<@U01 23>"));
  CHECK_FALSE(ParseUserMention(""));
}

TEST_CASE("a mention's label is kept apart from its id",
          "[bot][handlers][mention]") {
  auto m = leadrouter::ParseUserMentionWithLabel("<@U0123ANA|ana.b>");
  REQUIRE(m);
  CHECK(m->id == "U0123ANA");
  CHECK(m->label == "ana.b");
  CHECK(leadrouter::ParseUserMentionWithLabel("<@U0123ANA>")->label.empty());
  CHECK_FALSE(leadrouter::ParseUserMentionWithLabel("<@nobody|ana>"));
}
