// The generic provider client against the stand-in provider on 127.0.0.1:
// what each kind of answer becomes, and that its key is never logged.
#include "bot/enrichment/lookup_client.h"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>

#include "tests/support/log_capture.h"
#include "tests/support/property_sim.h"

using leadrouter::EnrichmentProvider;
using leadrouter::LookupAnswer;
using leadrouter::LookupClient;
using leadrouter::testing::ListingAnswer;
using leadrouter::testing::LogCapture;
using leadrouter::testing::PropertySim;

namespace {

EnrichmentProvider ProviderAt(const PropertySim& sim) {
  EnrichmentProvider p;
  p.url =
      sim.base_url() + "/v1/property?address={address}&zip={zip}&mls={mls_id}";
  p.headers = {{"X-Api-Key", "env:LOOKUP_TEST_API_KEY"}};
  p.fields = {{"days_on_market", "/property/days_on_market"},
              {"beds", "/property/beds"},
              {"sqft", "/property/sqft"}};
  return p;
}

LookupAnswer Ask(const PropertySim& sim, const std::string& mls) {
  boost::asio::io_context loop;
  LookupClient client(loop, "property", ProviderAt(sim));
  std::optional<LookupAnswer> out;
  client.Lookup(
      {{"mls_id", mls}, {"address", "12 Elm St, Cambridge"}, {"zip", "02139"}},
      [&](LookupAnswer a) { out = std::move(a); });
  loop.run();
  REQUIRE(out);
  return *out;
}

}  // namespace

TEST_CASE("lookup client: each answer of the provider is told apart",
          "[bot][enrichment]") {
  ::setenv("LOOKUP_TEST_API_KEY", PropertySim::kApiKey, 1);
  PropertySim sim;
  sim.Records({{"MLS-1", ListingAnswer(3, 650000, 4, 3, 2150)},
               {"MLS-2", {{"property", {{"beds", 2}}}}}});

  const LookupAnswer hit = Ask(sim, "MLS-1");
  CHECK(hit.kind == LookupAnswer::Kind::kFacts);
  CHECK(hit.read.facts["days_on_market"] == 3);
  CHECK(hit.read.facts["sqft"] == 2150);

  const LookupAnswer partial = Ask(sim, "MLS-2");
  CHECK(partial.kind == LookupAnswer::Kind::kFacts);
  CHECK(partial.read.missing ==
        std::vector<std::string>{"days_on_market", "sqft"});

  CHECK(Ask(sim, "MLS-NONE").kind == LookupAnswer::Kind::kNotFound);

  sim.Script({{"status", 429}, {"retry_after", 30}, {"times", 1}});
  const LookupAnswer limited = Ask(sim, "MLS-1");
  CHECK(limited.kind == LookupAnswer::Kind::kRateLimited);
  CHECK(limited.retry_after == std::chrono::seconds(30));

  sim.Script({{"status", 502}, {"times", 1}});
  CHECK(Ask(sim, "MLS-1").kind == LookupAnswer::Kind::kUnavailable);

  sim.Script({{"status", 200}, {"raw", "{\"property\": "}, {"times", 1}});
  CHECK(Ask(sim, "MLS-1").kind == LookupAnswer::Kind::kMalformed);

  // The address is URL-encoded into the query, and the key was sent.
  const nlohmann::json requests = sim.Requests();
  CHECK(requests[0]["query"]["address"] == "12 Elm St, Cambridge");
  CHECK(requests[0]["api_key_ok"] == true);
}

TEST_CASE(
    "lookup client: a refused key is a refusal, and no key is ever logged",
    "[bot][enrichment]") {
  ::setenv("LOOKUP_TEST_API_KEY", "pk_wrong_key_1234567", 1);
  PropertySim sim;
  LogCapture log;  // no masking: a leak would show
  const LookupAnswer refused = Ask(sim, "MLS-1");
  CHECK(refused.kind == LookupAnswer::Kind::kRefused);
  CHECK(refused.status == 401);
  CHECK(log.text().find("pk_wrong_key_1234567") == std::string::npos);
  CHECK(log.text().find(PropertySim::kApiKey) == std::string::npos);
  CHECK(leadrouter::EnrichmentSecrets([] {
          leadrouter::EnrichmentConfig c;
          c.property.url = "https://x.example/";
          c.property.headers = {{"X-Api-Key", "env:LOOKUP_TEST_API_KEY"}};
          return c;
        }()) == std::vector<std::string>{"pk_wrong_key_1234567"});
}
