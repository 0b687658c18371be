#include "bot/handlers/mention.h"

#include "bot/config.h"

namespace leadrouter {

std::optional<std::string> ParseUserMention(std::string_view token) {
  constexpr std::string_view kOpen = "<@";
  if (token.size() < kOpen.size() + 2 || token.substr(0, 2) != kOpen ||
      token.back() != '>') {
    return std::nullopt;
  }
  std::string_view inner = token.substr(2, token.size() - 3);
  // The label after '|' is the display name at the time of typing: only
  // the id is trusted.
  std::string id(inner.substr(0, inner.find('|')));
  if (!LooksLikeUserId(id)) return std::nullopt;
  return id;
}

}  // namespace leadrouter
