#include "pipeline/route_rules.h"

#include <catch2/catch.hpp>

#include "pipeline/language.h"
#include "tests/pipeline/test_leads.h"

using namespace leadrouter::pipeline;
using Catch::Matchers::Contains;
using testing::LeadSaying;

namespace {

// Saturday 18:07 in the team's zone, like the rotation tests.
constexpr int kSaturday = 6;
constexpr int k1807 = 18 * 60 + 7;

// A luxury lead in Back Bay, in English, on a Saturday evening.
RouteFacts Facts() {
  RouteFacts f;
  f.source = "Zillow Premier";
  f.segment = "HOT_BUYER";
  f.intent = "URGENT_BUYER";
  f.lead_type = "buyer";
  f.zip = "02116";
  f.city = "Boston";
  f.state = "MA";
  f.mls = "MA-73112";
  f.price = 1249000;
  f.language = "en";
  f.local_minute = k1807;
  f.local_weekday = kSaturday;
  return f;
}

const Territories kTerritories = {{"back-bay", {"02116", "02199"}},
                                  {"south-end", {"02118"}}};

RouteRule Rule(const std::string& name, RouteWhen when) {
  return {name, "pool-" + name, std::move(when)};
}

// Whether a single route with `when` matches `facts`.
bool Matches(const RouteWhen& when, const RouteFacts& facts) {
  return MatchRoute({Rule("r", when)}, kTerritories, facts).ok();
}

}  // namespace

TEST_CASE("route rules: the example from the docs explains itself",
          "[pipeline][route_rules]") {
  RouteWhen luxury;
  luxury.price_min = 1000000;
  luxury.zip = {"02116", "02199"};
  std::vector<RouteRule> routes = {
      {"luxury-back-bay", "luxury", luxury},
      {"default", "everyone", {}},
  };
  RouteMatch m = MatchRoute(routes, kTerritories, Facts());
  REQUIRE(m.ok());
  CHECK(*m.index == 0);
  CHECK(m.pool == "luxury");
  CHECK(m.reason ==
        "route luxury-back-bay: price $1,249,000 ≥ $1,000,000, zip 02116 → "
        "pool luxury");

  SECTION("a cheaper lead falls through to the catch-all, and says why") {
    RouteFacts f = Facts();
    f.price = 650000;
    RouteMatch cheap = MatchRoute(routes, kTerritories, f);
    CHECK(cheap.pool == "everyone");
    CHECK(cheap.reason == "route default: catch-all → pool everyone");
    REQUIRE(cheap.tried.size() == 2);
    CHECK_FALSE(cheap.tried[0].matched);
    CHECK(cheap.tried[0].why == "price $650,000 < $1,000,000");
  }
  SECTION("no route at all is an answer too") {
    RouteMatch none = MatchRoute({routes[0]}, kTerritories, [] {
      RouteFacts f = Facts();
      f.zip = "02118";
      return f;
    }());
    CHECK_FALSE(none.ok());
    CHECK(none.reason == "no route matched");
    CHECK(none.tried[0].why == "zip 02118 not in 02116, 02199");
  }
}

TEST_CASE("route rules: the first match wins, in order",
          "[pipeline][route_rules]") {
  RouteWhen hot;
  hot.segment = {"HOT_BUYER"};
  RouteWhen zillow;
  zillow.source = {"zillow premier"};
  std::vector<RouteRule> routes = {Rule("zillow", zillow), Rule("hot", hot),
                                   Rule("all", {})};
  CHECK(MatchRoute(routes, kTerritories, Facts()).route == "zillow");
  RouteFacts web = Facts();
  web.source = "Website";
  RouteMatch m = MatchRoute(routes, kTerritories, web);
  CHECK(m.route == "hot");
  CHECK(m.tried.size() == 2);
}

TEST_CASE("route rules: every key, held and not held",
          "[pipeline][route_rules]") {
  struct Row {
    const char* name;
    RouteWhen when;
    bool holds;
    const char* why;  // the reason's words for this key
  };
  auto when = [](auto set) {
    RouteWhen w;
    set(w);
    return w;
  };
  const std::vector<Row> rows = {
      {"source, any case", when([](RouteWhen& w) { w.source = {"Realtor.com", "ZILLOW PREMIER"}; }), true, "source Zillow Premier"},
      {"source, other", when([](RouteWhen& w) { w.source = {"Realtor.com"}; }), false, "source Zillow Premier not in Realtor.com"},
      {"segment", when([](RouteWhen& w) { w.segment = {"HOT_BUYER"}; }), true, "segment HOT_BUYER"},
      {"segment, other", when([](RouteWhen& w) { w.segment = {"WARM_BUYER"}; }), false, "segment HOT_BUYER not in WARM_BUYER"},
      {"intent", when([](RouteWhen& w) { w.intent = {"urgent_buyer"}; }), true, "intent URGENT_BUYER"},
      {"intent, other", when([](RouteWhen& w) { w.intent = {"TIRE_KICKER"}; }), false, "intent URGENT_BUYER not in TIRE_KICKER"},
      {"lead type", when([](RouteWhen& w) { w.lead_type = {"seller", "buyer"}; }), true, "lead type buyer"},
      {"lead type, other", when([](RouteWhen& w) { w.lead_type = {"renter"}; }), false, "lead type buyer not in renter"},
      {"zip", when([](RouteWhen& w) { w.zip = {"02116-4102"}; }), true, "zip 02116"},
      {"zip, other", when([](RouteWhen& w) { w.zip = {"02118"}; }), false, "zip 02116 not in 02118"},
      {"city", when([](RouteWhen& w) { w.city = {"boston"}; }), true, "city Boston"},
      {"city, other", when([](RouteWhen& w) { w.city = {"Cambridge"}; }), false, "city Boston not in Cambridge"},
      {"state by name", when([](RouteWhen& w) { w.state = {"Massachusetts"}; }), true, "state MA"},
      {"state, other", when([](RouteWhen& w) { w.state = {"NY"}; }), false, "state MA not in NY"},
      {"territory", when([](RouteWhen& w) { w.territory = {"south-end", "back-bay"}; }), true, "territory back-bay (zip 02116)"},
      {"territory, other", when([](RouteWhen& w) { w.territory = {"south-end"}; }), false, "zip 02116 in no territory of south-end"},
      {"price_min", when([](RouteWhen& w) { w.price_min = 1000000; }), true, "price $1,249,000 ≥ $1,000,000"},
      {"price_min, under", when([](RouteWhen& w) { w.price_min = 2000000; }), false, "price $1,249,000 < $2,000,000"},
      {"price_max", when([](RouteWhen& w) { w.price_max = 1500000; }), true, "price $1,249,000 ≤ $1,500,000"},
      {"price_max, over", when([](RouteWhen& w) { w.price_max = 500000; }), false, "price $1,249,000 > $500,000"},
      {"price band", when([](RouteWhen& w) { w.price_min = 1000000; w.price_max = 1500000; }), true, "price $1,249,000 ≥ $1,000,000 ≤ $1,500,000"},
      {"language", when([](RouteWhen& w) { w.language = {"English"}; }), true, "language en"},
      {"language, other", when([](RouteWhen& w) { w.language = {"es"}; }), false, "language en not in es"},
      {"mls id", when([](RouteWhen& w) { w.mls = {"ma-73112"}; }), true, "mls MA-73112"},
      {"mls id, other", when([](RouteWhen& w) { w.mls = {"MA-1"}; }), false, "mls MA-73112 not in MA-1"},
      {"any mls id", when([](RouteWhen& w) { w.has_mls = true; }), true, "MLS id MA-73112"},
      {"no mls id wanted", when([](RouteWhen& w) { w.has_mls = false; }), false, "MLS id MA-73112"},
      {"hours", when([](RouteWhen& w) { w.hours = std::pair{17 * 60, 21 * 60}; }), true, "within 17:00-21:00"},
      {"hours, outside", when([](RouteWhen& w) { w.hours = std::pair{9 * 60, 17 * 60}; }), false, "outside 09:00-17:00 (18:07)"},
      {"hours over midnight", when([](RouteWhen& w) { w.hours = std::pair{18 * 60, 6 * 60}; }), true, "within 18:00-06:00"},
      {"days", when([](RouteWhen& w) { w.days = (1 << 0) | (1 << 6); }), true, "on Sat"},
      {"days, other", when([](RouteWhen& w) { w.days = 0x3E; }), false, "Sat not in Mon, Tue, Wed, Thu, Fri"},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    RouteMatch m = MatchRoute({Rule("r", row.when)}, kTerritories, Facts());
    CHECK(m.ok() == row.holds);
    REQUIRE(m.tried.size() == 1);
    CHECK(m.tried[0].why == row.why);
  }
}

TEST_CASE("route rules: keys combine, and all must hold",
          "[pipeline][route_rules]") {
  RouteWhen w;
  w.segment = {"HOT_BUYER"};
  w.territory = {"back-bay"};
  w.language = {"en"};
  w.days = 0x7F;
  RouteMatch m = MatchRoute({Rule("r", w)}, kTerritories, Facts());
  REQUIRE(m.ok());
  CHECK(m.reason ==
        "route r: segment HOT_BUYER, territory back-bay (zip 02116), "
        "language en, on Sat → pool pool-r");
  SECTION("one key failing fails the route, and that key is named") {
    RouteFacts f = Facts();
    f.language = "es";
    RouteMatch no = MatchRoute({Rule("r", w)}, kTerritories, f);
    CHECK_FALSE(no.ok());
    CHECK(no.tried[0].why == "language es not in en");
  }
  SECTION("an unknown fact never matches a condition on it") {
    RouteFacts f = Facts();
    f.zip.clear();
    CHECK_FALSE(Matches(w, f));
    RouteWhen price;
    price.price_min = 1;
    f.price.reset();
    CHECK(MatchRoute({Rule("r", price)}, kTerritories, f).tried[0].why ==
          "no price or budget");
  }
}

TEST_CASE("route rules: facts from a processed lead",
          "[pipeline][route_rules]") {
  ProcessedLead lead = LeadSaying("Hola, quiero comprar una casa en Boston");
  lead.source = "Zillow Premier";
  lead.segment = Segment::kHotBuyer;
  lead.property.address = "200 Clarendon St, Boston, MA 02116";
  lead.budget = 900000;
  lead.raw = {{"lead", {{"leadType", "Seller"}}}};

  RouteFacts f = FactsOf(lead, k1807, kSaturday);
  CHECK(f.zip == "02116");
  CHECK(f.city == "Boston");
  CHECK(f.state == "MA");
  CHECK(f.lead_type == "seller");
  CHECK(f.price == 900000);
  CHECK(f.price_is_budget);
  CHECK(f.language == "es");
  CHECK(f.language_detected);
  CHECK(f.segment == "HOT_BUYER");

  SECTION("the listing's price wins over the budget, and says which") {
    lead.property.price = 1249000;
    lead.property.zip = "02199";
    RouteFacts g = FactsOf(lead, k1807, kSaturday);
    CHECK(g.price == 1249000);
    CHECK_FALSE(g.price_is_budget);
    CHECK(g.zip == "02199");
  }
  SECTION("a budget reads as a budget in the reason") {
    RouteWhen w;
    w.price_max = 1000000;
    CHECK(MatchRoute({Rule("r", w)}, kTerritories, f).tried[0].why ==
          "budget $900,000 ≤ $1,000,000");
  }
  SECTION("a language the source gives wins over detection") {
    lead.raw["preferred_language"] = "English";
    RouteFacts g = FactsOf(lead, k1807, kSaturday);
    CHECK(g.language == "en");
    CHECK_FALSE(g.language_detected);
  }
  SECTION("a detected language says so in the reason") {
    RouteWhen w;
    w.language = {"Spanish"};
    CHECK(MatchRoute({Rule("r", w)}, kTerritories, f).tried[0].why ==
          "language es (detected)");
  }
}

TEST_CASE("language: English and Spanish, and an honest 'cannot tell'",
          "[pipeline][route_rules][language]") {
  CHECK(DetectLanguage("Hola, estoy buscando una casa para mi familia").code ==
        "es");
  CHECK(DetectLanguage("Hi, we are looking for a home with a yard").code ==
        "en");
  CHECK(DetectLanguage("Call me").code.empty());
  CHECK_THAT(DetectLanguage("ok").why, Contains("cannot tell"));
  CHECK(LanguageCode("es-MX") == "es");
  CHECK(LanguageCode("Español") == "es");
  CHECK(LanguageCode("EN_us") == "en");
  CHECK(LanguageCode("Portuguese") == "portuguese");
}

TEST_CASE("route rules: a route covered by an earlier one can never match",
          "[pipeline][route_rules][covers]") {
  RouteWhen any;
  RouteWhen hot;
  hot.segment = {"HOT_BUYER"};
  RouteWhen hot_bb;
  hot_bb.segment = {"HOT_BUYER"};
  hot_bb.zip = {"02116"};
  RouteWhen back_bay;
  back_bay.territory = {"back-bay"};
  RouteWhen lux;
  lux.price_min = 1000000;
  RouteWhen lux2;
  lux2.price_min = 2000000;
  RouteWhen weekdays;
  weekdays.days = 0x3E;
  RouteWhen monday;
  monday.days = 0x02;

  CHECK(Covers(any, hot, kTerritories));
  CHECK(Covers(hot, hot_bb, kTerritories));
  CHECK_FALSE(Covers(hot_bb, hot, kTerritories));
  CHECK(Covers(back_bay, hot_bb, kTerritories));  // 02116 is in back-bay
  CHECK_FALSE(Covers(hot_bb, back_bay, kTerritories));
  CHECK(Covers(lux, lux2, kTerritories));
  CHECK_FALSE(Covers(lux2, lux, kTerritories));
  CHECK(Covers(weekdays, monday, kTerritories));
  CHECK_FALSE(Covers(monday, weekdays, kTerritories));
  CHECK_FALSE(Covers(hot, any, kTerritories));
}

TEST_CASE("route rules: day names", "[pipeline][route_rules]") {
  CHECK(WeekdayFromName("sun") == 0);
  CHECK(WeekdayFromName("Saturday") == 6);
  CHECK(WeekdayFromName("MON") == 1);
  CHECK_FALSE(WeekdayFromName("someday"));
}

TEST_CASE("route rules: a route's conditions in words",
          "[pipeline][route_rules]") {
  RouteWhen w;
  CHECK(Describe(w) == "every lead");
  w.price_min = 1000000;
  w.zip = {"02116", "02199"};
  w.days = 0x3E;
  CHECK(Describe(w) ==
        "price ≥ $1,000,000, zip 02116 or 02199, on Mon, Tue, Wed, Thu, Fri");
}
