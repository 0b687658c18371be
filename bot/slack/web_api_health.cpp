#include "bot/slack/web_api_health.h"

#include <chrono>

namespace leadrouter::slack {
namespace {

int64_t UnixSeconds(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch())
      .count();
}

}  // namespace

void WebApiHealth::Record(int http_status, const std::string& error,
                          SystemTime now) {
  seen_any_ = true;
  const bool reached = http_status > 0 && http_status < 500;
  if (reached) {
    consecutive_failures_ = 0;
    last_ok_ = now;
    return;
  }
  if (consecutive_failures_ == 0) failing_since_ = now;
  ++consecutive_failures_;
  last_error_ = error;
}

nlohmann::json WebApiHealth::ToJson() const {
  nlohmann::json out = {
      {"state", !seen_any_ ? "unknown" : failing() ? "failing" : "ok"},
      {"consecutive_failures", consecutive_failures_}};
  if (failing()) {
    out["last_error"] = last_error_;
    out["failing_since_unix"] = UnixSeconds(failing_since_);
  }
  if (last_ok_.time_since_epoch().count() != 0) {
    out["last_ok_unix"] = UnixSeconds(last_ok_);
  }
  return out;
}

}  // namespace leadrouter::slack
