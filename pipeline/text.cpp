#include "pipeline/text.h"

#include <utility>

#include "pipeline/list_memo.h"

namespace leadrouter::pipeline {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid.
size_t ValidSequenceLength(std::string_view s, size_t i) {
  const auto c0 = static_cast<unsigned char>(s[i]);
  if (c0 < 0x80) return 1;
  size_t len = 0;
  char32_t min = 0;
  char32_t cp = 0;
  if ((c0 & 0xE0) == 0xC0) {
    len = 2, min = 0x80, cp = c0 & 0x1F;
  } else if ((c0 & 0xF0) == 0xE0) {
    len = 3, min = 0x800, cp = c0 & 0x0F;
  } else if ((c0 & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, cp = c0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if (!IsContinuation(c)) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c >= 0x80;
}

bool IsAllDigits(std::string_view w) {
  if (w.empty()) return false;
  for (char c : w) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string RepairUtf8(std::string_view in, bool* changed) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    const size_t len = ValidSequenceLength(in, i);
    if (len == 0) {
      AppendUtf8(out, kReplacement);
      if (changed != nullptr) *changed = true;
      // Skip the lead byte and any continuation bytes it claimed, so one bad
      // sequence becomes one replacement character.
      ++i;
      while (i < in.size() && IsContinuation(static_cast<unsigned char>(in[i])))
        ++i;
      continue;
    }
    out.append(in.substr(i, len));
    i += len;
  }
  return out;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string_view CutUtf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t end = max_bytes;
  while (end > 0 && IsContinuation(static_cast<unsigned char>(s[end]))) --end;
  return s.substr(0, end);
}

std::string_view TrimView(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string Trim(std::string_view s) { return std::string(TrimView(s)); }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  const auto flush = [&] {
    while (!current.empty() &&
           (current.back() == '-' || current.back() == '\''))
      current.pop_back();
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // U+2019 (right single quotation mark) is how phones type apostrophes.
    if (c == 0xE2 && i + 2 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x99) {
      if (!current.empty()) current.push_back('\'');
      i += 2;
      continue;
    }
    if (IsWordByte(c)) {
      current.push_back(
          static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    } else if ((c == '-' || c == '\'') && !current.empty()) {
      current.push_back(static_cast<char>(c));
    } else {
      flush();
    }
  }
  flush();
  return words;
}

namespace {

// The words of `phrase` as Words makes them; "#" is kept as its own word so
// that it can act as the number wildcard.
std::vector<std::string> PhraseWords(std::string_view phrase) {
  std::vector<std::string> needle;
  size_t pos = 0;
  while (pos <= phrase.size()) {
    size_t space = phrase.find(' ', pos);
    if (space == std::string_view::npos) space = phrase.size();
    const std::string_view part = phrase.substr(pos, space - pos);
    if (part == "#") {
      needle.emplace_back("#");
    } else {
      for (std::string& w : Words(part)) needle.push_back(std::move(w));
    }
    pos = space + 1;
  }
  return needle;
}

bool ContainsWords(const std::vector<std::string>& words,
                   const std::vector<std::string>& needle) {
  if (needle.empty() || needle.size() > words.size()) return false;
  for (size_t start = 0; start + needle.size() <= words.size(); ++start) {
    bool match = true;
    for (size_t k = 0; k < needle.size() && match; ++k) {
      const std::string& w = words[start + k];
      match = needle[k] == "#" ? IsAllDigits(w) : needle[k] == w;
    }
    if (match) return true;
  }
  return false;
}

}  // namespace

bool ContainsPhrase(const std::vector<std::string>& words,
                    std::string_view phrase) {
  return ContainsWords(words, PhraseWords(phrase));
}

std::vector<std::string> MatchingPhrases(
    const std::vector<std::string>& words,
    const std::vector<std::string>& phrases) {
  const std::vector<std::vector<std::string>>& needles =
      EachPhraseOnce(phrases, [](const std::string& phrase) { return PhraseWords(phrase); });
  std::vector<std::string> found;
  for (size_t k = 0; k < phrases.size(); ++k) {
    if (ContainsWords(words, needles[k])) found.push_back(phrases[k]);
  }
  return found;
}

std::string JoinQuoted(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += "\"" + item + "\"";
  }
  return out;
}

}  // namespace leadrouter::pipeline
