// PropertySim: runs tests/support/property_sim.py (a stand-in for a
// property-data and a person-data provider on 127.0.0.1) as a child process
// for the test's lifetime, and talks to its /_sim controls. See the
// script's docstring for what it answers and records.
// Thread rule: one object per thread; calls block until answered. Failures
// to start or to reach the stand-in throw std::runtime_error.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace leadrouter::testing {

class PythonSim;

class PropertySim {
 public:
  static constexpr char kApiKey[] = "pk_live_5f2c9a1e77d04b3c";

  explicit PropertySim(std::string api_key = kApiKey);
  ~PropertySim();  // kills the stand-in
  PropertySim(const PropertySim&) = delete;
  PropertySim& operator=(const PropertySim&) = delete;

  // "http://127.0.0.1:PORT".
  std::string base_url() const;
  // The [enrichment.property] and [enrichment.person] tables pointing at
  // this stand-in, the key read from PROPERTY_API_KEY; `extra` lines go
  // into [enrichment.property] (rate_per_minute, cache_ttl, …).
  std::string ConfigToml(const std::string& extra = "",
                         bool with_person = false) const;

  // Stores answers by MLS id, address or e-mail.
  void Records(const nlohmann::json& records);
  // Adds a rule: {"status", "times"?, "retry_after"?, "delay_ms"?, "raw"?,
  // "body"?}.
  void Script(const nlohmann::json& rule);
  // Every provider request, in order: path, query, api_key_ok, status, at.
  nlohmann::json Requests();
  std::string Log() const;

 private:
  std::unique_ptr<PythonSim> sim_;
};

// A listing answer as the stand-in gives it.
nlohmann::json ListingAnswer(int days_on_market, double price, int beds,
                             double baths, int sqft);

}  // namespace leadrouter::testing
