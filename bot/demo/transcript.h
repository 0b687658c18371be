// Transcript: Slack messages as a person would read them, in plain text,
// for `leadrouter demo`. Block Kit headers, sections, fields, context and
// buttons (shown as "[Claim]") become indented lines; mrkdwn tokens become
// what a client displays (<@U…> as @Name, <#C…> as #name, <!date^…|text>
// as its fallback, <url|label> as label, &amp; as &). Edits, thread replies
// and ephemerals are marked as such. Pure: no I/O, no clock reads;
// thread-compatible.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace leadrouter::demo {

// How ids read. A user or channel without an entry reads as its id (or the
// label Slack put after '|', when there is one).
struct TranscriptNames {
  std::map<std::string, std::string> users;     // "U0ANA" -> "Ana"
  std::map<std::string, std::string> channels;  // "C0SHARK" -> "shark-tank"
  // DM channel id -> the user it is with, for "DM with @Ana" headings.
  std::map<std::string, std::string> dm_users;
};

// One line of mrkdwn (or several, kept as they are) as displayed: tokens
// resolved, entities decoded, the emoji codes our messages use drawn
// (":warning:" as ⚠), *bold* / _italic_ / ~strike~ markers around words
// dropped (a lone "3*2" stays).
std::string RenderMrkdwn(std::string_view mrkdwn, const TranscriptNames& names);

// The body of one message: its blocks, or its `text` when it has none.
// Every line is prefixed with `indent`; ends with a newline.
std::string RenderMessage(const nlohmann::json& message,
                          const TranscriptNames& names,
                          const std::string& indent = "  ");

// One channel as slack-sim's /_sim/messages reports it
// ({"channel","name","messages":[…],"ephemerals":[…]}): a heading, then each
// top-level message in posting order; a message that was edited shows its
// first version, then "✎ edited" and each later one; its thread replies
// follow it, indented; ephemerals read "only @Ben sees:" after the message
// they answer (or at the end when they answer none).
std::string RenderChannel(const nlohmann::json& channel,
                          const TranscriptNames& names);

// Every channel of slack-sim's /_sim/messages answer ({"channels":[…]}),
// public channels first (in the order given), then DMs.
std::string RenderWorkspace(const nlohmann::json& workspace,
                            const TranscriptNames& names);

}  // namespace leadrouter::demo
