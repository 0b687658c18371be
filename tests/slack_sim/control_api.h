// ControlApi: the test-facing side of the sim under /_sim/… (JSON in/out),
// plus Route(), which sends /api/… to WebApi and everything else to a 404.
//
//   POST /_sim/click       {channel, ts, action_id, user}  -> interactive
//   envelope POST /_sim/command     {command, text, user, channel}  ->
//   slash_commands envelope POST /_sim/event       {event:{…}} -> events_api
//   envelope POST /_sim/disconnect  {reason, long?, connection?,
//   close_after_ms?} POST /_sim/silence     {on} POST /_sim/duplicate-next POST
//   /_sim/fault       {method, count?, error?|status?|delay_ms?|retry_after?}
//   POST /_sim/channels    {add:[id | {id,name}], strict?}
//   POST /_sim/users       {id, name, tz, real_name}
//   GET  /_sim/calls | /_sim/acks | /_sim/connections | /_sim/messages?channel=
//   POST /_sim/reset
//   POST /_sim/response/<id>  (the response_url of clicks and commands)
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "envelope_hub.h"
#include "sim_http.h"
#include "web_api.h"
#include "workspace.h"

namespace slack_sim {

class ControlApi {
 public:
  ControlApi(Workspace& workspace, EnvelopeHub& hub, WebApi& web_api,
             const Options& options, std::string host_port);

  HttpReply Route(const HttpRequest& request);

 private:
  HttpReply Handle(const HttpRequest& request, const std::string& action);
  nlohmann::json Click(const nlohmann::json& in, int& status);
  nlohmann::json Command(const nlohmann::json& in, int& status);
  nlohmann::json Event(const nlohmann::json& in, int& status);
  nlohmann::json Fault(const nlohmann::json& in, int& status);
  nlohmann::json Respond(const std::string& id, const nlohmann::json& in,
                         int& status);
  nlohmann::json Answer(const std::string& id, const nlohmann::json& in,
                        int& status);
  std::string NewResponseUrl(const std::string& channel,
                             const std::string& user,
                             const std::string& message_ts);

  struct ResponseUrl {
    std::string channel;
    std::string user;
    std::string message_ts;  // the message a click came from, "" for commands
    int uses = 0;
  };

  Workspace& workspace_;
  EnvelopeHub& hub_;
  WebApi& web_api_;
  const Options& options_;
  std::string host_port_;
  std::map<std::string, ResponseUrl> response_urls_;
  int event_counter_ = 0;
};

}  // namespace slack_sim
