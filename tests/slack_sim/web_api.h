// WebApi: answers /api/<method> the way Slack's Web API does — HTTP 200
// with {"ok":…}, real error codes, 429 + Retry-After on chat.postMessage
// bursts, and the fault switches armed through the control API. Every call
// is logged for GET /_sim/calls.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "envelope_hub.h"
#include "fault_table.h"
#include "rate_limiter.h"
#include "sim_http.h"
#include "sim_options.h"
#include "workspace.h"

namespace slack_sim {

class WebApi {
 public:
  // All references must outlive this object. `base_url` is
  // "127.0.0.1:PORT", used for the Socket Mode URL and response_urls.
  WebApi(const Options& options, Workspace& workspace, EnvelopeHub& hub,
         std::string host_port);

  HttpReply Handle(const HttpRequest& request, const std::string& method);

  FaultTable& faults() { return faults_; }
  const nlohmann::json& calls() const { return calls_; }
  // Adds a call made some other way (a response_url post) to the log.
  void LogCall(nlohmann::json call) { calls_.push_back(std::move(call)); }
  void Reset();

 private:
  nlohmann::json Dispatch(const std::string& method,
                          const nlohmann::json& params, HttpReply& reply);
  nlohmann::json PostMessage(const nlohmann::json& params, HttpReply& reply);
  nlohmann::json Update(const nlohmann::json& params);
  nlohmann::json PostEphemeral(const nlohmann::json& params);
  nlohmann::json OpenConversation(const nlohmann::json& params);
  // conversations.history and conversations.replies (`replies`).
  nlohmann::json History(const nlohmann::json& params, bool replies);
  nlohmann::json UserInfo(const nlohmann::json& params);
  nlohmann::json AuthTest();
  nlohmann::json ConnectionsOpen();

  const Options& options_;
  Workspace& workspace_;
  EnvelopeHub& hub_;
  std::string host_port_;
  FaultTable faults_;
  RateLimiter post_limiter_;
  nlohmann::json calls_ = nlohmann::json::array();
};

// Turns a request into one params object: query string, then a form or JSON
// body on top. In form bodies, blocks/attachments/metadata are JSON-encoded
// strings and get decoded. Sets `error` to invalid_json / json_not_object.
nlohmann::json RequestParams(const HttpRequest& request, std::string& error);

}  // namespace slack_sim
