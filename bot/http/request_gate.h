// RequestGate: the checks every intake POST passes before its body is read
// as a lead, in this order: credentials (401), client rate (429), content
// type (415). The body size limit (413) is the server's own.
// Thread rule: loop thread only.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "bot/http/http_server.h"
#include "bot/http/intake_auth.h"
#include "bot/http/token_bucket.h"

namespace leadrouter {

struct RequestGateOptions {
  std::optional<std::string> bearer_token;
  std::optional<std::string> webhook_secret;
  int rate_burst = 60;
  double rate_per_second = 20;
  bool trust_forwarded_for = false;
};

class RequestGate {
 public:
  explicit RequestGate(RequestGateOptions options);

  // nullopt: the request may proceed; otherwise the answer to send.
  // `now` is wall time (for signature timestamps); `mono` paces the bucket.
  std::optional<HttpResponse> Check(const HttpRequest& request,
                                    std::chrono::system_clock::time_point now,
                                    std::chrono::steady_clock::time_point mono =
                                        std::chrono::steady_clock::now());
  // The same for a route whose body is `media_type` ("message/rfc822").
  std::optional<HttpResponse> Check(const HttpRequest& request,
                                    std::chrono::system_clock::time_point now,
                                    std::string_view media_type,
                                    std::chrono::steady_clock::time_point mono =
                                        std::chrono::steady_clock::now());

  // The client-rate check alone (429 or nullopt), for routes that
  // authenticate by other means (Twilio's signed webhooks).
  std::optional<HttpResponse> CheckRate(
      const HttpRequest& request, std::chrono::steady_clock::time_point mono =
                                      std::chrono::steady_clock::now());

  // The rate-limit key: the peer address, or the first X-Forwarded-For hop
  // when the config says a proxy of ours stands in front.
  std::string ClientKey(const HttpRequest& request) const;

 private:
  RequestGateOptions options_;
  TokenBucket bucket_;
};

}  // namespace leadrouter
