#include "bot/enrichment/lookup_client.h"

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "bot/http/https_client.h"

namespace leadrouter {
namespace {

// "env:NAME" is NAME's value (empty when unset); anything else as written.
std::string HeaderValue(const std::string& value) {
  if (value.rfind("env:", 0) != 0) return value;
  const char* env = std::getenv(value.c_str() + 4);
  return env ? env : "";
}

// "https://host:port" of a URL, without its path and query.
std::string OriginOf(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t path = url.find_first_of("/?", scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

}  // namespace

LookupClient::LookupClient(boost::asio::io_context& loop, std::string name,
                           const EnrichmentProvider& provider)
    : name_(std::move(name)),
      provider_(provider),
      origin_(OriginOf(provider.url)) {
  for (const auto& [header, value] : provider_.headers) {
    headers_.emplace_back(header, HeaderValue(value));
  }
  HttpsClientOptions options;
  options.base_url = origin_;
  options.ca_file = provider_.ca_file;
  options.timeout = provider_.timeout;
  options.log_name = "enrichment." + name_;
  options.url_key = "enrichment." + name_ + ".url";
  http_ = std::make_unique<HttpsClient>(loop, std::move(options));
}

LookupClient::~LookupClient() = default;

std::string LookupClient::KeyFor(
    const std::map<std::string, std::string>& values) const {
  return pipeline::ExpandUrl(provider_.url, values);
}

void LookupClient::Lookup(const std::map<std::string, std::string>& values,
                          std::function<void(LookupAnswer)> done) {
  HttpsRequest request;
  request.method = "GET";
  request.target = KeyFor(values).substr(origin_.size());
  if (request.target.empty()) request.target = "/";
  request.headers = headers_;
  request.headers.emplace_back("Accept", "application/json");
  const auto fields = provider_.fields;
  http_->Send(std::move(request), [fields, done = std::move(done)](
                                      HttpsResponse response) {
    LookupAnswer answer;
    answer.status = response.status;
    if (response.status == 0) {
      answer.kind = LookupAnswer::Kind::kUnavailable;
      answer.detail = response.transport_error;
    } else if (response.status == 429) {
      answer.kind = LookupAnswer::Kind::kRateLimited;
      answer.retry_after = response.RetryAfter();
      answer.detail = "the provider answered 429 (rate limited)";
    } else if (response.status >= 500) {
      answer.kind = LookupAnswer::Kind::kUnavailable;
      answer.retry_after = response.RetryAfter();
      answer.detail =
          "the provider answered " + std::to_string(response.status);
    } else if (response.status == 404) {
      answer.kind = LookupAnswer::Kind::kNotFound;
      answer.detail = "the provider has no record of it (404)";
    } else if (response.status >= 300) {
      answer.kind = LookupAnswer::Kind::kRefused;
      answer.detail = "the provider refused the lookup (" +
                      std::to_string(response.status) + ")";
    } else {
      const nlohmann::json body = nlohmann::json::parse(
          response.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded() || !(body.is_object() || body.is_array())) {
        answer.kind = LookupAnswer::Kind::kMalformed;
        answer.detail = "the provider's answer is not JSON";
      } else {
        answer.kind = LookupAnswer::Kind::kFacts;
        answer.read = pipeline::ReadFacts(body, fields);
      }
    }
    done(std::move(answer));
  });
}

std::vector<std::string> EnrichmentSecrets(const EnrichmentConfig& config) {
  std::vector<std::string> out;
  for (const EnrichmentProvider* p : {&config.property, &config.person}) {
    for (const auto& [header, value] : p->headers) {
      if (value.rfind("env:", 0) != 0) continue;
      const std::string secret = HeaderValue(value);
      if (!secret.empty()) out.push_back(secret);
    }
  }
  return out;
}

}  // namespace leadrouter
