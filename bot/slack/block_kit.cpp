#include "bot/slack/block_kit.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "bot/slack/mrkdwn.h"

namespace leadrouter::slack {
namespace {

using nlohmann::json;
using std::chrono::duration_cast;
using std::chrono::seconds;
using std::chrono::system_clock;

enum class Card { kSharkTank, kClaimed, kDm };

// verbatim: Slack would otherwise auto-link URLs and channel names in text
// a lead typed; the links we want are written explicitly as <url|label>.
json Mrkdwn(std::string_view text, std::size_t max_chars) {
  return {{"type", "mrkdwn"},
          {"text", Truncate(text, max_chars)},
          {"verbatim", true}};
}

json PlainText(std::string_view text, std::size_t max_chars) {
  return {{"type", "plain_text"},
          {"text", Truncate(text, max_chars)},
          {"emoji", true}};
}

json Section(std::string_view mrkdwn) {
  return {{"type", "section"}, {"text", Mrkdwn(mrkdwn, kMaxSectionChars)}};
}

json Button(std::string_view label, std::string_view action_id,
            std::string_view value, bool primary) {
  json button = {{"type", "button"},
                 {"text", PlainText(label, kMaxButtonTextChars)},
                 {"action_id", action_id},
                 {"value", Truncate(value, kMaxButtonValueChars)}};
  if (primary) button["style"] = "primary";
  return button;
}

std::string SegmentLabel(pipeline::Segment segment) {
  switch (segment) {
    case pipeline::Segment::kHotBuyer:
      return "Hot buyer";
    case pipeline::Segment::kWarmBuyer:
      return "Warm buyer";
    case pipeline::Segment::kNurtureLongterm:
      return "Long-term nurture";
    case pipeline::Segment::kLowQuality:
      return "Low quality";
  }
  return "Lead";
}

// What the card calls the lead: a support request is no buyer at all,
// whatever its score made of it.
std::string CardLabel(const pipeline::ProcessedLead& lead) {
  if (lead.intent == pipeline::Intent::kSupportRequest) return "Support request";
  return SegmentLabel(lead.segment);
}

std::string LeadNumber(int64_t lead_id) {
  return "Lead #" + std::to_string(lead_id);
}

// The name as the card shows it, already escaped; falls back to the lead
// number when hidden or absent.
std::string DisplayName(const LeadView& view, bool show_identity) {
  const std::string& full = view.lead.name.full;
  if (!show_identity || full.empty()) return LeadNumber(view.lead_id);
  return EscapeMrkdwn(full);
}

// A value safe to put inside <mailto:…|…>: no character that could end the
// link, split its label or start an entity.
bool SafeForLink(std::string_view value) {
  if (value.empty()) return false;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || c == '<' || c == '>' || c == '|' || c == '&') {
      return false;
    }
  }
  return true;
}

bool IsE164(std::string_view e164) {
  if (e164.size() < 8 || e164.size() > 16 || e164[0] != '+') return false;
  for (std::size_t i = 1; i < e164.size(); ++i) {
    if (e164[i] < '0' || e164[i] > '9') return false;
  }
  return true;
}

std::string PhoneValue(const pipeline::PhoneNumber& phone) {
  if (phone.valid && IsE164(phone.e164)) {
    return "<tel:" + phone.e164 + "|" + FormatPhone(phone.e164) + ">";
  }
  const std::string& shown = phone.e164.empty() ? phone.raw : phone.e164;
  if (shown.empty()) return "";
  return EscapeAndTruncate(shown, kMaxValueChars) + " (unverified)";
}

std::string EmailValue(const pipeline::ProcessedLead& lead) {
  if (lead.email.empty()) return "";
  if (lead.email_valid && SafeForLink(lead.email) &&
      lead.email.size() <= kMaxValueChars) {
    return "<mailto:" + lead.email + "|" + lead.email + ">";
  }
  return EscapeAndTruncate(lead.email, kMaxValueChars);
}

std::string PropertyValue(const pipeline::Property& property) {
  std::string out;
  if (!property.address.empty()) {
    out = EscapeAndTruncate(property.address, kMaxValueChars);
  }
  if (!property.mls_id.empty()) {
    if (!out.empty()) out += "\n";
    out += "MLS " + EscapeAndTruncate(property.mls_id, 64);
  }
  if (property.days_on_market && !out.empty()) {
    const int days = *property.days_on_market;
    out += "\n" + std::to_string(days) + (days == 1 ? " day" : " days") +
           " on market";
  }
  return out;
}

void AddField(std::vector<std::string>& fields, std::string_view label,
              const std::string& value) {
  if (value.empty() || fields.size() >= kMaxFields) return;
  fields.push_back(
      Truncate("*" + std::string(label) + "*\n" + value, kMaxFieldChars));
}

json FactsBlock(const LeadView& view, bool show_identity) {
  const pipeline::ProcessedLead& lead = view.lead;
  std::vector<std::string> fields;
  AddField(fields, "Phone", PhoneValue(lead.phone));
  AddField(fields, "E-mail", EmailValue(lead));
  AddField(fields, "Property", PropertyValue(lead.property));
  if (lead.property.price) {
    AddField(fields, "Price", FormatMoney(*lead.property.price));
  }
  if (lead.budget) AddField(fields, "Budget", FormatMoney(*lead.budget));
  if (show_identity && !lead.source.empty() && lead.source != "unknown") {
    AddField(fields, "Source", EscapeAndTruncate(lead.source, kMaxValueChars));
  }
  AddField(fields, "Score", std::to_string(lead.score));

  json out = json::array();
  for (const std::string& field : fields) {
    out.push_back({{"type", "mrkdwn"}, {"text", field}, {"verbatim", true}});
  }
  return {{"type", "section"}, {"fields", std::move(out)}};
}

std::string ReasonsText(const pipeline::ProcessedLead& lead) {
  std::string out = "*Why it scored " + std::to_string(lead.score) + "*";
  const std::size_t shown = lead.score_reasons.size() < kMaxReasonsShown
                                ? lead.score_reasons.size()
                                : kMaxReasonsShown;
  for (std::size_t i = 0; i < shown; ++i) {
    const pipeline::Reason& reason = lead.score_reasons[i];
    out += "\n• ";
    if (reason.points > 0) out += "+";
    if (reason.points != 0) out += std::to_string(reason.points) + " ";
    out += EscapeAndTruncate(
        reason.detail.empty() ? reason.rule : reason.detail, 200);
  }
  if (lead.score_reasons.size() > shown) {
    out +=
        "\n…and " + std::to_string(lead.score_reasons.size() - shown) + " more";
  }
  return out;
}

// Slack's date token keeps "arrived … ago" true while the post sits in the
// channel; the fallback after '|' is what older clients and notifications
// show, computed from `now`.
std::string ArrivedText(const LeadView& view, system_clock::time_point now) {
  const auto elapsed = duration_cast<seconds>(now - view.received_at);
  const std::string fallback =
      elapsed.count() <= 0 ? "arrived just now"
                           : "arrived " + FormatElapsed(elapsed) + " ago";
  const auto epoch =
      duration_cast<seconds>(view.received_at.time_since_epoch()).count();
  if (epoch <= 0) return fallback;
  return "<!date^" + std::to_string(epoch) + "^arrived {ago}|" + fallback + ">";
}

std::string ClaimedText(const LeadView& view) {
  if (!view.status_line.empty()) return view.status_line;
  std::string out = "Claimed";
  if (view.owner_slack_id) out += " by " + Mention(*view.owner_slack_id);
  if (view.claim_latency) out += " in " + FormatElapsed(*view.claim_latency);
  return out;
}

// Keeps a message valid if a future layout grows past the block limit:
// drops blocks from the middle so the header and the final actions or
// context block stay.
void CapBlocks(json& blocks) {
  while (blocks.size() > kMaxBlocks) {
    blocks.erase(blocks.size() - 2);
  }
}

json BuildCard(const LeadView& view, system_clock::time_point now, Card card) {
  const pipeline::ProcessedLead& lead = view.lead;
  const bool show_identity = card == Card::kDm || !view.hide_identity;
  const std::string id = std::to_string(view.lead_id);
  const std::string segment = CardLabel(lead);
  const std::string name = DisplayName(view, show_identity);

  json blocks = json::array();

  // Header: the segment must survive truncation of a very long name. The
  // fire marks a hot lead up for claiming; the same card in triage can
  // carry a lead that is anything but hot.
  const bool hot = lead.segment == pipeline::Segment::kHotBuyer;
  const std::string prefix = card == Card::kSharkTank && hot ? "🔥 " : "";
  const std::string suffix = " · " + segment;
  const std::size_t room =
      kMaxHeaderChars - CountChars(prefix) - CountChars(suffix);
  blocks.push_back({{"type", "header"},
                    {"text", PlainText(prefix + Truncate(name, room) + suffix,
                                       kMaxHeaderChars)}});

  if (card == Card::kClaimed) {
    blocks.push_back(Section("✅ " + ClaimedText(view)));
  }
  blocks.push_back(FactsBlock(view, show_identity));
  if (!view.enrichment_line.empty()) {
    blocks.push_back(
        {{"type", "context"},
         {"elements", json::array({Mrkdwn(
                          EscapeAndTruncate(view.enrichment_line, kMaxValueChars),
                          kMaxSectionChars)})}});
  }
  if (!lead.message.empty()) {
    blocks.push_back(
        Section("*Notes*\n" + EscapeAndTruncate(lead.message, kMaxNotesChars)));
  }
  if (!lead.score_reasons.empty()) blocks.push_back(Section(ReasonsText(lead)));
  if (card == Card::kDm && !view.routing_reason.empty()) {
    blocks.push_back(
        Section("*Why you*\n" + EscapeAndTruncate(view.routing_reason, 1000)));
  }

  json context = json::array();
  context.push_back(Mrkdwn(LeadNumber(view.lead_id), kMaxSectionChars));
  context.push_back(Mrkdwn(ArrivedText(view, now), kMaxSectionChars));
  blocks.push_back({{"type", "context"}, {"elements", std::move(context)}});

  if (card == Card::kSharkTank) {
    blocks.push_back(
        {{"type", "actions"},
         {"block_id", "lead_" + id + "_actions"},
         {"elements", json::array({Button("Claim", kClaimActionId, id,
                                          /*primary=*/true)})}});
  } else if (card == Card::kDm) {
    blocks.push_back(
        {{"type", "actions"},
         {"block_id", "lead_" + id + "_dm_actions"},
         {"elements",
          json::array({Button("Mark contacted", kMarkContactedActionId, id,
                              /*primary=*/true)})}});
  }
  CapBlocks(blocks);

  std::string text;
  switch (card) {
    case Card::kSharkTank:
      text = "New lead: " + name + " (" + segment + ")";
      break;
    case Card::kClaimed:
      text = name + " (" + segment + "): " + ClaimedText(view);
      break;
    case Card::kDm:
      text = "Your lead: " + name + " (" + segment + ")";
      break;
  }
  return {{"text", Truncate(text, kMaxFallbackChars)},
          {"blocks", std::move(blocks)}};
}

json SimpleMessage(std::string_view mrkdwn) {
  return {{"text", Truncate(mrkdwn, kMaxFallbackChars)},
          {"blocks", json::array({Section(mrkdwn)})}};
}

// "2026-12-01 18:57 UTC": the fallback of a Slack date token.
std::string UtcMinute(system_clock::time_point t) {
  const time_t secs = system_clock::to_time_t(t);
  tm parts{};
  gmtime_r(&secs, &parts);
  char buffer[32];
  const std::size_t n =
      strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &parts);
  return std::string(buffer, n);
}

// Slack shows the date in the reader's own time zone; the fallback is UTC.
std::string DateToken(system_clock::time_point t) {
  const auto epoch = duration_cast<seconds>(t.time_since_epoch()).count();
  const std::string fallback = UtcMinute(t);
  if (epoch <= 0) return fallback;
  return "<!date^" + std::to_string(epoch) +
         "^{date_short_pretty} {time}|" + fallback + ">";
}

json DeadLetterSection(const DeadLetterView& job) {
  std::string text = "*#" + std::to_string(job.job_id) + "* `" +
                     EscapeAndTruncate(job.kind, 100) + "`";
  if (job.lead_id) text += " · lead #" + std::to_string(*job.lead_id);
  text += "\n" + std::to_string(job.attempts) +
          (job.attempts == 1 ? " attempt" : " attempts") + " · died " +
          DateToken(job.died_at);
  const std::string error =
      job.last_error.empty() ? "(no error recorded)" : job.last_error;
  text += "\n" + EscapeAndTruncate(error, kMaxDeadErrorChars);
  return Section(text);
}

json DropConfirm(int64_t job_id) {
  return {{"title", PlainText("Drop this job?", 100)},
          {"text", Mrkdwn("Job #" + std::to_string(job_id) +
                              " will never run. This cannot be undone.",
                          300)},
          {"confirm", PlainText("Drop", 30)},
          {"deny", PlainText("Keep", 30)},
          {"style", "danger"}};
}

json DeadLetterActions(int64_t job_id) {
  const std::string id = std::to_string(job_id);
  json drop = Button("Drop", kDlqDropActionId, id, /*primary=*/false);
  drop["style"] = "danger";
  drop["confirm"] = DropConfirm(job_id);
  return {{"type", "actions"},
          {"block_id", "dlq_" + id + "_actions"},
          {"elements", json::array({Button("Replay", kDlqReplayActionId, id,
                                           /*primary=*/true),
                                    std::move(drop)})}};
}

json DeadEmailSection(const DeadEmailView& email) {
  std::string text = "*E-mail #" + std::to_string(email.email_id) + "*";
  if (!email.source.empty()) text += " · " + EscapeAndTruncate(email.source, 100);
  text += "\nreceived " + DateToken(email.received_at) + " · parsed " +
          std::to_string(email.attempts) + (email.attempts == 1 ? " time" : " times");
  const std::string why = email.why.empty() ? "(no reason recorded)" : email.why;
  text += "\n" + EscapeAndTruncate(why, kMaxDeadErrorChars);
  return Section(text);
}

json DeadEmailActions(int64_t email_id) {
  const std::string id = std::to_string(email_id);
  return {{"type", "actions"},
          {"block_id", "dlq_email_" + id + "_actions"},
          {"elements", json::array({Button("Replay", kDlqEmailReplayActionId, id,
                                           /*primary=*/true)})}};
}

}  // namespace

json SharkTankPost(const LeadView& view, system_clock::time_point now) {
  return BuildCard(view, now, Card::kSharkTank);
}

json ClaimedPost(const LeadView& view, system_clock::time_point now) {
  return BuildCard(view, now, Card::kClaimed);
}

json LeadCardDm(const LeadView& view, system_clock::time_point now) {
  return BuildCard(view, now, Card::kDm);
}

json ThreadNote(std::string_view mrkdwn) { return SimpleMessage(mrkdwn); }

json Ephemeral(std::string_view mrkdwn) { return SimpleMessage(mrkdwn); }

json OpsAlert(std::string_view title, std::string_view detail) {
  const std::string safe_title = EscapeAndTruncate(title, 200);
  const std::string safe_detail = EscapeMrkdwn(detail);
  json blocks = json::array({Section(":rotating_light: *" + safe_title + "*")});
  if (!detail.empty()) blocks.push_back(Section(safe_detail));
  std::string text = ":rotating_light: " + safe_title;
  if (!detail.empty()) text += ": " + safe_detail;
  return {{"text", Truncate(text, kMaxFallbackChars)},
          {"blocks", std::move(blocks)}};
}

json DeadLetterList(const std::vector<DeadLetterView>& jobs, int64_t total,
                    const std::vector<DeadEmailView>& emails, int64_t email_total) {
  total = std::max<int64_t>(total, 0);
  email_total = std::max<int64_t>(email_total, 0);
  if ((jobs.empty() || total == 0) && (emails.empty() || email_total == 0)) {
    return SimpleMessage("No dead letters: every job has run or is still "
                         "being retried.");
  }
  const int64_t all = total + email_total;
  const std::string count =
      std::to_string(all) + (all == 1 ? " dead letter" : " dead letters");
  json blocks = json::array();
  blocks.push_back(
      {{"type", "header"}, {"text", PlainText("☠️ " + count, kMaxHeaderChars)}});
  const std::size_t emails_shown = std::min(emails.size(), kMaxDeadEmailsShown);
  for (std::size_t i = 0; i < emails_shown; ++i) {
    blocks.push_back(DeadEmailSection(emails[i]));
    blocks.push_back(DeadEmailActions(emails[i].email_id));
  }
  const std::size_t shown =
      std::min(jobs.size(), kMaxDeadLettersShown - emails_shown);
  for (std::size_t i = 0; i < shown; ++i) {
    blocks.push_back(DeadLetterSection(jobs[i]));
    blocks.push_back(DeadLetterActions(jobs[i].job_id));
  }
  const int64_t rest = all - static_cast<int64_t>(shown + emails_shown);
  std::string footer = "Newest first. Replay runs a job again at once; Drop "
                       "gives up on it.";
  if (emails_shown > 0) {
    footer += " Replay on an e-mail reads it again with today's rules.";
  }
  if (rest > 0) {
    footer = "…and " + std::to_string(rest) + " older (" +
             "`leadrouter dlq list` shows them all). " + footer;
  }
  blocks.push_back({{"type", "context"},
                    {"elements", json::array({Mrkdwn(footer, 3000)})}});
  CapBlocks(blocks);
  return {{"text", Truncate(count + " (newest first)", kMaxFallbackChars)},
          {"blocks", std::move(blocks)}};
}

std::string FormatPhone(std::string_view e164) {
  if (e164.size() == 12 && e164.substr(0, 2) == "+1") {
    const std::string_view d = e164.substr(2);
    std::string out = "(";
    out.append(d.substr(0, 3));
    out += ") ";
    out.append(d.substr(3, 3));
    out += "-";
    out.append(d.substr(6, 4));
    return out;
  }
  return std::string(e164);
}

std::string FormatMoney(double amount) {
  if (!std::isfinite(amount) || std::fabs(amount) > 1e15) return "n/a";
  const long long whole = std::llround(amount);
  const std::string digits = std::to_string(std::llabs(whole));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (whole < 0 ? "-$" : "$") + out;
}

}  // namespace leadrouter::slack
