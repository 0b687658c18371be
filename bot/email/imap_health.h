// What /healthz says about the IMAP poller: its state, the last poll and
// the last successful one, and why it fails. Written by the poller and read
// by the /healthz route, both on the loop thread.
// Thread rule: loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bot/runtime/system_time.h"

namespace leadrouter {

struct ImapHealth {
  // disabled (no [inbound_email.imap], or no secret), starting (no poll
  // finished yet), ok, failing.
  std::string state = "disabled";
  std::string detail;
  std::string mailbox;  // "user at imaps://host, INBOX": no secret
  SystemTime started_at{};
  std::optional<SystemTime> last_poll;     // finished, either way
  std::optional<SystemTime> last_success;  // finished without an error
  std::optional<SystemTime> failing_since;
  int64_t consecutive_failures = 0;
  std::string last_error;       // the latest failure, in words
  std::string last_error_kind;  // auth, unreachable, refused
  int64_t messages_stored = 0;  // new messages stored since start
  // No successful poll for this long is a stall (inbound_email.imap.alert_after).
  std::chrono::milliseconds stall_after{0};

  // {"state", "detail", "mailbox", "last_poll_unix", "last_success_unix",
  //  "stalled", "consecutive_failures", "last_error", "messages_stored", …}.
  // `stalled`: no success for stall_after (counted from the start when
  // there was none yet).
  nlohmann::json ToJson(SystemTime now) const {
    auto unix = [](SystemTime t) {
      return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    };
    nlohmann::json j = {{"state", state},
                        {"detail", detail},
                        {"mailbox", mailbox},
                        {"consecutive_failures", consecutive_failures},
                        {"messages_stored", messages_stored}};
    if (last_poll) j["last_poll_unix"] = unix(*last_poll);
    j["last_success_unix"] = last_success ? nlohmann::json(unix(*last_success)) : nullptr;
    if (failing_since) j["failing_since_unix"] = unix(*failing_since);
    if (!last_error.empty()) {
      j["last_error"] = last_error;
      j["last_error_kind"] = last_error_kind;
    }
    const SystemTime since = last_success.value_or(started_at);
    j["stalled"] = state != "disabled" && stall_after.count() > 0 && now - since > stall_after;
    return j;
  }
};

}  // namespace leadrouter
