#include "bot/slack/response_url.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "bot/http/https_client.h"
#include "bot/slack/endpoint_url.h"

namespace leadrouter::slack {
namespace {

constexpr char kHooksHost[] = "hooks.slack.com";
// A loser's answer is worth little after this; chat.postEphemeral takes
// over when it fails.
constexpr std::chrono::milliseconds kTimeout{5000};

std::string Origin(const EndpointUrl& url) {
  return std::string(url.tls ? "https://" : "http://") + url.authority;
}

}  // namespace

std::string CheckResponseUrl(const std::string& url, const std::string& api_url) {
  Result<EndpointUrl> parsed = ParseEndpointUrl(url, "https", "http");
  if (!parsed.ok()) return "refused_url: " + parsed.status().message();
  if (parsed->tls && parsed->host == kHooksHost && parsed->port == "443") {
    return "";
  }
  Result<EndpointUrl> api = ParseEndpointUrl(api_url, "https", "http");
  if (api.ok() && api->tls == parsed->tls && api->host == parsed->host &&
      api->port == parsed->port) {
    return "";
  }
  return "refused_url: not Slack's hooks host nor the api_url's host";
}

nlohmann::json EphemeralResponse(const nlohmann::json& message) {
  nlohmann::json body = {{"response_type", "ephemeral"},
                         {"replace_original", false}};
  if (message.is_object()) {
    for (const char* key : {"text", "blocks"}) {
      if (message.contains(key)) body[key] = message[key];
    }
  }
  return body;
}

ResponseUrlClient::ResponseUrlClient(boost::asio::io_context& loop,
                                     std::string api_url, std::string ca_file)
    : loop_(loop),
      api_url_(std::move(api_url)),
      ca_file_(std::move(ca_file)),
      alive_(std::make_shared<bool>(true)) {}

ResponseUrlClient::~ResponseUrlClient() = default;

void ResponseUrlClient::Post(const std::string& url, const nlohmann::json& body,
                             std::function<void(std::string error)> done) {
  std::string refused = CheckResponseUrl(url, api_url_);
  if (!refused.empty()) {
    std::weak_ptr<bool> alive = alive_;
    boost::asio::post(loop_, [alive, done = std::move(done), refused] {
      if (!alive.expired()) done(refused);
    });
    return;
  }
  const EndpointUrl parsed = ParseEndpointUrl(url, "https", "http").value();
  std::unique_ptr<HttpsClient>& client = clients_[Origin(parsed)];
  if (!client) {
    HttpsClientOptions options;
    options.base_url = Origin(parsed);
    options.ca_file = ca_file_;
    options.timeout = kTimeout;
    options.log_name = "slack.response_url";
    options.url_key = "response_url";
    client = std::make_unique<HttpsClient>(loop_, std::move(options));
  }
  HttpsRequest request;
  request.target = parsed.target;
  request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  request.body =
      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  client->Send(std::move(request), [done = std::move(done)](HttpsResponse r) {
    if (!r.transport_error.empty()) return done("transport_error: " + r.transport_error);
    if (r.status != 200) {
      return done("http_" + std::to_string(r.status) + ": " + r.body.substr(0, 100));
    }
    // Slack answers "ok" as text or {"ok":true}; {"ok":false,…} is a refusal.
    const auto answer = nlohmann::json::parse(r.body, nullptr, false);
    if (answer.is_object() && answer.value("ok", true) == false) {
      return done("response_url: " + answer.value("error", std::string("not ok")));
    }
    done("");
  });
}

}  // namespace leadrouter::slack
