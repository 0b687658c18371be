#include "bot/http/request_gate.h"

#include <strings.h>

namespace leadrouter {

RequestGate::RequestGate(RequestGateOptions options)
    : options_(std::move(options)),
      bucket_(options_.rate_burst, options_.rate_per_second) {}

std::string RequestGate::ClientKey(const HttpRequest& request) const {
  if (options_.trust_forwarded_for) {
    std::string forwarded = request.Header("X-Forwarded-For");
    if (!forwarded.empty()) {
      std::string first = forwarded.substr(0, forwarded.find(','));
      size_t b = first.find_first_not_of(' ');
      size_t e = first.find_last_not_of(' ');
      if (b != std::string::npos) return first.substr(b, e - b + 1);
    }
  }
  return request.remote_ip;
}

std::optional<HttpResponse> RequestGate::CheckRate(
    const HttpRequest& request, std::chrono::steady_clock::time_point mono) {
  TokenBucket::Decision rate = bucket_.Take(ClientKey(request), mono);
  if (rate.allowed) return std::nullopt;
  HttpResponse r = HttpResponse::Error(
      429, "too many requests; retry in " +
               std::to_string(rate.retry_after_seconds) + " s");
  r.headers.emplace_back("Retry-After",
                         std::to_string(rate.retry_after_seconds));
  return r;
}

std::optional<HttpResponse> RequestGate::Check(
    const HttpRequest& request, std::chrono::system_clock::time_point now,
    std::chrono::steady_clock::time_point mono) {
  return Check(request, now, "application/json", mono);
}

std::optional<HttpResponse> RequestGate::Check(
    const HttpRequest& request, std::chrono::system_clock::time_point now,
    std::string_view media_type, std::chrono::steady_clock::time_point mono) {
  int64_t now_unix =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch())
          .count();
  AuthResult auth = VerifyIntakeAuth(
      {options_.bearer_token, options_.webhook_secret},
      request.Header("Authorization"), request.Header("X-Leadrouter-Timestamp"),
      request.Header("X-Leadrouter-Signature"), request.body, now_unix);
  if (!auth.ok) {
    HttpResponse r = HttpResponse::Error(401, auth.reason, "Authorization");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (std::optional<HttpResponse> limited = CheckRate(request, mono)) {
    return limited;
  }
  std::string type = request.Header("Content-Type");
  std::string media = type.substr(0, type.find(';'));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  if (strcasecmp(media.c_str(), std::string(media_type).c_str()) != 0) {
    return HttpResponse::Error(
        415,
        "Content-Type must be " + std::string(media_type) +
            (type.empty() ? std::string() : ", not " + type.substr(0, 100)),
        "Content-Type");
  }
  return std::nullopt;
}

}  // namespace leadrouter
