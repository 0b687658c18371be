// Answers an interaction through its `response_url` (slack-protocol.md
// §3.3): a JSON POST that needs no token and sits outside the Web API's
// rate-limit tiers, so a clicker hears back within a second even while
// chat.postEphemeral is paced at Tier 4. The URL is the credential, so it
// is only ever sent to Slack's hooks host (https://hooks.slack.com) or to
// the origin of the configured api_url (a local stand-in); any other URL is
// refused without a connection, and no token goes with it either way.
// Thread rule: loop thread; `done` is called there, exactly once, unless
// the client is destroyed first.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace boost::asio {
class io_context;
}

namespace leadrouter {
class HttpsClient;
}

namespace leadrouter::slack {

// "" when `url` may be posted to: https://hooks.slack.com/…, or the same
// scheme, host and port as `api_url`. Otherwise why not. Pure.
std::string CheckResponseUrl(const std::string& url, const std::string& api_url);

// The body for an ephemeral answer that leaves the clicked message as it
// is: {"response_type":"ephemeral","replace_original":false} and the
// message's text and blocks. Pure.
nlohmann::json EphemeralResponse(const nlohmann::json& message);

class ResponseUrlClient {
 public:
  // `loop` must outlive the client. `ca_file`: extra trusted PEM ("" none).
  ResponseUrlClient(boost::asio::io_context& loop, std::string api_url,
                    std::string ca_file);
  ~ResponseUrlClient();
  ResponseUrlClient(const ResponseUrlClient&) = delete;
  ResponseUrlClient& operator=(const ResponseUrlClient&) = delete;

  // POSTs `body` to `url`. `done` gets "" when Slack took it (HTTP 200 and
  // not {"ok":false}), else the reason ("refused_url: …", "http_404: …",
  // "transport_error: …").
  void Post(const std::string& url, const nlohmann::json& body,
            std::function<void(std::string error)> done);

 private:
  boost::asio::io_context& loop_;
  std::string api_url_;
  std::string ca_file_;
  // One client per origin (normally just hooks.slack.com).
  std::map<std::string, std::unique_ptr<HttpsClient>> clients_;
  std::shared_ptr<bool> alive_;  // a refusal posted to the loop checks it
};

}  // namespace leadrouter::slack
