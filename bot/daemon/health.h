// What /healthz reports about parts that are not the database: the Slack
// connection's state and when it last changed. Loop thread only.
#pragma once

#include <string>

#include "bot/runtime/clock.h"
#include "bot/slack/web_api_health.h"

namespace leadrouter {

struct SlackHealth {
  std::string state = "disabled";  // disabled, connecting, connected, reconnecting, fatal
  std::string detail;              // why, in a few words
  SystemTime since{};
  slack::WebApiHealth web_api;  // the Web API apart from the socket

  void Set(std::string new_state, std::string new_detail, SystemTime now) {
    if (new_state != state) since = now;
    state = std::move(new_state);
    detail = std::move(new_detail);
  }
};

}  // namespace leadrouter
