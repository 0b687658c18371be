#include "tests/support/property_sim.h"

#include <string>
#include <vector>

#include "tests/support/python_sim.h"

namespace leadrouter::testing {

PropertySim::PropertySim(std::string api_key)
    : sim_(std::make_unique<PythonSim>(
          "property_sim.py", std::vector<std::string>{"--api-key", api_key})) {}

PropertySim::~PropertySim() = default;

std::string PropertySim::base_url() const { return sim_->origin(); }

std::string PropertySim::ConfigToml(const std::string& extra,
                                    bool with_person) const {
  std::string toml =
      "[enrichment.property]\n"
      "url = \"" +
      base_url() +
      "/v1/property?address={address}&zip={zip}&mls={mls_id}\"\n"
      "headers = { \"X-Api-Key\" = \"env:PROPERTY_API_KEY\" }\n"
      "fields = { days_on_market = \"/property/days_on_market\", "
      "list_price = \"/property/price\", beds = \"/property/beds\", "
      "baths = \"/property/baths\", sqft = \"/property/sqft\", "
      "year_built = \"/property/year_built\" }\n" +
      extra + "\n";
  if (with_person) {
    toml +=
        "[enrichment.person]\n"
        "url = \"" +
        base_url() +
        "/v1/person?email={email}\"\n"
        "headers = { \"X-Api-Key\" = \"env:PROPERTY_API_KEY\" }\n"
        "fields = { company = \"/company\", title = \"/title\", "
        "profile_url = \"/profile\" }\n";
  }
  return toml;
}

void PropertySim::Records(const nlohmann::json& records) {
  sim_->Post("/_sim/records", records);
}
void PropertySim::Script(const nlohmann::json& rule) {
  sim_->Post("/_sim/script", rule);
}
nlohmann::json PropertySim::Requests() { return sim_->Get("/_sim/requests"); }
std::string PropertySim::Log() const { return sim_->Log(); }

nlohmann::json ListingAnswer(int days_on_market, double price, int beds,
                             double baths, int sqft) {
  return {{"property",
           {{"days_on_market", days_on_market},
            {"price", price},
            {"beds", beds},
            {"baths", baths},
            {"sqft", sqft},
            {"year_built", 1928}}}};
}

}  // namespace leadrouter::testing
