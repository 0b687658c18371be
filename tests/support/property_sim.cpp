#include "tests/support/property_sim.h"

#include <map>
#include <stdexcept>
#include <vector>

#include "bot/http/http_client.h"
#include "tests/support/daemon_process.h"

namespace leadrouter::testing {
namespace {

constexpr char kPython[] = "/usr/bin/python3";

}  // namespace

PropertySim::PropertySim(std::string api_key)
    : dir_(std::make_unique<TempDir>()) {
  process_ = std::make_unique<DaemonProcess>(
      kPython,
      std::vector<std::string>{LEADROUTER_SOURCE_DIR
                               "/tests/support/property_sim.py",
                               "--api-key", api_key},
      std::map<std::string, std::string>{}, dir_->File("property_sim.log"));
  port_ = WaitForPrintedPort(*process_, "property_sim.py");
  client_ = std::make_unique<HttpClient>(port_);
}

PropertySim::~PropertySim() = default;

std::string PropertySim::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

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
  Post("/_sim/records", records);
}
void PropertySim::Script(const nlohmann::json& rule) {
  Post("/_sim/script", rule);
}
nlohmann::json PropertySim::Requests() { return Get("/_sim/requests"); }
std::string PropertySim::Log() const { return process_ ? process_->Log() : ""; }

nlohmann::json PropertySim::Get(const std::string& path) {
  ClientResponse response = client_->Send("GET", path);
  if (response.status != 200) {
    throw std::runtime_error("property_sim " + path + ": HTTP " +
                             std::to_string(response.status));
  }
  return nlohmann::json::parse(response.body);
}

void PropertySim::Post(const std::string& path, const nlohmann::json& body) {
  ClientResponse response = client_->Send(
      "POST", path, {{"Content-Type", "application/json"}}, body.dump());
  if (response.status != 200) {
    throw std::runtime_error("property_sim " + path + ": HTTP " +
                             std::to_string(response.status));
  }
}

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
