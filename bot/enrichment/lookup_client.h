// LookupClient: one generic data provider over HTTPS (bot/http/https_client,
// so plain http only to a loopback stand-in). It fills the provider's URL
// template, sends its headers (values named "env:NAME" read from the
// environment once, here), and reads the answer through the field map.
// It never logs a URL or a header: both carry the brokerage's API key.
// Thread rule: loop thread only; `done` is called there, once.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/enrichment/enrichment_config.h"
#include "pipeline/enrichment_facts.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

class HttpsClient;

struct LookupAnswer {
  enum class Kind {
    kFacts,        // 2xx with a JSON answer: `read` holds what it gave
    kNotFound,     // 404: the provider knows nothing of it
    kRateLimited,  // 429: wait `retry_after` (or a backoff)
    kUnavailable,  // 5xx, no answer, a timeout: waiting may fix it
    kMalformed,    // 2xx whose body is not JSON: waiting will not fix it
    kRefused,      // another 4xx (a refused key): a configuration problem
  };
  Kind kind = Kind::kUnavailable;
  pipeline::FactsRead read;
  std::optional<std::chrono::seconds> retry_after;
  int status = 0;
  std::string detail;  // for the timeline and the log: never the URL
};

class LookupClient {
 public:
  // `name` is "property" or "person". `loop` must outlive the client.
  LookupClient(boost::asio::io_context& loop, std::string name,
               const EnrichmentProvider& provider);
  ~LookupClient();
  LookupClient(const LookupClient&) = delete;
  LookupClient& operator=(const LookupClient&) = delete;

  const std::string& name() const { return name_; }
  // The cache key of a lookup: the URL it would fetch (placeholders
  // filled), which carries no header and so no key.
  std::string KeyFor(const std::map<std::string, std::string>& values) const;
  void Lookup(const std::map<std::string, std::string>& values,
              std::function<void(LookupAnswer)> done);

 private:
  std::string name_;
  EnrichmentProvider provider_;
  std::vector<std::pair<std::string, std::string>> headers_;  // resolved
  std::string origin_;  // "https://api.example.com"
  std::unique_ptr<HttpsClient> http_;
};

// The values of every "env:NAME" header of the configured providers, as the
// environment holds them now: for the log redactor.
std::vector<std::string> EnrichmentSecrets(const EnrichmentConfig& config);

}  // namespace leadrouter
