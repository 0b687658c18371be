#include "pipeline/sanitize.h"

#include <array>
#include <cstdint>
#include <utility>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

// Markup can shrink text a lot, so cleaning starts from far more than the
// final cap; beyond this nothing a person typed is lost.
constexpr size_t kMaxInputBytes = 256 * 1024;
constexpr size_t kMaxEntityLength = 12;  // "&#x10FFFF;", "&hellip;"
// A message is not an audit log of every removed footer.
constexpr size_t kMaxReportedPieces = 5;

bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char LowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// REQUIRES: `prefix` is lower-case.
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (LowerAscii(s[i]) != prefix[i]) return false;
  }
  return true;
}

// Tags whose end marks a new line when a browser renders them.
bool IsBlockTag(std::string_view lower_name) {
  static constexpr std::array<std::string_view, 22> kBlock = {
      "p",     "br",         "div", "li",      "ul",      "ol",    "tr", "td",
      "th",    "h1",         "h2",  "h3",      "h4",      "h5",    "h6", "hr",
      "table", "blockquote", "pre", "section", "article", "header"};
  for (std::string_view b : kBlock) {
    if (lower_name == b) return true;
  }
  return false;
}

// Counts %XX escapes; a text is treated as URL-encoded only when it has some
// and no literal spaces, or several of them, so "100% sure" stays as is.
bool LooksUrlEncoded(std::string_view s) {
  int escapes = 0;
  bool has_space = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ') has_space = true;
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
        HexValue(s[i + 2]) >= 0) {
      ++escapes;
    }
  }
  return escapes >= 3 || (escapes >= 1 && !has_space);
}

// %20, %09, %0A and %0D as the characters they stand for; other escapes
// stay, since "100%25" may be meant.
std::string DecodeWhitespaceEscapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = HexValue(s[i + 1]);
      const int lo = HexValue(s[i + 2]);
      const int v = hi * 16 + lo;
      if (hi >= 0 && lo >= 0 && (v == 0x20 || v == 0x09 || v == 0x0A || v == 0x0D)) {
        out.push_back(static_cast<char>(v));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// Finds `needle` (lower-case ASCII) in `hay` ignoring ASCII case.
size_t FindIgnoreCase(std::string_view hay, std::string_view needle,
                      size_t from) {
  if (needle.empty() || hay.size() < needle.size())
    return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (StartsWithIgnoreCase(hay.substr(i), needle)) return i;
  }
  return std::string_view::npos;
}

struct TagStripResult {
  std::string text;
  bool changed = false;
};

TagStripResult StripTags(std::string_view in) {
  TagStripResult r;
  r.text.reserve(in.size());
  // The next '>' at or after the current tag; cached so that a text full of
  // '<' and no '>' is scanned once, not once per '<'.
  size_t next_gt = 0;
  bool next_gt_known = false;
  size_t i = 0;
  while (i < in.size()) {
    const char c = in[i];
    const bool tag_start =
        c == '<' && i + 1 < in.size() &&
        (IsAsciiAlpha(in[i + 1]) || in[i + 1] == '/' || in[i + 1] == '!');
    if (!tag_start) {
      r.text.push_back(c);
      ++i;
      continue;
    }
    r.changed = true;
    if (in.substr(i, 4) == "<!--") {
      const size_t end = in.find("-->", i + 4);
      i = end == std::string_view::npos ? in.size() : end + 3;
      continue;
    }
    size_t name_begin = i + 1;
    if (name_begin < in.size() && in[name_begin] == '/') ++name_begin;
    size_t name_end = name_begin;
    while (name_end < in.size() &&
           (IsAsciiAlpha(in[name_end]) || IsAsciiDigit(in[name_end]))) {
      ++name_end;
    }
    const std::string name =
        AsciiLower(in.substr(name_begin, name_end - name_begin));
    if (!next_gt_known ||
        (next_gt != std::string_view::npos && next_gt < name_end)) {
      next_gt = in.find('>', name_end);
      next_gt_known = true;
    }
    const size_t close = next_gt;
    if (close == std::string_view::npos) {
      // An unclosed tag at the end of a truncated message: drop the tag
      // name only, so that the words after it are not lost.
      i = name_end;
      continue;
    }
    i = close + 1;
    const bool closing = in[name_begin - 1] == '/';
    if (!closing && (name == "script" || name == "style")) {
      // Their content is code, never something the lead wrote.
      const std::string end_tag = "</" + name;
      const size_t end = FindIgnoreCase(in, end_tag, i);
      if (end == std::string_view::npos) {
        i = in.size();
      } else {
        const size_t gt = in.find('>', end);
        i = gt == std::string_view::npos ? in.size() : gt + 1;
      }
      continue;
    }
    if (IsBlockTag(name)) r.text.push_back('\n');
  }
  return r;
}

struct NamedEntity {
  std::string_view name;
  char32_t cp;
};

constexpr std::array<NamedEntity, 56> kEntities = {{
    {"amp", '&'},       {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
    {"apos", '\''},     {"nbsp", 0xA0},    {"ndash", 0x2013}, {"mdash", 0x2014},
    {"hellip", 0x2026}, {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C},
    {"rdquo", 0x201D},  {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122},
    {"euro", 0x20AC},   {"pound", 0xA3},   {"cent", 0xA2},    {"yen", 0xA5},
    {"sect", 0xA7},     {"deg", 0xB0},     {"middot", 0xB7},  {"bull", 0x2022},
    {"laquo", 0xAB},    {"raquo", 0xBB},   {"times", 0xD7},   {"divide", 0xF7},
    {"aacute", 0xE1},   {"agrave", 0xE0},  {"acirc", 0xE2},   {"atilde", 0xE3},
    {"auml", 0xE4},     {"aring", 0xE5},   {"aelig", 0xE6},   {"ccedil", 0xE7},
    {"eacute", 0xE9},   {"egrave", 0xE8},  {"ecirc", 0xEA},   {"euml", 0xEB},
    {"iacute", 0xED},   {"iuml", 0xEF},    {"ntilde", 0xF1},  {"oacute", 0xF3},
    {"ouml", 0xF6},     {"oslash", 0xF8},  {"uacute", 0xFA},  {"uuml", 0xFC},
    {"szlig", 0xDF},    {"Eacute", 0xC9},  {"Auml", 0xC4},    {"Ouml", 0xD6},
    {"Uuml", 0xDC},     {"Oslash", 0xD8},  {"Ntilde", 0xD1},  {"Ccedil", 0xC7},
}};

// Drops control characters (keeping line breaks), folds tabs and no-break
// spaces into spaces, collapses runs of spaces, trims each line and drops
// empty lines.
std::string CollapseWhitespace(std::string_view in, bool keep_newlines) {
  std::string out;
  out.reserve(in.size());
  bool pending_space = false;
  bool pending_newline = false;
  for (size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    bool space = c == ' ' || c == '\t' || c == '\f' || c == '\v';
    bool newline = c == '\n' || c == '\r';
    // U+00A0 no-break space arrives from &nbsp; and from pasted text.
    if (c == 0xC2 && i + 1 < in.size() &&
        static_cast<unsigned char>(in[i + 1]) == 0xA0) {
      space = true;
      ++i;
    }
    if (!keep_newlines && newline) space = true, newline = false;
    if (newline) {
      pending_newline = true;
      pending_space = false;
      continue;
    }
    if (space) {
      pending_space = true;
      continue;
    }
    if (c < 0x20 || c == 0x7F) continue;  // other control characters
    if (!out.empty()) {
      if (pending_newline) {
        out.push_back('\n');
      } else if (pending_space) {
        out.push_back(' ');
      }
    }
    pending_space = pending_newline = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

// Cuts each line at the earliest boilerplate phrase starting a word, so the
// phrase and the rest of its line go. Returns the removed pieces, at most
// kMaxReportedPieces of them.
std::vector<std::string> RemoveBoilerplate(
    std::string& text, const std::vector<std::string>& phrases) {
  std::vector<std::string> removed;
  std::vector<std::string> lowered;
  for (const std::string& p : phrases) {
    if (!p.empty()) lowered.push_back(AsciiLower(p));
  }
  if (lowered.empty()) return removed;
  std::string out;
  out.reserve(text.size());
  size_t line_start = 0;
  while (line_start <= text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    const std::string_view line =
        std::string_view(text).substr(line_start, line_end - line_start);
    const std::string lower = AsciiLower(line);
    size_t cut = line.size();
    for (const std::string& phrase : lowered) {
      for (size_t at = lower.find(phrase); at != std::string::npos && at < cut;
           at = lower.find(phrase, at + 1)) {
        const bool word_start = at == 0 || !(IsAsciiAlpha(lower[at - 1]) ||
                                             IsAsciiDigit(lower[at - 1]));
        if (word_start) {
          cut = at;
          break;
        }
      }
    }
    if (cut < line.size() && removed.size() < kMaxReportedPieces) {
      removed.push_back(Trim(line.substr(cut)));
    } else if (cut < line.size() && removed.size() == kMaxReportedPieces) {
      removed.emplace_back("…");
    }
    out.append(line.substr(0, cut));
    if (line_end < text.size()) out.push_back('\n');
    line_start = line_end + 1;
  }
  text = std::move(out);
  return removed;
}

SanitizedText Sanitize(std::string_view input, size_t max_length,
                       const std::vector<std::string>* boilerplate) {
  SanitizedText out;
  if (input.size() > kMaxInputBytes) {
    input = input.substr(0, kMaxInputBytes);
    out.changes.push_back("input cut to " + std::to_string(kMaxInputBytes) +
                          " bytes before cleaning");
  }
  bool repaired = false;
  std::string text = RepairUtf8(input, &repaired);
  if (repaired) out.changes.emplace_back("replaced invalid UTF-8");

  if (LooksUrlEncoded(text)) {
    const bool plus_is_space = text.find(' ') == std::string::npos;
    std::string decoded = PercentDecode(text, plus_is_space);
    if (decoded != text) {
      // Escapes can spell invalid UTF-8 too.
      text = RepairUtf8(decoded);
      out.changes.emplace_back("decoded URL encoding");
    }
  }

  // A form that escapes only some characters leaves "%20" in plain text
  // ("Thanks!%20"); an escaped space or line break is never meant literally.
  std::string spaced = DecodeWhitespaceEscapes(text);
  if (spaced != text) {
    text = std::move(spaced);
    out.changes.emplace_back("decoded form escapes");
  }

  TagStripResult stripped = StripTags(text);
  if (stripped.changed) {
    text = std::move(stripped.text);
    out.changes.emplace_back("stripped HTML tags");
  }

  std::string decoded = DecodeEntities(text);
  if (decoded != text) {
    text = std::move(decoded);
    out.changes.emplace_back("decoded HTML entities");
  }

  const bool multiline = boilerplate != nullptr;
  std::string collapsed = CollapseWhitespace(text, multiline);
  if (multiline) {
    std::vector<std::string> removed =
        RemoveBoilerplate(collapsed, *boilerplate);
    for (const std::string& piece : removed) {
      out.changes.push_back("removed boilerplate \"" + piece + "\"");
    }
    if (!removed.empty()) collapsed = CollapseWhitespace(collapsed, true);
  }
  if (collapsed != text) {
    out.changes.emplace_back("collapsed white space");
  }
  text = std::move(collapsed);

  if (text.size() > max_length) {
    text = std::string(CutUtf8(text, max_length));
    // The cut may leave a trailing space or a lone line break.
    text = Trim(text);
    out.changes.push_back("cut to " + std::to_string(max_length) + " bytes");
  }
  out.text = std::move(text);
  return out;
}

}  // namespace

std::string DecodeEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out.push_back(text[i++]);
      continue;
    }
    // Entities are short; a far-away ';' means this '&' is just text. The
    // window also keeps a text of many '&' and no ';' linear.
    const size_t found = text.substr(i + 1, kMaxEntityLength).find(';');
    const size_t semi = found == std::string_view::npos ? found : i + 1 + found;
    if (semi == std::string_view::npos) {
      out.push_back(text[i++]);
      continue;
    }
    const std::string_view body = text.substr(i + 1, semi - i - 1);
    bool decoded = false;
    if (body.size() >= 2 && body[0] == '#') {
      const bool hex = body[1] == 'x' || body[1] == 'X';
      const std::string_view digits = body.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      bool ok = !digits.empty();
      for (char d : digits) {
        const int v = hex ? HexValue(d) : (IsAsciiDigit(d) ? d - '0' : -1);
        if (v < 0) {
          ok = false;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
        if (cp > 0x10FFFF) cp = 0x110000;  // saturate: becomes U+FFFD
      }
      if (ok) {
        AppendUtf8(out, cp == 0 ? 0xFFFD : static_cast<char32_t>(cp));
        decoded = true;
      }
    } else {
      for (const NamedEntity& e : kEntities) {
        if (e.name == body) {
          AppendUtf8(out, e.cp);
          decoded = true;
          break;
        }
      }
    }
    if (decoded) {
      i = semi + 1;
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 +
                                      HexValue(text[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

SanitizedText SanitizeText(std::string_view input,
                           const SanitizeOptions& options) {
  return Sanitize(input, options.max_length, &options.boilerplate_phrases);
}

SanitizedText SanitizeField(std::string_view input, size_t max_length) {
  return Sanitize(input, max_length, nullptr);
}

}  // namespace leadrouter::pipeline
