#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>

#include "bot/daemon/config.h"

using leadrouter::ConfigLoad;
using leadrouter::LoadConfigString;

namespace {

bool Has(const std::vector<leadrouter::ConfigError>& errors,
         const std::string& key, const std::string& words) {
  return std::any_of(errors.begin(), errors.end(), [&](const auto& e) {
    return e.key == key && e.message.find(words) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("enrichment config: a provider as the issue's example writes it",
          "[bot][enrichment][config]") {
  ::setenv("ENRICH_CONFIG_TEST_KEY", "k-123", 1);
  const ConfigLoad load = LoadConfigString(R"(
[enrichment]
deadline = "500ms"
[enrichment.property]
url = "https://api.example.com/v1/property?address={address}&zip={zip}&mls={mls_id}"
headers = { "X-Api-Key" = "env:ENRICH_CONFIG_TEST_KEY" }
fields = { days_on_market = "/property/days_on_market", list_price = "/property/price", beds = "/property/beds", baths = "/property/baths", sqft = "/property/sqft", year_built = "/property/year_built" }
timeout = "2s"
rate_per_minute = 60
cache_ttl = "24h"
)");
  REQUIRE(load.ok());
  CHECK_FALSE(std::any_of(
      load.warnings.begin(), load.warnings.end(),
      [](const auto& w) { return w.key.rfind("enrichment", 0) == 0; }));
  const leadrouter::EnrichmentConfig& e = load.config.enrichment;
  CHECK(e.deadline == std::chrono::milliseconds(500));
  CHECK(e.property.configured());
  CHECK_FALSE(e.person.configured());
  CHECK(e.property.fields.size() == 6);
  CHECK(e.property.headers.at("X-Api-Key") == "env:ENRICH_CONFIG_TEST_KEY");
  CHECK(leadrouter::EnrichmentConfig{}.deadline ==
        std::chrono::milliseconds(800));
}

TEST_CASE("enrichment config: mistakes are named by their key",
          "[bot][enrichment][config]") {
  ::unsetenv("ENRICH_CONFIG_UNSET_KEY");
  const ConfigLoad load = LoadConfigString(R"(
[enrichment.person]
url = "ftp://people.example.com/?email={email}&co={company}"
headers = { "Authorization" = "env:ENRICH_CONFIG_UNSET_KEY" }
fields = { company = "company", shoe_size = "/shoe" }
rate_per_minute = -1
)");
  CHECK(Has(load.errors, "enrichment.person.url", "must start with https://"));
  CHECK(Has(load.errors, "enrichment.person.url",
            "{company} is not a placeholder"));
  CHECK(Has(load.errors, "enrichment.person.fields.company",
            "not a JSON pointer"));
  CHECK(
      Has(load.errors, "enrichment.person.fields.shoe_size", "is not a field"));
  CHECK(Has(load.errors, "enrichment.person.rate_per_minute", "between"));
  CHECK(Has(load.warnings, "enrichment.person.headers.Authorization",
            "ENRICH_CONFIG_UNSET_KEY is not set"));
}
