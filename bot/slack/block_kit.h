// Block Kit builders: pure functions from a lead (and a few plain strings) to
// the JSON body of a Slack message, `text` fallback and `blocks`. No I/O, no
// clock reads (the caller passes `now`); thread-compatible.
//
// Every user-supplied string goes through EscapeMrkdwn (see mrkdwn.h), and
// every mrkdwn text object is sent with "verbatim": true so Slack does not
// auto-link or auto-mention anything a lead typed. Every Block Kit length
// limit is respected by truncating on a UTF-8 boundary with "…".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/lead.h"

namespace leadrouter::slack {

// Block Kit limits (slack-protocol.md §6.1). Slack rejects the whole message
// with invalid_blocks when any one is exceeded.
inline constexpr std::size_t kMaxBlocks = 50;
inline constexpr std::size_t kMaxHeaderChars = 150;
inline constexpr std::size_t kMaxSectionChars = 3000;
inline constexpr std::size_t kMaxFields = 10;
inline constexpr std::size_t kMaxFieldChars = 2000;
inline constexpr std::size_t kMaxButtonTextChars = 75;
inline constexpr std::size_t kMaxButtonValueChars = 2000;
inline constexpr std::size_t kMaxContextElements = 10;
// Slack truncates `text` beyond 40,000; we stay far below so the
// notification preview is short.
inline constexpr std::size_t kMaxFallbackChars = 3000;

// Our own display limits, chosen so a card fits on a phone screen.
inline constexpr std::size_t kMaxNotesChars = 700;   // notes as shown
inline constexpr std::size_t kMaxReasonsShown = 10;  // then "and N more"
inline constexpr std::size_t kMaxValueChars = 300;   // one field's value

// Action ids the handlers dispatch on; part of the contract with bot/.
inline constexpr std::string_view kClaimActionId = "claim_lead";
inline constexpr std::string_view kMarkContactedActionId = "mark_contacted";
inline constexpr std::string_view kDlqReplayActionId = "dlq_replay";
inline constexpr std::string_view kDlqDropActionId = "dlq_drop";
inline constexpr std::string_view kDlqEmailReplayActionId = "dlq_email_replay";

// Dead letters one /leads dlq answer lists: a header, then a section and
// an actions block per job, then a context line stays well inside
// kMaxBlocks.
inline constexpr std::size_t kMaxDeadLettersShown = 20;
// Of those, at most this many dead-lettered e-mails (they come first: a
// lead is waiting in each).
inline constexpr std::size_t kMaxDeadEmailsShown = 5;
// One job's last error as shown; an HTML error page must not fill a screen.
inline constexpr std::size_t kMaxDeadErrorChars = 300;

// What a lead card shows. `owner_slack_id` and `claim_latency` are set once
// the lead is owned; `routing_reason` is the pipeline's explanation
// ("round-robin turn 14, skipped Ana: paused"). With `hide_identity` the
// shark-tank posts leave out the lead's name and source (agents claim on
// the facts, not on who or where from); the owner's DM always shows them.
struct LeadView {
  int64_t lead_id = 0;
  pipeline::ProcessedLead lead;
  std::chrono::system_clock::time_point received_at;
  std::optional<std::string> owner_slack_id;
  std::optional<std::chrono::seconds> claim_latency;
  std::string routing_reason;
  bool hide_identity = false;
  // Replaces "Claimed by <@U…> in 37 s" on the claimed post when the lead
  // was owned some other way (the rotation after a timeout, a manager, the
  // CRM). Our own mrkdwn; REQUIRES: user-supplied parts escaped.
  std::string status_line;
  // What enrichment found, one line ("listed 3 days ago · 4 bd / 3 ba ·
  // 2,150 sq ft · 8 % under the 02139 median"); "" shows nothing.
  std::string enrichment_line;
};

// The shark-tank post: header (name and segment), the facts before dialing,
// why it scored hot, how long ago it arrived, and a primary "Claim" button
// (action_id "claim_lead", value = lead id in decimal, block_id
// "lead_<id>_actions"). "Arrived … ago" is a Slack date token, so clients
// keep it current; its fallback text ("arrived 2 min ago") uses `now`.
nlohmann::json SharkTankPost(const LeadView& view,
                             std::chrono::system_clock::time_point now);

// The same post after the claim, for chat.update: same facts, no button,
// "Claimed by <@U…> in 37 s". Without an owner it says "Claimed". Honours
// `hide_identity` as given: pass false to reveal the lead once it is owned.
nlohmann::json ClaimedPost(const LeadView& view,
                           std::chrono::system_clock::time_point now);

// The owner's DM: the full card (name and source always shown), the routing
// reason and a "Mark contacted" button (action_id "mark_contacted", value =
// lead id, block_id "lead_<id>_dm_actions").
nlohmann::json LeadCardDm(const LeadView& view,
                          std::chrono::system_clock::time_point now);

// A thread reply on a lead's post (timeout fallback, CRM override,
// reassignment). `mrkdwn` is our own wording and may contain Mention()s;
// REQUIRES: any user-supplied part of it was passed through EscapeMrkdwn.
nlohmann::json ThreadNote(std::string_view mrkdwn);

// An ops-channel alert. Both strings are escaped here, because details
// often quote outside input (an e-mail subject, an error body).
nlohmann::json OpsAlert(std::string_view title, std::string_view detail);

// An ephemeral reply or slash-command answer. Same REQUIRES as ThreadNote.
nlohmann::json Ephemeral(std::string_view mrkdwn);

// What the dead-letter list shows of one dead job. `kind` and `last_error`
// are escaped here (an error often quotes a remote answer).
struct DeadLetterView {
  int64_t job_id = 0;
  std::string kind;
  std::optional<int64_t> lead_id;
  int attempts = 0;
  std::string last_error;
  std::chrono::system_clock::time_point died_at;
};

// What the dead-letter list shows of one e-mail that did not read as a
// lead. `source` and `why` are escaped here (they quote the message).
struct DeadEmailView {
  int64_t email_id = 0;
  std::string source;
  std::string why;
  int attempts = 0;
  std::chrono::system_clock::time_point received_at;
};

// The /leads dlq answer: a header with the total; first the dead-lettered
// e-mails (newest first, as given, at most kMaxDeadEmailsShown), each a
// section "E-mail #id · source / received <date> · parsed n times / why"
// and an actions block (block_id "dlq_email_<id>_actions") with "Replay"
// (action_id "dlq_email_replay", valued with the e-mail id); then per job
// (newest first, as given) a section "#id kind · lead #n / attempts · died
// <date> / error" and an actions block (block_id "dlq_<id>_actions") with
// "Replay" (action_id "dlq_replay") and "Drop" (action_id "dlq_drop", with a
// confirmation dialog), both valued with the job id in decimal. At most
// kMaxDeadLettersShown in all; when the totals are larger a context line
// counts the rest. Nothing dead gives a one-line "no dead letters" message.
nlohmann::json DeadLetterList(const std::vector<DeadLetterView>& jobs,
                              int64_t total,
                              const std::vector<DeadEmailView>& emails = {},
                              int64_t email_total = 0);

// "(212) 555-0199" for a NANP number in E.164 ("+12125550199"); other
// numbers are returned as given.
std::string FormatPhone(std::string_view e164);

// "$1,250,000" (whole dollars, rounded).
std::string FormatMoney(double amount);

}  // namespace leadrouter::slack
