// Command-line options of slack-sim. ParseOptions() turns argv into Options
// or an error message; nothing here touches the network.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace slack_sim {

struct Options {
  uint16_t port = 0;      // 0: pick a free port
  std::string port_file;  // written with the bound port when set
  std::string bot_token = "xoxb-test";
  std::string app_token = "xapp-test";
  std::string app_id = "A0SIMAPP01";
  std::chrono::milliseconds ack_timeout{3000};
  // Delay before redelivery k+1 of an unacked events_api envelope, counted
  // from the moment delivery k timed out. Its size is the retry count.
  std::vector<std::chrono::milliseconds> redelivery_delays{
      std::chrono::milliseconds(1000), std::chrono::milliseconds(60000),
      std::chrono::milliseconds(300000)};
  std::chrono::milliseconds ping_interval{5000};
  double post_rate_per_second = 1.0;  // chat.postMessage per channel
  int post_burst = 3;
  int max_sockets = 10;  // more open sockets get too_many_websockets
  // The bot token's scopes, sent as x-oauth-scopes on every bot call;
  // conversations.history / .replies answer missing_scope without a
  // history scope for the channel's type (im:history for D… channels).
  std::string scopes =
      "chat:write,commands,im:write,users:read,channels:history,"
      "groups:history,im:history";
};

// Parses "250ms", "3s", "2m" or a bare number of seconds.
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text);

// Fills `out` from argv; returns an error message on bad input, "" on success.
// "--help" yields the usage text as the error.
std::string ParseOptions(int argc, const char* const* argv, Options& out);

}  // namespace slack_sim
