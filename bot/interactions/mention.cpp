#include "bot/interactions/mention.h"

#include "bot/daemon/config.h"

namespace leadrouter {

std::optional<UserMention> ParseUserMentionWithLabel(std::string_view token) {
  constexpr std::string_view kOpen = "<@";
  if (token.size() < kOpen.size() + 2 || token.substr(0, 2) != kOpen ||
      token.back() != '>') {
    return std::nullopt;
  }
  std::string_view inner = token.substr(2, token.size() - 3);
  const std::size_t bar = inner.find('|');
  UserMention out;
  out.id = std::string(inner.substr(0, bar));
  if (bar != std::string_view::npos) out.label = std::string(inner.substr(bar + 1));
  if (!LooksLikeUserId(out.id)) return std::nullopt;
  return out;
}

std::optional<std::string> ParseUserMention(std::string_view token) {
  // The label is the display name at the time of typing: only the id is
  // trusted.
  if (auto mention = ParseUserMentionWithLabel(token)) return mention->id;
  return std::nullopt;
}

}  // namespace leadrouter
