#include "bot/slack/mrkdwn.h"

#include <cstdint>

namespace leadrouter::slack {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at text[i], or 0 if the bytes
// there are not one (overlong forms, surrogates and truncation included).
std::size_t SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) {
    return static_cast<std::uint8_t>(text[k]);
  };
  const std::uint8_t b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return len;
}

bool IsContinuation(char c) {
  return (static_cast<std::uint8_t>(c) & 0xC0) == 0x80;
}

}  // namespace

std::string EscapeMrkdwn(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        ++i;
        continue;
      case '<':
        out += "&lt;";
        ++i;
        continue;
      case '>':
        out += "&gt;";
        ++i;
        continue;
      default:
        break;
    }
    const std::size_t len = SequenceLength(text, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::size_t CountChars(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if (!IsContinuation(c)) ++n;
  }
  return n;
}

std::string Truncate(std::string_view text, std::size_t max_chars) {
  if (CountChars(text) <= max_chars) return std::string(text);
  if (max_chars == 0) return std::string();
  // Keep max_chars - 1 code points and spend the last one on the ellipsis.
  std::size_t keep = max_chars - 1;
  std::size_t end = 0;
  while (end < text.size() && keep > 0) {
    ++end;
    while (end < text.size() && IsContinuation(text[end])) ++end;
    --keep;
  }
  // An entity cut in half would show as "&am" or swallow the ellipsis into
  // a bogus entity; back up to its '&'. Entities are at most 5 bytes.
  const std::size_t window = end < 5 ? end : 5;
  const std::size_t amp = text.substr(end - window, window).rfind('&');
  if (amp != std::string_view::npos) {
    const std::size_t start = end - window + amp;
    const std::string_view tail = text.substr(start);
    for (std::string_view entity : {"&amp;", "&lt;", "&gt;"}) {
      if (tail.substr(0, entity.size()) == entity &&
          start + entity.size() > end) {
        end = start;
        break;
      }
    }
  }
  std::string out(text.substr(0, end));
  out += kEllipsis;
  return out;
}

std::string EscapeAndTruncate(std::string_view text, std::size_t max_chars) {
  return Truncate(EscapeMrkdwn(text), max_chars);
}

std::string Mention(std::string_view user_id) {
  bool ok = user_id.size() >= 2 && user_id.size() <= 32 &&
            (user_id[0] == 'U' || user_id[0] == 'W');
  for (char c : user_id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) ok = false;
  }
  if (!ok) return EscapeMrkdwn(user_id);
  std::string out = "<@";
  out.append(user_id);
  out += '>';
  return out;
}

std::string FormatElapsed(std::chrono::seconds elapsed) {
  const std::int64_t s = elapsed.count() < 0 ? 0 : elapsed.count();
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string(s / 60) + " min";
  if (s < 86400) {
    const std::int64_t h = s / 3600, m = (s % 3600) / 60;
    return std::to_string(h) + " h" +
           (m ? " " + std::to_string(m) + " min" : std::string());
  }
  const std::int64_t d = s / 86400, h = (s % 86400) / 3600;
  return std::to_string(d) + " d" +
         (h ? " " + std::to_string(h) + " h" : std::string());
}

}  // namespace leadrouter::slack
