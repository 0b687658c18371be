// Reading free text the way a person skims it: words folded to plain
// lower-case ASCII (accents dropped, apostrophes and inner hyphens removed),
// clauses kept apart, quoted material set aside, and phrases found with their
// common spellings, small typos and any negation in front of them. Pure;
// accepts arbitrary bytes and never throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace leadrouter::pipeline {

struct Token {
  std::string word;    // folded: "Pre-approved" -> "preapproved", "año" -> "ano"
  int clause = 0;      // tokens in one clause share this number
  size_t begin = 0;    // byte offsets of the word in the text given to
  size_t end = 0;      // Tokenize, for quoting it back in a reason
};

struct TokenizedText {
  std::string text;  // the text the offsets point into
  std::vector<Token> tokens;
};

// Splits `text` into tokens. Clauses break at . , ; : ! ? ( ) line ends and
// at "but", "pero", "though", "however", "although" (which are not tokens).
// Lines starting with '>' and spans inside double quotes (straight or
// curly) are someone else's words, usually the listing quoted back, and
// yield no tokens. Emoji and other symbols separate words.
TokenizedText Tokenize(std::string_view text);

// One phrase found in the text.
struct PhraseHit {
  std::string phrase;  // the phrase as listed
  std::string words;   // the words as written in the message
  size_t first = 0;    // token range [first, last)
  size_t last = 0;
  bool negated = false;   // "not", "no", "haven't", "without"… just before
  bool irrealis = false;  // "get", "need", "should", "once", "if"… just
                          // before: a plan or a condition, not a fact
};

// Finds each phrase of `phrases` in `t`, at most once per phrase, in text
// order. A phrase is written in plain words ("pre-approved", "closing in #
// days"); "#" matches any number. A phrase word matches a token that folds to
// the same word, two adjacent tokens that join to it ("pre approved"), or,
// for words of six letters or more, a token one typo away that starts with the
// same letter ("preaproved", "tomorow"). A phrase never spans two clauses.
std::vector<PhraseHit> FindPhrases(const TokenizedText& t,
                                   const std::vector<std::string>& phrases);

// The hits that are neither negated nor a plan.
std::vector<PhraseHit> Affirmed(std::vector<PhraseHit> hits);

// "\"pre-approval\", \"cash\"": the words of each hit, for reason details.
std::string QuoteWords(const std::vector<PhraseHit>& hits);

// The folded form of one word or phrase, as Tokenize would produce it.
std::string FoldWord(std::string_view word);

// True for "12", "1st", "31st", "2/15".
bool IsNumberToken(std::string_view word);

// Number words and digits as a value ("two" -> 2, "couple" -> 2, "14" ->
// 14, "1st" -> 1); -1 when the token is not a number.
int NumberValue(std::string_view word);

}  // namespace leadrouter::pipeline
