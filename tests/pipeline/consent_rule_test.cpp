#include "pipeline/consent_rule.h"

#include <catch2/catch.hpp>

using namespace leadrouter::pipeline;

TEST_CASE("consent: explicit needs the channel's own yes", "[pipeline][consent_rule]") {
  CHECK(ConsentAllows(ConsentRule::kExplicit, true, std::nullopt));
  CHECK_FALSE(ConsentAllows(ConsentRule::kExplicit, std::nullopt, true));
  CHECK_FALSE(ConsentAllows(ConsentRule::kExplicit, std::nullopt, std::nullopt));
}

TEST_CASE("consent: marketing accepts the channel's yes or a general marketing yes",
          "[pipeline][consent_rule]") {
  CHECK(ConsentAllows(ConsentRule::kMarketing, std::nullopt, true));
  CHECK(ConsentAllows(ConsentRule::kMarketing, true, false));
  CHECK_FALSE(ConsentAllows(ConsentRule::kMarketing, std::nullopt, std::nullopt));
  CHECK_FALSE(ConsentAllows(ConsentRule::kMarketing, std::nullopt, false));
}

TEST_CASE("consent: a no on the channel wins under every rule", "[pipeline][consent_rule]") {
  for (ConsentRule rule : {ConsentRule::kNone, ConsentRule::kMarketing, ConsentRule::kExplicit}) {
    CHECK_FALSE(ConsentAllows(rule, false, true));
  }
  CHECK(ConsentAllows(ConsentRule::kNone, std::nullopt, std::nullopt));
}

TEST_CASE("consent: rule names are the config's values", "[pipeline][consent_rule]") {
  for (ConsentRule rule : {ConsentRule::kNone, ConsentRule::kMarketing, ConsentRule::kExplicit}) {
    CHECK(ConsentRuleFromString(ToString(rule)) == rule);
  }
  CHECK_FALSE(ConsentRuleFromString("yes").has_value());
}
