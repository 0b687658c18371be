// [[pools]], [[routes]] and [territories]: read, and checked as a whole the
// way `check-config` reports them.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "bot/daemon/config.h"

using Catch::Matchers::Contains;
using leadrouter::ConfigError;
using leadrouter::ConfigLoad;
using leadrouter::LoadConfigString;
using leadrouter::PoolMode;

namespace {

bool Has(const std::vector<ConfigError>& list, const std::string& key,
         const std::string& words = "") {
  return std::any_of(list.begin(), list.end(), [&](const ConfigError& e) {
    return e.key == key && e.message.find(words) != std::string::npos;
  });
}

std::string All(const std::vector<ConfigError>& list) {
  std::string out;
  for (const ConfigError& e : list) out += e.ToString() + "\n";
  return out;
}

const std::string kAgents = R"(
[slack]
shark_tank_channel = "C0123SHARK"

[[agents]]
slack_id = "U0123ANA"
name = "Ana"

[[agents]]
slack_id = "U0123BEN"
name = "Ben"

[[agents]]
slack_id = "U0123CY"
name = "Cy"
)";

const std::string kGood = kAgents + R"(
[territories]
back-bay = ["02116", "02199"]
south-end = ["02118"]

[[pools]]
name = "luxury"
mode = "first_to_claim"
members = ["U0123ANA", "U0123BEN"]
channel = "C0123LUX"
claim_timeout = "3m"
fallback = "everyone"

[[pools]]
name = "everyone"
mode = "round_robin"
members = ["U0123ANA", "U0123BEN", "U0123CY"]

[[pools]]
name = "listings"
mode = "agent"
members = ["U0123CY"]
fallback = "everyone"

[[routes]]
name = "luxury-back-bay"
pool = "luxury"
when = { price_min = 1000000, territory = "back-bay", days = ["mon", "tue"], hours = "09:00-17:00" }

[[routes]]
name = "sellers"
pool = "listings"
when = { lead_type = "seller", mls = true, language = ["en", "es"] }

[[routes]]
name = "default"
pool = "everyone"
)";

}  // namespace

TEST_CASE("routing config: pools, routes and territories are read",
          "[bot][config][routing]") {
  ConfigLoad load = LoadConfigString(kGood);
  INFO(All(load.errors));
  REQUIRE(load.ok());
  for (const ConfigError& w : load.warnings) {
    CHECK(w.key.rfind("territories", 0) == std::string::npos);
  }
  const auto& rc = load.config.routing;
  REQUIRE(rc.configured());
  REQUIRE(rc.pools.size() == 3);
  CHECK(rc.pools[0].mode == PoolMode::kFirstToClaim);
  CHECK(rc.pools[0].channel == "C0123LUX");
  CHECK(rc.pools[0].claim_timeout == std::chrono::minutes(3));
  CHECK(rc.pools[0].fallback == "everyone");
  CHECK(rc.pools[1].mode == PoolMode::kRoundRobin);
  CHECK(rc.pools[2].mode == PoolMode::kAgent);
  REQUIRE(rc.routes.size() == 3);
  const auto& lux = rc.routes[0].when;
  CHECK(lux.price_min == 1000000.0);
  CHECK(lux.territory == std::vector<std::string>{"back-bay"});
  CHECK(lux.days == ((1 << 1) | (1 << 2)));
  CHECK(lux.hours == std::pair{9 * 60, 17 * 60});
  CHECK(rc.routes[1].when.has_mls == true);
  CHECK(rc.routes[1].when.language.size() == 2);
  CHECK(rc.routes[2].when.empty());
  CHECK(rc.territories.at("back-bay").size() == 2);
  CHECK_THAT(leadrouter::SummarizeConfig(load.config),
             Contains("luxury-back-bay → luxury"));
}

TEST_CASE("routing config: without [[pools]] nothing changes",
          "[bot][config][routing]") {
  ConfigLoad load = LoadConfigString(kAgents);
  REQUIRE(load.ok());
  CHECK_FALSE(load.config.routing.configured());
  CHECK_THAT(leadrouter::SummarizeConfig(load.config),
             Contains("one rotation of every agent"));
}

TEST_CASE("routing config: check-config catches what cannot work",
          "[bot][config][routing]") {
  SECTION("no final catch-all route") {
    ConfigLoad load = LoadConfigString(kAgents + R"(
[[pools]]
name = "everyone"
members = ["U0123ANA"]
[[routes]]
name = "hot"
pool = "everyone"
when = { segment = "HOT_BUYER" }
)");
    CHECK(Has(load.errors, "routes[0]", "catch-all"));
  }
  SECTION("a route shadowed by an earlier one") {
    ConfigLoad load = LoadConfigString(kAgents + R"(
[[pools]]
name = "everyone"
members = ["U0123ANA"]
[[routes]]
name = "hot"
pool = "everyone"
when = { segment = "HOT_BUYER" }
[[routes]]
name = "hot-back-bay"
pool = "everyone"
when = { segment = "HOT_BUYER", zip = "02116" }
[[routes]]
name = "default"
pool = "everyone"
)");
    INFO(All(load.errors));
    CHECK(Has(load.errors, "routes[1]",
              "\"hot-back-bay\" can never match: route \"hot\""));
    CHECK(load.errors.size() == 1);
  }
  SECTION("a pool with no members, and a member who is no agent") {
    ConfigLoad load = LoadConfigString(kAgents + R"(
[[pools]]
name = "empty"
members = []
[[pools]]
name = "strangers"
members = ["U0123ZED"]
[[routes]]
name = "default"
pool = "strangers"
)");
    CHECK(Has(load.errors, "pools[0].members", "no members"));
    CHECK(Has(load.errors, "pools[1].members[0]",
              "\"U0123ZED\" is not in [[agents]]"));
  }
  SECTION("a fallback cycle") {
    ConfigLoad load = LoadConfigString(kAgents + R"(
[[pools]]
name = "a"
members = ["U0123ANA"]
fallback = "b"
[[pools]]
name = "b"
members = ["U0123BEN"]
fallback = "a"
[[routes]]
name = "default"
pool = "a"
)");
    INFO(All(load.errors));
    CHECK(Has(load.errors, "pools[0].fallback", "fallback cycle a → b → a"));
    CHECK(load.errors.size() == 1);  // one cycle, told once
  }
  SECTION("an unknown pool, in a route and as a fallback") {
    ConfigLoad load = LoadConfigString(kAgents + R"(
[[pools]]
name = "a"
members = ["U0123ANA"]
fallback = "nowhere"
[[routes]]
name = "default"
pool = "elsewhere"
)");
    CHECK(Has(load.errors, "pools[0].fallback", "\"nowhere\" is not a pool"));
    CHECK(Has(load.errors, "routes[0].pool", "\"elsewhere\" is not a pool"));
  }
  SECTION("an unknown territory, a bad mode, a bad key in when") {
    ConfigLoad load = LoadConfigString(kAgents + R"(
[[pools]]
name = "a"
mode = "lottery"
members = ["U0123ANA"]
[[routes]]
name = "north"
pool = "a"
when = { territory = "north", colour = "blue", days = ["funday"] }
[[routes]]
name = "default"
pool = "a"
)");
    CHECK(Has(load.errors, "pools[0].mode", "lottery"));
    CHECK(Has(load.errors, "routes[0].when.territory", "\"north\""));
    CHECK(Has(load.errors, "routes[0].when.colour", "unknown key"));
    CHECK(Has(load.errors, "routes[0].when.days", "funday"));
  }
  SECTION("[[routes]] without [[pools]], and [[pools]] without [[routes]]") {
    CHECK(Has(LoadConfigString(kAgents + R"(
[[routes]]
name = "default"
pool = "a"
)").errors,
              "routes"));
    CHECK(Has(LoadConfigString(kAgents + R"(
[[pools]]
name = "a"
members = ["U0123ANA"]
)").errors,
              "pools", "need [[routes]]"));
  }
  SECTION("an agent pool of two") {
    ConfigLoad load = LoadConfigString(kAgents + R"(
[[pools]]
name = "a"
mode = "agent"
members = ["U0123ANA", "U0123BEN"]
[[routes]]
name = "default"
pool = "a"
)");
    CHECK(Has(load.errors, "pools[0].members", "exactly one"));
  }
}

TEST_CASE("routing config: overlapping territories are a warning",
          "[bot][config][routing]") {
  ConfigLoad load = LoadConfigString(kAgents + R"(
[territories]
back-bay = ["02116", "02199"]
downtown = ["02199", "02108"]
[[pools]]
name = "a"
members = ["U0123ANA"]
[[routes]]
name = "default"
pool = "a"
)");
  INFO(All(load.errors));
  CHECK(load.ok());
  CHECK(Has(load.warnings, "territories.downtown",
            "shares ZIP 02199 with territory \"back-bay\""));
}
