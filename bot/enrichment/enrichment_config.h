// [enrichment]: the property and person lookups and how long a lead waits
// for them. Plain values read once from the config file; header values
// that name the environment ("env:PROPERTY_API_KEY") are resolved at start
// and never kept here.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace leadrouter {

// One generic provider: a URL template ({address} {zip} {mls_id} for the
// property, {email} for the person, each URL-encoded), request headers,
// our field name -> JSON pointer into its answer, and its limits.
struct EnrichmentProvider {
  std::string url;                             // empty: this provider is off
  std::map<std::string, std::string> headers;  // value or "env:NAME"
  std::map<std::string, std::string> fields;
  std::string ca_file;  // extra trusted PEM; empty: the system store
  std::chrono::milliseconds timeout = std::chrono::seconds(2);
  int rate_per_minute = 60;  // 0: no limit of ours
  std::chrono::milliseconds cache_ttl = std::chrono::hours(24);
  bool configured() const { return !url.empty(); }
};

struct EnrichmentConfig {
  // A lead waits at most this long for its lookups before it is routed.
  std::chrono::milliseconds deadline = std::chrono::milliseconds(800);
  EnrichmentProvider property;
  EnrichmentProvider person;
  bool configured() const {
    return property.configured() || person.configured();
  }
};

}  // namespace leadrouter
