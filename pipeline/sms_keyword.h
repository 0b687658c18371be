// Inbound SMS keywords: what a text sent back to our number asks for. The
// carriers' standard opt-out and opt-in words, matched against the whole
// message. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace leadrouter::pipeline {

enum class SmsKeyword {
  kNone,   // an ordinary reply
  kStop,   // STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT
  kStart,  // START, UNSTOP, YES
};

// The keyword `body` is, compared case-insensitively after trimming white
// space; a keyword inside a longer text ("please stop texting me") is
// kNone, as the carriers read it.
SmsKeyword ClassifySmsReply(std::string_view body);

// The keyword as matched, upper-case ("STOP"), or "" for kNone; for the
// timeline ("keyword STOP").
std::string SmsKeywordText(std::string_view body);

}  // namespace leadrouter::pipeline
