// Reading the user mentions of a slash command's text. With should_escape on
// (manifests/slack-app.yaml), Slack sends "@ana" as "<@U0123ANA|ana>", or as
// "<@U0123ANA>" from some clients; handlers act on the id, never on a display
// name that can change or collide. Pure; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace leadrouter {

// The user id in `token` when it is exactly "<@ID>" or "<@ID|label>" and ID
// looks like a Slack user id (U… or W…, upper-case letters and digits);
// nullopt otherwise (a bare "@ana", a channel "<#C…>", an empty id, text
// around the mention).
std::optional<std::string> ParseUserMention(std::string_view token);

// The same, with the label after '|' (the display name when it was typed;
// "" when absent): good for a default name, never for identity.
struct UserMention {
  std::string id;
  std::string label;
};
std::optional<UserMention> ParseUserMentionWithLabel(std::string_view token);

}  // namespace leadrouter
