// Slack text helpers: escaping of user-supplied text for mrkdwn and
// plain_text objects, Block Kit length limits cut on a UTF-8 boundary, and
// the short human durations shown on lead cards. Pure; thread-compatible.
//
// Escaping policy: only `&`, `<` and `>` are control characters in Slack
// text, so they become `&amp;`, `&lt;` and `&gt;`. That alone is what stops
// a lead from writing `<!channel>`, `<@U123>` or `<https://x|y>`. The
// styling characters (`*`, `_`, `~`, `` ` ``) are deliberately left alone:
// e-mail addresses and notes such as "first_last@x.com" or "3*2 garage" must
// read as written, and the builders put every user-supplied value after its
// own label so an unbalanced marker can at worst style the lead's own words.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace leadrouter::slack {

// Returns `text` with `&`, `<`, `>` replaced by their entities. Invalid
// UTF-8 sequences are replaced by U+FFFD so Slack never rejects the message
// as invalid_charset.
std::string EscapeMrkdwn(std::string_view text);

// Number of Unicode code points in `text` (what Block Kit limits count).
std::size_t CountChars(std::string_view text);

// Returns `text` unchanged when it has at most `max_chars` code points;
// otherwise its longest prefix that, with a trailing "…", has at most
// `max_chars` code points. Never cuts inside a UTF-8 sequence or inside one
// of the entities EscapeMrkdwn produces, so escaping then truncating stays
// valid. REQUIRES: max_chars >= 1.
std::string Truncate(std::string_view text, std::size_t max_chars);

// EscapeMrkdwn then Truncate: the usual treatment for a user value.
std::string EscapeAndTruncate(std::string_view text, std::size_t max_chars);

// "<@U0123ABC>" when `user_id` looks like a Slack user id (upper-case
// letters and digits, starting with U or W); otherwise the escaped text, so
// a malformed id can never become a mention of something else.
std::string Mention(std::string_view user_id);

// Elapsed time the way a card says it: "0 s", "37 s", "4 min", "2 h",
// "2 h 5 min", "3 d 4 h". Rounds down; negative durations read as "0 s".
std::string FormatElapsed(std::chrono::seconds elapsed);

}  // namespace leadrouter::slack
