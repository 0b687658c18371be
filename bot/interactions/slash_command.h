// What a slash-command handler is given and what it answers. The handlers
// run on the storage writer thread inside one transaction, so a command's
// change, its timeline events and the jobs it causes commit together.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace leadrouter {

struct SlashCommand {
  std::string command;     // "/rotation", "/leads"
  std::string text;        // everything after the command, raw
  std::string user_id;     // who typed it
  std::string channel_id;  // where it was typed
  bool is_manager = false; // listed in slack.managers
};

// The answer, in our own mrkdwn (user-supplied parts already escaped).
// Ephemeral unless sharing it is the point of the command. With `blocks`
// (a Block Kit array from bot/slack/block_kit.h, e.g. one with buttons)
// Slack shows those and `text` is only the notification fallback.
struct SlashReply {
  std::string text;
  bool in_channel = false;
  std::optional<nlohmann::json> blocks = std::nullopt;
};

}  // namespace leadrouter
