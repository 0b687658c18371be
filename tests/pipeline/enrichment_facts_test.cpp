#include "pipeline/enrichment_facts.h"

#include <catch2/catch.hpp>

#include "tests/pipeline/test_leads.h"

using namespace leadrouter::pipeline;
using nlohmann::json;

namespace {

const std::map<std::string, std::string> kFields = {
    {"days_on_market", "/property/days_on_market"},
    {"list_price", "/property/price"},
    {"beds", "/property/beds"},
    {"baths", "/property/baths"},
    {"sqft", "/property/sqft"},
    {"year_built", "/property/year_built"}};

}  // namespace

TEST_CASE("enrichment: the URL template is filled with URL-encoded values",
          "[pipeline][enrichment]") {
  CHECK(ExpandUrl("https://api.example.com/v1/"
                  "property?address={address}&zip={zip}&mls={mls_id}",
                  {{"address", "12 Elm St, Apt #4"}, {"zip", "02139"}}) ==
        "https://api.example.com/v1/"
        "property?address=12%20Elm%20St%2C%20Apt%20%234"
        "&zip=02139&mls=");
  CHECK(UrlEncode("dana+o'connell@example.com") ==
        "dana%2Bo%27connell%40example.com");
  CHECK(UrlPlaceholders("x?a={address}&b={email}") ==
        std::vector<std::string>{"address", "email"});
}

TEST_CASE("enrichment: facts are read by JSON pointer, missing ones listed",
          "[pipeline][enrichment]") {
  const json answer = json::parse(R"({"property": {"days_on_market": 3,
      "price": "1,900,000", "beds": 4, "baths": 2.5, "sqft": null,
      "year_built": "unknown"}})");
  const FactsRead read = ReadFacts(answer, kFields);
  CHECK(read.facts["days_on_market"] == 3);
  CHECK(read.facts["list_price"] == 1900000.0);
  CHECK(read.facts["baths"] == 2.5);
  CHECK(read.missing == std::vector<std::string>{"sqft", "year_built"});

  const FactsRead none = ReadFacts(json::array(), kFields);
  CHECK(none.facts.empty());
  CHECK(none.missing.size() == kFields.size());
  CHECK(ReadFacts(answer, {{"beds", "not a pointer"}}).missing ==
        std::vector<std::string>{"beds"});
}

TEST_CASE("enrichment: facts fill the lead without overriding what it said",
          "[pipeline][enrichment]") {
  ProcessedLead lead = testing::LeadSaying("Pre-approved, can we see it?");
  lead.property.price = 500000;
  const auto changes = ApplyFacts(lead, "property",
                                  {{"days_on_market", 3},
                                   {"list_price", 520000},
                                   {"beds", 4},
                                   {"baths", 3},
                                   {"sqft", 2150}});
  CHECK(lead.property.days_on_market == 3);
  CHECK(lead.property.price == 500000);  // the lead's own figure stays
  CHECK(lead.property.beds == 4);
  CHECK(changes == std::vector<std::string>{"listed 3 days ago", "4 bd", "3 ba",
                                            "2,150 sq ft"});
  CHECK(ApplyFacts(lead, "property", {{"beds", 4}}).empty());

  ApplyFacts(lead, "person",
             {{"company", "Acme Corp"},
              {"title", "VP Sales"},
              {"profile_url", "https://example.com/in/dana"}});
  CHECK(lead.person.company == "Acme Corp");
  CHECK(LeadFromJson(ToJson(lead)).person.title == "VP Sales");
  CHECK(LeadFromJson(ToJson(lead)).property.sqft == 2150);
}

TEST_CASE("enrichment: the card line says what was found, briefly",
          "[pipeline][enrichment]") {
  ProcessedLead lead = testing::LeadSaying("hello");
  CHECK(EnrichmentLine(lead, {452000, "02139"}).empty());
  lead.property.days_on_market = 3;
  lead.property.beds = 4;
  lead.property.baths = 3;
  lead.property.sqft = 2150;
  lead.property.price = 415840;
  CHECK(EnrichmentLine(lead, {452000, "02139"}) ==
        "listed 3 days ago \u00b7 4 bd / 3 ba \u00b7 2,150 sq ft \u00b7 "
        "8 % under the 02139 median");
  lead.person.company = "Acme Corp";
  lead.person.title = "VP Sales";
  CHECK(EnrichmentLine(lead, {452000, "02139"})
            .find(" \u00b7 VP Sales at Acme Corp") != std::string::npos);
}
