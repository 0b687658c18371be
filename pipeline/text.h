// Byte-level text helpers shared by the pipeline: UTF-8 repair and cutting,
// trimming, and word-boundary phrase matching. Everything here accepts
// arbitrary bytes and never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leadrouter::pipeline {

// Returns `in` with every invalid UTF-8 sequence (overlong forms, surrogates,
// truncated sequences, stray continuation bytes) replaced by U+FFFD. Sets
// *changed when a replacement was made.
std::string RepairUtf8(std::string_view in, bool* changed = nullptr);

// Appends the UTF-8 encoding of `cp`; invalid code points become U+FFFD.
void AppendUtf8(std::string& out, char32_t cp);

// Returns the longest prefix of `s` of at most `max_bytes` bytes that does not
// split a UTF-8 sequence. REQUIRES: `s` is valid UTF-8.
std::string_view CutUtf8(std::string_view s, size_t max_bytes);

// ASCII white space trimmed from both ends.
std::string_view TrimView(std::string_view s);
std::string Trim(std::string_view s);

// ASCII letters lower-cased; other bytes untouched.
std::string AsciiLower(std::string_view s);

// Splits text into lower-cased words for phrase matching. A word is a run of
// ASCII letters and digits, non-ASCII bytes, and inner '-' or '\'' (the
// typographic apostrophe counts as '\''), so "Pre-approved," yields
// "pre-approved".
std::vector<std::string> Words(std::string_view text);

// True when `phrase` occurs as whole words in `words`. In the phrase, the
// word "#" matches any all-digit word.
bool ContainsPhrase(const std::vector<std::string>& words,
                    std::string_view phrase);

// The phrases of `phrases` that occur in `words`, in list order.
std::vector<std::string> MatchingPhrases(
    const std::vector<std::string>& words,
    const std::vector<std::string>& phrases);

// "a", "a, b", … for reason details.
std::string JoinQuoted(const std::vector<std::string>& items);

}  // namespace leadrouter::pipeline
