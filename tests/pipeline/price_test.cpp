#include "pipeline/price.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using leadrouter::pipeline::FindBudgetInText;
using leadrouter::pipeline::ParsePrice;
using leadrouter::pipeline::PriceFromJson;

TEST_CASE("prices read the way people write them", "[pipeline][price]") {
  CHECK(ParsePrice("$450k") == 450000.0);
  CHECK(ParsePrice("450K") == 450000.0);
  CHECK(ParsePrice("1.2M") == 1200000.0);
  CHECK(ParsePrice("2.1M") == 2100000.0);
  CHECK(ParsePrice("2.1 million") == 2100000.0);
  CHECK(ParsePrice("$1.5mm") == 1500000.0);
  CHECK(ParsePrice("450,000") == 450000.0);
  CHECK(ParsePrice("$1,250,000") == 1250000.0);
  CHECK(ParsePrice(" $ 300000 ") == 300000.0);
  CHECK(ParsePrice("USD 300000") == 300000.0);
  CHECK(ParsePrice("$500k+") == 500000.0);
  CHECK(ParsePrice("750 thousand") == 750000.0);
}

TEST_CASE("prices that are junk are rejected", "[pipeline][price]") {
  for (const char* junk :
       {"", "junk", "$", "k", "1.2.3", "4,50", "1,2345", ",100", "-5", "0",
        "$0k", "about 500k", "500 bucks", "1e6", "99999999999"}) {
    INFO(junk);
    CHECK_FALSE(ParsePrice(junk).has_value());
  }
}

TEST_CASE("prices from JSON accept numbers and strings", "[pipeline][price]") {
  CHECK(PriceFromJson(nlohmann::json(1250000)) == 1250000.0);
  CHECK(PriceFromJson(nlohmann::json(1250000.5)) == 1250000.5);
  CHECK(PriceFromJson(nlohmann::json("$450k")) == 450000.0);
  CHECK_FALSE(PriceFromJson(nlohmann::json(-1)).has_value());
  CHECK_FALSE(PriceFromJson(nlohmann::json()).has_value());
  CHECK_FALSE(PriceFromJson(nlohmann::json::array({1})).has_value());
  CHECK_FALSE(PriceFromJson(nlohmann::json(true)).has_value());
}

TEST_CASE("budgets are found in message text", "[pipeline][price]") {
  CHECK(FindBudgetInText("Need a showing by Friday, budget 2.1M, investor") ==
        2100000.0);
  CHECK(FindBudgetInText("Budget: $450k.") == 450000.0);
  CHECK(FindBudgetInText("our budget is about 1,250,000 dollars") == 1250000.0);
  CHECK(FindBudgetInText("budget of 2.1 million") == 2100000.0);
  SECTION("an amount in another sentence is not the budget") {
    CHECK_FALSE(FindBudgetInText("No budget yet. We have 3 kids").has_value());
  }
  SECTION("no mention, no budget") {
    CHECK_FALSE(FindBudgetInText("3 beds, 2 baths").has_value());
    CHECK_FALSE(FindBudgetInText("budgetary 500k").has_value());
  }
}
