#include "pipeline/phrase.h"

#include <algorithm>
#include <array>
#include <utility>

#include "pipeline/list_memo.h"

namespace leadrouter::pipeline {
namespace {

// How far back a negation or a plan word reaches: "have not yet been
// pre-approved" is three words; further than that, the words are usually
// about something else.
constexpr size_t kNegationReach = 3;
constexpr size_t kIrrealisReach = 3;
// Typos are forgiven only in longer words, where one slip cannot turn one
// real word into another.
constexpr size_t kMinFuzzyLength = 6;

constexpr std::array<std::string_view, 24> kNegators = {
    "not",   "no",     "never", "dont",   "doesnt", "didnt",
    "havent", "hasnt", "hadnt", "isnt",   "arent",  "wasnt",
    "werent", "wont",  "without", "nor",  "cant",   "cannot",
    "neither", "sin",  "nunca", "ni",     "aint",   "lack"};
// "will" is left out: "we will pay cash" is a fact about the buyer.
constexpr std::array<std::string_view, 14> kIrrealis = {
    "get",   "getting", "should",   "once",  "if",      "until",  "hope",
    "hoping", "trying", "apply",    "applying", "whether", "working", "unless"};
constexpr std::array<std::string_view, 5> kClauseWords = {
    "but", "pero", "though", "however", "although"};

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& list, std::string_view w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

bool IsAsciiAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Latin-1 letters (the second byte after 0xC3) folded to their base letter;
// 0 for symbols such as × and ÷.
char FoldLatin1(unsigned char second) {
  static constexpr char kMap[64] = {
      // 0x80-0x8F: À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï
      'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i',
      'i', 'i',
      // 0x90-0x9F: Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
      'd', 'n', 'o', 'o', 'o', 'o', 'o', 0, 'o', 'u', 'u', 'u', 'u', 'y', 0,
      's',
      // 0xA0-0xAF: à á â ã ä å æ ç è é ê ë ì í î ï
      'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i',
      'i', 'i',
      // 0xB0-0xBF: ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
      'd', 'n', 'o', 'o', 'o', 'o', 'o', 0, 'o', 'u', 'u', 'u', 'u', 'y', 0,
      'y'};
  if (second < 0x80 || second > 0xBF) return 0;
  return kMap[second - 0x80];
}

// Marks bytes that belong to quoted material: lines starting with '>' and
// spans between double quotes. An unclosed quote quotes nothing.
std::vector<bool> QuotedBytes(std::string_view s) {
  std::vector<bool> quoted(s.size(), false);
  size_t line = 0;
  while (line < s.size()) {
    size_t end = s.find('\n', line);
    if (end == std::string_view::npos) end = s.size();
    size_t k = line;
    while (k < end && (s[k] == ' ' || s[k] == '\t')) ++k;
    if (k < end && s[k] == '>') {
      std::fill(quoted.begin() + static_cast<long>(line),
                quoted.begin() + static_cast<long>(end), true);
    }
    line = end + 1;
  }
  const auto quote_len = [&](size_t i) -> size_t {
    if (s[i] == '"') return 1;
    if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 &&
        static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0x9C ||
         static_cast<unsigned char>(s[i + 2]) == 0x9D)) {
      return 3;
    }
    return 0;
  };
  size_t open = std::string_view::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    const size_t len = quote_len(i);
    if (len == 0) continue;
    if (open == std::string_view::npos) {
      open = i;
    } else {
      std::fill(quoted.begin() + static_cast<long>(open),
                quoted.begin() + static_cast<long>(i + len), true);
      open = std::string_view::npos;
    }
    i += len - 1;
  }
  return quoted;
}

bool IsClauseBreak(char c) {
  switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case '(':
    case ')': case '\n': case '"':
      return true;
    default:
      return false;
  }
}

// True when `a` and `b` differ by at most one insertion, deletion,
// substitution or swap of neighbours.
bool WithinOneEdit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // swap
  }
  return a.substr(i) == b.substr(i + 1);  // b has one extra letter
}

// How many tokens from `j` the pattern word `p` takes: 0 (no match), 1, or
// 2 when two tokens join to it.
size_t MatchWord(std::string_view p, const std::vector<Token>& tokens,
                 size_t j) {
  const std::string& w = tokens[j].word;
  if (p == "#") return NumberValue(w) >= 0 ? 1 : 0;
  // Every way of matching below keeps the first letter (tokens are never
  // empty); most tokens differ from most phrase words right there.
  if (w.empty() || p.empty() || w[0] != p[0]) return 0;
  if (w == p) return 1;
  if (j + 1 < tokens.size() && tokens[j + 1].clause == tokens[j].clause &&
      w.size() < p.size() && p.compare(0, w.size(), w) == 0 &&
      p.substr(w.size()) == tokens[j + 1].word) {
    return 2;
  }
  if (p.size() >= kMinFuzzyLength && w.size() + 1 >= kMinFuzzyLength &&
      w[0] == p[0] && !IsDigit(w[0]) && WithinOneEdit(w, p)) {
    return 1;
  }
  // "pre aproved": two pieces that join to the word with one typo.
  if (p.size() >= kMinFuzzyLength && j + 1 < tokens.size() &&
      tokens[j + 1].clause == tokens[j].clause && w.size() < p.size() &&
      p.compare(0, w.size(), w) == 0 && !IsDigit(w[0]) &&
      WithinOneEdit(w + tokens[j + 1].word, p)) {
    return 2;
  }
  return 0;
}

template <size_t N>
bool PrecededBy(const std::vector<Token>& tokens, size_t first, size_t reach,
                const std::array<std::string_view, N>& words) {
  for (size_t k = 1; k <= reach && k <= first; ++k) {
    const Token& t = tokens[first - k];
    if (t.clause != tokens[first].clause) break;
    if (OneOf(words, t.word)) return true;
  }
  return false;
}

std::vector<std::string> PatternWords(std::string_view phrase) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= phrase.size()) {
    size_t space = phrase.find(' ', pos);
    if (space == std::string_view::npos) space = phrase.size();
    const std::string_view part = phrase.substr(pos, space - pos);
    if (part == "#") {
      out.emplace_back("#");
    } else if (!part.empty()) {
      for (Token& t : Tokenize(part).tokens) out.push_back(std::move(t.word));
    }
    pos = space + 1;
  }
  return out;
}

// The tokens grouped by their first byte, each group in text order: a
// phrase word other than "#" only ever matches a token that starts with its
// own first letter, so a phrase is tried only where it could begin.
class TokensByFirstByte {
 public:
  explicit TokensByFirstByte(const std::vector<Token>& tokens) : order_(tokens.size()) {
    for (const Token& t : tokens) ++begin_[Byte(t) + 1];
    for (size_t b = 1; b < begin_.size(); ++b) begin_[b] += begin_[b - 1];
    std::array<size_t, 256> next{};
    std::copy(begin_.begin(), begin_.end() - 1, next.begin());
    for (size_t i = 0; i < tokens.size(); ++i) order_[next[Byte(tokens[i])]++] = i;
  }
  // The indexes of the tokens starting with `first`, in text order.
  std::pair<const size_t*, const size_t*> StartingWith(char first) const {
    const auto b = static_cast<unsigned char>(first);
    return {order_.data() + begin_[b], order_.data() + begin_[b + 1]};
  }

 private:
  static size_t Byte(const Token& t) {
    return t.word.empty() ? 0 : static_cast<unsigned char>(t.word[0]);
  }
  std::array<size_t, 257> begin_{};
  std::vector<size_t> order_;
};

}  // namespace

TokenizedText Tokenize(std::string_view text) {
  TokenizedText out;
  out.text = std::string(text);
  const std::string_view s = out.text;
  const std::vector<bool> quoted = QuotedBytes(s);
  int clause = 0;
  Token current;
  bool in_word = false;
  const auto flush = [&] {
    if (!in_word) return;
    in_word = false;
    if (current.word.empty()) return;
    if (OneOf(kClauseWords, current.word)) {
      ++clause;
    } else {
      current.clause = clause;
      out.tokens.push_back(std::move(current));
    }
    current = Token{};
  };
  const auto add = [&](char c, size_t at, size_t len) {
    if (!in_word) {
      in_word = true;
      current.begin = at;
    }
    current.word.push_back(c);
    current.end = at + len;
  };
  const auto next_is_alnum = [&](size_t i) {
    return i + 1 < s.size() && !quoted[i + 1] &&
           IsAsciiAlnum(static_cast<unsigned char>(s[i + 1]));
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (quoted[i]) {
      if (in_word) {
        flush();
        ++clause;
      }
      if (i + 1 < s.size() && !quoted[i + 1]) ++clause;
      continue;
    }
    if (IsAsciiAlnum(c)) {
      add(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c), i, 1);
      continue;
    }
    if (c == 0xC3 && i + 1 < s.size()) {
      const char folded = FoldLatin1(static_cast<unsigned char>(s[i + 1]));
      if (folded != 0) {
        add(folded, i, 2);
        ++i;
        continue;
      }
    }
    // Apostrophes vanish inside a word ("don't" -> "dont", "I'm" -> "im").
    const bool curly_apostrophe = c == 0xE2 && i + 2 < s.size() &&
                                  static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                                  static_cast<unsigned char>(s[i + 2]) == 0x99;
    if ((c == '\'' || curly_apostrophe) && in_word) {
      const size_t len = curly_apostrophe ? 3 : 1;
      if (next_is_alnum(i + len - 1)) {
        i += len - 1;
        continue;
      }
    }
    const bool digits_so_far =
        in_word && !current.word.empty() &&
        std::all_of(current.word.begin(), current.word.end(), IsDigit);
    if (c == '-' && in_word && next_is_alnum(i)) {
      // "pre-approved" joins; "3-4" is two numbers.
      if (!(digits_so_far && IsDigit(s[i + 1]))) continue;
    }
    if (c == '/' && digits_so_far && i + 1 < s.size() && IsDigit(s[i + 1])) {
      add('/', i, 1);
      continue;
    }
    flush();
    const bool decimal_point =
        c == '.' && i > 0 && IsDigit(s[i - 1]) && i + 1 < s.size() &&
        IsDigit(s[i + 1]);
    if (IsClauseBreak(static_cast<char>(c)) && !decimal_point) ++clause;
    // Skip the rest of a multi-byte sequence (emoji, symbols).
    if (c >= 0xC0) {
      while (i + 1 < s.size() &&
             (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
        ++i;
      }
    }
  }
  flush();
  return out;
}

std::string FoldWord(std::string_view word) {
  std::string out;
  for (const Token& t : Tokenize(word).tokens) {
    if (!out.empty()) out.push_back(' ');
    out += t.word;
  }
  return out;
}

bool IsNumberToken(std::string_view w) {
  if (w.empty() || !IsDigit(w[0])) return false;
  size_t i = 0;
  while (i < w.size() && (IsDigit(w[i]) || w[i] == '/')) ++i;
  const std::string_view rest = w.substr(i);
  return rest.empty() || rest == "st" || rest == "nd" || rest == "rd" ||
         rest == "th";
}

int NumberValue(std::string_view w) {
  static constexpr std::array<std::pair<std::string_view, int>, 22> kWords = {{
      {"one", 1},     {"two", 2},     {"three", 3}, {"four", 4},
      {"five", 5},    {"six", 6},     {"seven", 7}, {"eight", 8},
      {"nine", 9},    {"ten", 10},    {"eleven", 11}, {"twelve", 12},
      {"couple", 2},  {"few", 3},     {"several", 3}, {"thirty", 30},
      {"sixty", 60},  {"ninety", 90}, {"dos", 2},   {"tres", 3},
      {"cuatro", 4},  {"seis", 6}}};
  for (const auto& [name, value] : kWords) {
    if (w == name) return value;
  }
  if (!IsNumberToken(w) || w.find('/') != std::string_view::npos) return -1;
  int v = 0;
  for (char c : w) {
    if (!IsDigit(c)) break;
    if (v > 100000) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::vector<PhraseHit> FindPhrases(const TokenizedText& t,
                                   const std::vector<std::string>& phrases) {
  std::vector<PhraseHit> hits;
  const std::vector<Token>& tokens = t.tokens;
  // Folding a phrase costs more than looking for it.
  const std::vector<std::vector<std::string>>& patterns =
      EachPhraseOnce(phrases, [](const std::string& phrase) { return PatternWords(phrase); });
  const TokensByFirstByte by_first(tokens);
  // Where `pattern` matches from `start`: one past its last token, or 0.
  const auto match_from = [&tokens](const std::vector<std::string>& pattern,
                                    size_t start) -> size_t {
    size_t j = start;
    for (const std::string& p : pattern) {
      if (j >= tokens.size() || tokens[j].clause != tokens[start].clause) return 0;
      const size_t took = MatchWord(p, tokens, j);
      if (took == 0) return 0;
      j += took;
    }
    return j;
  };
  for (size_t k = 0; k < phrases.size(); ++k) {
    const std::vector<std::string>& pattern = patterns[k];
    if (pattern.empty()) continue;
    size_t start = 0;
    size_t end = 0;
    if (pattern.front() == "#") {
      for (size_t i = 0; i < tokens.size() && end == 0; ++i) end = match_from(pattern, start = i);
    } else {
      auto [first, last] = by_first.StartingWith(pattern.front()[0]);
      for (; first != last && end == 0; ++first) end = match_from(pattern, start = *first);
    }
    if (end == 0) continue;
    PhraseHit hit;
    hit.phrase = phrases[k];
    hit.first = start;
    hit.last = end;
    hit.words = t.text.substr(tokens[start].begin, tokens[end - 1].end - tokens[start].begin);
    hit.negated = PrecededBy(tokens, start, kNegationReach, kNegators);
    hit.irrealis = PrecededBy(tokens, start, kIrrealisReach, kIrrealis);
    hits.push_back(std::move(hit));
  }
  // "browsing" inside "just browsing" says nothing more: keep the longer.
  const auto inside_another = [&hits](const PhraseHit& h) {
    return std::any_of(hits.begin(), hits.end(), [&h](const PhraseHit& o) {
      return o.first <= h.first && h.last <= o.last &&
             o.last - o.first > h.last - h.first;
    });
  };
  std::vector<PhraseHit> kept;
  for (const PhraseHit& h : hits) {
    if (!inside_another(h)) kept.push_back(h);
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const PhraseHit& a, const PhraseHit& b) {
                     return a.first < b.first;
                   });
  return kept;
}

std::vector<PhraseHit> Affirmed(std::vector<PhraseHit> hits) {
  hits.erase(std::remove_if(hits.begin(), hits.end(),
                            [](const PhraseHit& h) {
                              return h.negated || h.irrealis;
                            }),
             hits.end());
  return hits;
}

std::string QuoteWords(const std::vector<PhraseHit>& hits) {
  std::string out;
  std::vector<std::string> seen;
  for (const PhraseHit& h : hits) {
    if (std::find(seen.begin(), seen.end(), h.words) != seen.end()) continue;
    seen.push_back(h.words);
    if (!out.empty()) out += ", ";
    out += "\"" + h.words + "\"";
  }
  return out;
}

}  // namespace leadrouter::pipeline
