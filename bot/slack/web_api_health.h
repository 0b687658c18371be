// Whether Slack's Web API answers, as /healthz reports it apart from the
// Socket Mode link: the socket can be connected while every post fails
// (and the other way round). A call "reaches" Slack when an HTTP answer
// below 500 comes back, whatever Slack says in it (a 429 or
// channel_not_found is Slack answering); a transport error or a 5xx does not.
// Loop thread only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "bot/runtime/clock.h"

namespace leadrouter::slack {

class WebApiHealth {
 public:
  // One call's outcome: its HTTP status (0 when no answer arrived) and its
  // error code ("" when ok).
  void Record(int http_status, const std::string& error, SystemTime now);

  // True after a call failed to reach Slack and none has reached it since.
  bool failing() const { return consecutive_failures_ > 0; }

  // {"state": "unknown" | "ok" | "failing", "consecutive_failures": n,
  //  "last_error": "http_503", "failing_since_unix": t, "last_ok_unix": t}
  // (the last three only when known).
  nlohmann::json ToJson() const;

 private:
  bool seen_any_ = false;
  int consecutive_failures_ = 0;
  std::string last_error_;
  SystemTime failing_since_{};
  SystemTime last_ok_{};
};

}  // namespace leadrouter::slack
