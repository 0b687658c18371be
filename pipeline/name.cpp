#include "pipeline/name.h"

#include <unicode/uchar.h>

#include <array>
#include <string>
#include <vector>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

constexpr std::array<std::string_view, 21> kParticles = {
    "van", "von", "der", "den", "de",  "del", "della", "di", "da", "la", "le",
    "du",  "des", "dos", "das", "ter", "ten", "zu",    "af", "av", "y"};

// Generational suffixes are written in capitals, not title case.
constexpr std::array<std::string_view, 3> kRoman = {"ii", "iii", "iv"};

// Decodes valid UTF-8 into code points.
std::u32string Decode(std::string_view s) {
  std::u32string out;
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0) {
      cp = c & 0x07, len = 4;
    } else if (c >= 0xE0) {
      cp = c & 0x0F, len = 3;
    } else if (c >= 0xC0) {
      cp = c & 0x1F, len = 2;
    }
    for (size_t k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string Encode(const std::u32string& cps) {
  std::string out;
  for (char32_t cp : cps) AppendUtf8(out, cp);
  return out;
}

char32_t Lower(char32_t c) {
  return static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
}
char32_t Title(char32_t c) {
  return static_cast<char32_t>(u_totitle(static_cast<UChar32>(c)));
}
bool IsLetter(char32_t c) { return u_isalpha(static_cast<UChar32>(c)) != 0; }
bool IsApostrophe(char32_t c) { return c == '\'' || c == 0x2019; }

// One case throughout: every cased letter upper, or every one lower.
bool IsOneCase(const std::u32string& w) {
  bool upper = false;
  bool lower = false;
  for (char32_t c : w) {
    if (u_isUUppercase(static_cast<UChar32>(c))) upper = true;
    if (u_isULowercase(static_cast<UChar32>(c))) lower = true;
  }
  return !(upper && lower);
}

bool IsAsciiVowelHky(char32_t c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'h' ||
         c == 'k' || c == 'y';
}

size_t CountLetters(const std::u32string& w, size_t from) {
  size_t n = 0;
  for (size_t i = from; i < w.size(); ++i) n += IsLetter(w[i]) ? 1 : 0;
  return n;
}

// Title-cases one hyphen-free part that is already lower-case.
void TitlePart(std::u32string& part) {
  size_t first_letter = 0;
  while (first_letter < part.size() && !IsLetter(part[first_letter]))
    ++first_letter;
  if (first_letter == part.size()) return;
  part[first_letter] = Title(part[first_letter]);

  // O'Connell, D'Angelo: a one-letter prefix before an apostrophe.
  if (part.size() > first_letter + 2 && IsApostrophe(part[first_letter + 1]) &&
      IsLetter(part[first_letter + 2])) {
    part[first_letter + 2] = Title(part[first_letter + 2]);
    return;
  }
  const std::u32string lower = part.substr(first_letter);
  if (lower.size() >= 4 && lower[1] == 'c' && part[first_letter] == 'M' &&
      CountLetters(lower, 2) >= 2 && IsLetter(lower[2])) {
    part[first_letter + 2] = Title(part[first_letter + 2]);  // McDonald
    return;
  }
  if (lower.size() >= 7 && lower[1] == 'a' && lower[2] == 'c' &&
      part[first_letter] == 'M' && CountLetters(lower, 3) >= 4 &&
      IsLetter(lower[3]) && lower[3] < 0x80 && !IsAsciiVowelHky(lower[3])) {
    part[first_letter + 3] = Title(part[first_letter + 3]);  // MacLeod
  }
}

// Short all-caps words next to properly cased ones are initials or
// acronyms the person chose ("AJ Smith", "SEO Expert").
constexpr size_t kMaxInitialsLetters = 3;

bool HasUpper(const std::u32string& w) {
  for (char32_t c : w) {
    if (u_isUUppercase(static_cast<UChar32>(c))) return true;
  }
  return false;
}

std::string FixWord(std::string_view word, bool first_in_name,
                    bool name_has_mixed_case) {
  std::u32string w = Decode(word);
  if (!IsOneCase(w)) return std::string(word);
  if (name_has_mixed_case && HasUpper(w) &&
      CountLetters(w, 0) <= kMaxInitialsLetters) {
    return std::string(word);
  }
  for (char32_t& c : w) c = Lower(c);
  const std::string lower = Encode(w);
  for (std::string_view p : kParticles) {
    if (!first_in_name && lower == p) return lower;
  }
  for (std::string_view r : kRoman) {
    if (!first_in_name && lower == r) {
      std::string upper = lower;
      for (char& ch : upper) ch = static_cast<char>(ch - 'a' + 'A');
      return upper;
    }
  }
  std::u32string out;
  std::u32string part;
  for (char32_t c : w) {
    if (c == '-') {
      TitlePart(part);
      out += part;
      out.push_back(c);
      part.clear();
    } else {
      part.push_back(c);
    }
  }
  TitlePart(part);
  out += part;
  return Encode(out);
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> words;
  size_t pos = 0;
  while (pos < s.size()) {
    while (pos < s.size() && s[pos] == ' ') ++pos;
    const size_t end = s.find(' ', pos);
    const size_t stop = end == std::string_view::npos ? s.size() : end;
    if (stop > pos) words.emplace_back(s.substr(pos, stop - pos));
    pos = stop;
  }
  return words;
}

std::string Join(const std::vector<std::string>& words, size_t from,
                 size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < words.size(); ++i) {
    if (!out.empty()) out.push_back(' ');
    out += words[i];
  }
  return out;
}

}  // namespace

PersonName NormalizeName(std::string_view first, std::string_view last,
                         std::string_view full) {
  std::string first_s = Trim(first);
  std::string last_s = Trim(last);
  if (first_s.empty() && last_s.empty()) {
    const std::string full_s = Trim(full);
    const size_t comma = full_s.find(',');
    if (comma != std::string::npos) {
      last_s = Trim(std::string_view(full_s).substr(0, comma));
      first_s = Trim(std::string_view(full_s).substr(comma + 1));
    } else {
      first_s = full_s;
    }
  }
  std::vector<std::string> first_words = SplitWords(first_s);
  std::vector<std::string> last_words = SplitWords(last_s);
  if (last_words.empty() && first_words.size() > 1) {
    last_words.assign(first_words.begin() + 1, first_words.end());
    first_words.resize(1);
  }

  bool mixed = false;
  for (const auto* words : {&first_words, &last_words}) {
    for (const std::string& w : *words) mixed = mixed || !IsOneCase(Decode(w));
  }
  size_t position = 0;
  for (std::string& w : first_words) w = FixWord(w, position++ == 0, mixed);
  for (std::string& w : last_words) w = FixWord(w, position++ == 0, mixed);

  PersonName name;
  name.first = Join(first_words, 0, first_words.size());
  name.last = Join(last_words, 0, last_words.size());
  name.full = name.first;
  if (!name.last.empty()) {
    if (!name.full.empty()) name.full.push_back(' ');
    name.full += name.last;
  }
  return name;
}

}  // namespace leadrouter::pipeline
