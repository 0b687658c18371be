#include "bot/interactions/slash_leads.h"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/interactions/dlq_actions.h"
#include "bot/interactions/mention.h"
#include "bot/routing/outbox_plan.h"
#include "bot/follow_up/sequence_enrollment.h"
#include "bot/sla/sla_clock.h"
#include "bot/interactions/route_commands.h"
#include "bot/routing/assign_owner.h"
#include "bot/slack/mrkdwn.h"
#include "bot/runtime/time_zone.h"
#include "pipeline/lead.h"
#include "storage/agent_store.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_stats.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

// How much of a user's own input is echoed back in an error.
constexpr std::size_t kEchoChars = 40;
// A timeline value longer than this is cut: a pasted e-mail thread must not
// swamp the answer.
constexpr std::size_t kValueChars = 200;
// Timelines longer than this show only their newest events; Slack refuses
// messages much above 40,000 characters.
constexpr std::size_t kMaxEventsShown = 50;
// Waiting lead ids listed by the summary.
constexpr std::size_t kWaitingIdsShown = 10;

constexpr char kUsage[] =
    "*Usage*\n"
    "• `/leads`: today's leads by segment, time to claim, who is waiting, "
    "leads and time to first contact per agent\n"
    "• `/leads show ID`: a lead's timeline\n"
    "• `/leads reassign ID @agent`: give a lead to another agent (managers)\n"
    "• `/leads why ID`: the routes tried for a lead, then and now\n"
    "• `/leads dlq`: dead jobs, with Replay and Drop buttons (managers)";

SlashReply Reply(std::string text) {
  return SlashReply{std::move(text), false};
}

SlashReply Usage(const std::string& problem) {
  return Reply(problem + "\n" + kUsage);
}

std::string Echo(std::string_view text) {
  return "“" + slack::EscapeAndTruncate(text, kEchoChars) + "”";
}

std::vector<std::string_view> SplitArgs(std::string_view text) {
  std::vector<std::string_view> args;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
    std::size_t start = i;
    while (i < text.size() &&
           !std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
    if (i > start) args.push_back(text.substr(start, i - start));
  }
  return args;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "42" or "#42" (the id as cards show it); nullopt for anything else.
std::optional<int64_t> ParseLeadId(std::string_view text) {
  if (!text.empty() && text.front() == '#') text.remove_prefix(1);
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      id <= 0) {
    return std::nullopt;
  }
  return id;
}

std::string SegmentLabel(const std::string& segment) {
  if (segment == "HOT_BUYER") return "hot";
  if (segment == "WARM_BUYER") return "warm";
  if (segment == "NURTURE_LONGTERM") return "nurture";
  if (segment == "LOW_QUALITY") return "low quality";
  return slack::EscapeMrkdwn(segment);
}

std::string FormatMillis(std::chrono::milliseconds ms) {
  if (ms < std::chrono::seconds(1)) {
    return std::to_string(std::max<int64_t>(0, ms.count())) + " ms";
  }
  return slack::FormatElapsed(
      std::chrono::duration_cast<std::chrono::seconds>(ms));
}

// strftime of `t` in UTC.
std::string FormatUtc(SystemTime t, const char* format) {
  time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(t));
  tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[64];
  std::size_t n = strftime(buffer, sizeof buffer, format, &parts);
  return std::string(buffer, n);
}

std::string IdList(const std::vector<int64_t>& ids, int64_t total) {
  if (ids.empty()) return "";
  std::string out = " (";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ", ";
    out += "#" + std::to_string(ids[i]);
  }
  if (total > static_cast<int64_t>(ids.size())) out += ", …";
  return out + ")";
}

SlashReply Summary(storage::Database& db, SystemTime now,
                   const Config& config) {
  // "Today" is the team's calendar day, the same day the rotation's caps
  // count in; a day is 23 to 25 hours long across DST changes.
  const LocalTime local = ToLocal(now, config.rotation.timezone);
  SystemTime from = FromLocal(local.date, 0, local.zone).value_or(now);
  const LocalTime tomorrow = ToLocal(from + std::chrono::hours(26), local.zone);
  SystemTime to = FromLocal(tomorrow.date, 0, local.zone)
                      .value_or(from + std::chrono::days(1));
  storage::LeadStats s =
      storage::QueryLeadStats(db.db(), from, to, kWaitingIdsShown);

  std::string out = "*Leads today* (" + local.date + ", " +
                    slack::EscapeMrkdwn(local.zone) +
                    ")\nReceived: " + std::to_string(s.received) + " (";
  for (std::size_t i = 0; i < s.by_segment.size(); ++i) {
    if (i > 0) out += " · ";
    out += SegmentLabel(s.by_segment[i].segment) + " " +
           std::to_string(s.by_segment[i].leads);
  }
  out += ")";
  if (s.spam > 0) out += ", spam " + std::to_string(s.spam);

  out += "\nTime to claim: ";
  if (s.claim_median && s.claim_p90) {
    out += "median " + FormatMillis(*s.claim_median) + ", p90 " +
           FormatMillis(*s.claim_p90) + " over " + std::to_string(s.owned) +
           (s.owned == 1 ? " lead" : " leads") + " owned today";
  } else {
    out += "no lead owned yet today";
  }

  out += "\nWaiting now: " + std::to_string(s.unclaimed_hot) +
         " hot unclaimed" + IdList(s.unclaimed_hot_ids, s.unclaimed_hot) +
         ", " + std::to_string(s.unassigned) + " unassigned" +
         IdList(s.unassigned_ids, s.unassigned);

  out += "\nPer agent: ";
  if (s.per_agent.empty()) out += "no agents";
  for (std::size_t i = 0; i < s.per_agent.size(); ++i) {
    if (i > 0) out += " · ";
    out += slack::Mention(s.per_agent[i].slack_id) + " " +
           std::to_string(s.per_agent[i].leads);
  }

  // Time from getting a lead to the first human contact (Mark contacted or
  // the CRM), per agent; automated messages never count as contact.
  out += "\nTime to first contact: ";
  bool any_contact = false;
  for (const storage::AgentLeadCount& a : s.per_agent) {
    if (!a.contact_median || !a.contact_p90) continue;
    out += any_contact ? " · " : "";
    any_contact = true;
    out += slack::Mention(a.slack_id) + " median " +
           FormatMillis(*a.contact_median) + ", p90 " +
           FormatMillis(*a.contact_p90) + " (" + std::to_string(a.contacted) +
           ")";
  }
  if (!any_contact) out += "no first contact recorded yet today";
  return Reply(out);
}

// Timeline detail keys that hold a Slack user id written by our own code.
// Only these become mentions: any other string may carry a lead's words,
// and a lead must never be able to ping someone.
bool IsUserIdKey(std::string_view key) {
  static constexpr std::string_view kKeys[] = {
      "agent", "assignee", "by",   "claimed_by", "from",
      "owner", "to",       "user", "winner"};
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

// JSON as text, escaped and cut; a user id under a user-id key becomes a
// mention (slack::Mention escapes anything that is not an id).
std::string ValueText(const nlohmann::json& v, bool user_id = false) {
  if (v.is_string()) {
    std::string text = v.get<std::string>();
    if (user_id && LooksLikeUserId(text)) return slack::Mention(text);
    return slack::EscapeAndTruncate(text, kValueChars);
  }
  if (v.is_array()) {
    std::string out;
    for (const nlohmann::json& item : v) {
      if (!item.is_primitive()) continue;
      if (!out.empty()) out += ", ";
      out += ValueText(item);
    }
    return out;
  }
  if (v.is_null()) return "none";
  if (v.is_primitive()) return slack::EscapeAndTruncate(v.dump(), kValueChars);
  return "…";
}

// A stored string as text, escaped and cut; as a mention when it is a user id
// our own code wrote (see IsUserIdKey).
std::string Text(const std::string& s) { return ValueText(s); }
std::string UserText(const std::string& id) { return ValueText(id, true); }

// "key value, …" of every field, for the kinds nothing reads field by field.
std::string FieldList(const nlohmann::json& d) {
  std::string out;
  if (d.is_object()) {
    for (auto it = d.begin(); it != d.end(); ++it) {
      if (!out.empty()) out += ", ";
      out += slack::EscapeMrkdwn(it.key()) + " " +
             ValueText(it.value(), IsUserIdKey(it.key()));
    }
  }
  return out;
}

// One line per event kind read field by field (storage/timeline_events);
// any other kind lists its fields, so a new event is readable before anyone
// writes a line for it.
std::string EventText(const storage::TimelineEvent& e, bool hide_identity) {
  using storage::DecodeEvent;
  using storage::EventKind;
  const nlohmann::json& d = e.detail;
  const std::optional<EventKind> kind = storage::EventKindFromString(e.kind);
  if (!kind) return FieldList(d);
  switch (*kind) {
    case EventKind::kReceived: {
      const auto r = DecodeEvent<storage::ReceivedEvent>(d);
      std::string out = hide_identity ? "" : Text(r.source) + ", ";
      out += "score " + std::to_string(r.score) + ", " + SegmentLabel(r.segment);
      if (r.status == "spam") out += ", spam";
      if (r.honeypot) out += " (honeypot)";
      return out;
    }
    case EventKind::kDuplicate: {
      // The matched key carries the contact itself: say only which kind.
      const auto r = DecodeEvent<storage::DuplicateEvent>(d);
      const std::string& key = r.matched_key;
      std::string out = "repeat " + std::to_string(r.repeat_count) +
                        ", matched by " +
                        slack::EscapeMrkdwn(key.substr(0, key.find(':')));
      if (!hide_identity) out += ", from " + Text(r.source);
      return out;
    }
    case EventKind::kRouted: {
      const auto r = DecodeEvent<storage::RoutedEvent>(d);
      return Text(r.route) + ": " + Text(r.reason);
    }
    case EventKind::kSlaReminder: {
      const auto r = DecodeEvent<storage::SlaReminderEvent>(d);
      return "reminded " + UserText(r.agent) + " after " +
             slack::FormatElapsed(std::chrono::seconds(r.waited_s));
    }
    case EventKind::kSlaEscalated: {
      const auto r = DecodeEvent<storage::SlaEscalatedEvent>(d);
      std::string out = "no contact by " + UserText(r.agent) + " after " +
                        slack::FormatElapsed(std::chrono::seconds(r.waited_s));
      const std::string to = r.reassigned_to.value_or("");
      return out + (LooksLikeUserId(to) ? ", reassigned to " + slack::Mention(to)
                                        : ", kept by its owner");
    }
    case EventKind::kReassigned: {
      const auto r = DecodeEvent<storage::ReassignedEvent>(d);
      return "to " + UserText(r.to) + " (was " +
             (r.from ? UserText(*r.from) : std::string("none")) + ") by " +
             UserText(r.by);
    }
    case EventKind::kSmsReply:
      // The person's own words identify them as much as their name does.
      return hide_identity
                 ? "a text from the lead"
                 : "text: " + Text(DecodeEvent<storage::SmsReplyEvent>(d).text);
    case EventKind::kSequenceEnrolled: {
      const auto r = DecodeEvent<storage::SequenceEnrolledEvent>(d);
      return SegmentLabel(r.segment) + ", " + std::to_string(r.steps) + " steps";
    }
    case EventKind::kSequenceStepSent: {
      const auto r = DecodeEvent<storage::SequenceStepSentEvent>(d);
      return "step " + std::to_string(r.step) + " by " + Text(r.channel);
    }
    case EventKind::kSequenceStepSkipped: {
      const auto r = DecodeEvent<storage::SequenceStepSkippedEvent>(d);
      return "step " + std::to_string(r.step) + " by " + Text(r.channel) + ": " +
             Text(r.reason);
    }
    case EventKind::kSequenceChannelStopped: {
      const auto r = DecodeEvent<storage::SequenceChannelStoppedEvent>(d);
      return Text(r.channel) + " stopped for this lead: " + Text(r.detail);
    }
    default:
      break;
  }
  return FieldList(d);
}

SlashReply Show(storage::Database& db, const SlashCommand& cmd,
                const std::vector<std::string_view>& args,
                const Config& config) {
  if (args.size() != 2) {
    return Usage("`show` takes one lead id, like `/leads show 42`.");
  }
  std::optional<int64_t> id = ParseLeadId(args[1]);
  if (!id) return Usage(Echo(args[1]) + " is not a lead id.");
  std::optional<storage::StoredLead> lead =
      storage::LeadStore(db.db()).Get(*id);
  if (!lead) return Reply("There is no lead #" + std::to_string(*id) + ".");

  // The shark tank may hide who and where from until a claim, so nobody
  // cherry-picks; /leads show must not be the way around that.
  bool hide_identity = config.slack.hide_identity_until_claimed &&
                       !lead->owner_slack_id && !cmd.is_manager;

  std::string out = "*Lead #" + std::to_string(lead->id) + "*";
  if (!hide_identity && !lead->name.empty()) {
    out += ": " + slack::EscapeAndTruncate(lead->name, kValueChars);
  }
  out += " · " + SegmentLabel(lead->segment) + " · score " +
         std::to_string(lead->score);
  if (lead->status == storage::LeadStatus::kSpam) out += " · spam";
  out += " · " + (lead->owner_slack_id
                      ? "owner " + slack::Mention(*lead->owner_slack_id)
                      : std::string("no owner"));
  if (lead->taken_over_at) out += " · taken over in the CRM";
  if (hide_identity)
    out += "\n_Name and source are hidden until it is claimed._";

  std::vector<storage::TimelineEvent> events =
      storage::Timeline(db.db()).List(lead->id);
  std::size_t first = 0;
  if (events.size() > kMaxEventsShown) {
    first = events.size() - kMaxEventsShown;
    out += "\n_" + std::to_string(first) + " earlier events not shown._";
  }
  std::string day;
  for (std::size_t i = first; i < events.size(); ++i) {
    const storage::TimelineEvent& e = events[i];
    // The date only when it changes: most timelines fit in one day.
    std::string event_day = FormatUtc(e.at, "%Y-%m-%d");
    std::string when = FormatUtc(e.at, "%H:%M:%S");
    if (event_day != day) {
      when = event_day + " " + when + " UTC";
      day = event_day;
    }
    std::string text = EventText(e, hide_identity);
    out += "\n• " + when + " *" + slack::EscapeMrkdwn(e.kind) + "*" +
           (text.empty() ? "" : " " + text);
  }
  return Reply(out);
}

SlashReply Reassign(storage::Database& db, const SlashCommand& cmd,
                    const std::vector<std::string_view>& args, SystemTime now,
                    const Config& config) {
  if (!cmd.is_manager) {
    return Reply(
        "Only managers can reassign leads. Ask one of them, or see "
        "`/leads show ID` for who owns it.");
  }
  if (args.size() != 3) {
    return Usage(
        "`reassign` takes a lead id and an agent, like "
        "`/leads reassign 42 @ana`.");
  }
  std::optional<int64_t> id = ParseLeadId(args[1]);
  if (!id) return Usage(Echo(args[1]) + " is not a lead id.");
  std::optional<std::string> agent = ParseUserMention(args[2]);
  if (!agent) {
    return Usage(Echo(args[2]) +
                 " is not a person: pick the agent from Slack's @ list.");
  }

  storage::LeadStore leads(db.db());
  std::optional<storage::StoredLead> lead = leads.Get(*id);
  if (!lead) return Reply("There is no lead #" + std::to_string(*id) + ".");
  std::vector<storage::Agent> agents = storage::AgentStore(db.db()).List();
  bool known = std::any_of(
      agents.begin(), agents.end(),
      [&](const storage::Agent& a) { return a.slack_id == *agent; });
  std::string to = slack::Mention(*agent);
  if (!known) {
    return Reply(to +
                 " is not one of our agents; add them with "
                 "`/rotation add` first.");
  }
  std::string lead_ref = "lead #" + std::to_string(*id);
  if (lead->owner_slack_id == *agent) {
    return Reply(to + " already owns " + lead_ref + "; nothing changed.");
  }

  std::string by = slack::Mention(cmd.user_id);
  std::string was = lead->owner_slack_id ? slack::Mention(*lead->owner_slack_id)
                                         : std::string("nobody");
  OwnerChange change;
  change.agent = *agent;
  change.counts_toward_cap = false;  // a manager's hand-off is not a turn
  change.event = storage::ReassignedEvent{lead->owner_slack_id, *agent, cmd.user_id};
  change.card_reason = "reassigned by " + by;
  change.thread_note = "Reassigned to " + to + " (was " + was + ") by " + by + ".";
  // The shark-tank post (if any) must stop offering the lead to others.
  change.update_post = true;
  change.post_status_line = "Reassigned to " + to + " by " + by;
  AssignOwner(db, *lead, change, now, config);
  return Reply("Done: " + to + " now owns " + lead_ref + " (was " + was +
               "). They get the lead card by DM, and the lead's thread "
               "says so.");
}

}  // namespace

SlashReply RunLeadsCommand(storage::Database& db, const SlashCommand& cmd,
                           SystemTime now, const Config& config) {
  std::vector<std::string_view> args = SplitArgs(cmd.text);
  if (args.empty()) return Summary(db, now, config);
  std::string sub = Lower(args[0]);
  if (sub == "show") return Show(db, cmd, args, config);
  if (sub == "reassign") return Reassign(db, cmd, args, now, config);
  if (sub == "why") {
    std::optional<int64_t> id = args.size() == 2 ? ParseLeadId(args[1]) : std::nullopt;
    if (!id) return Usage("`why` takes a lead id, like `/leads why 42`.");
    return ExplainLeadRoute(db, *id, now, config);
  }
  if (sub == "dlq") return RunDlqList(db, cmd, now, config);
  if (sub == "help") return Reply(kUsage);
  return Usage(Echo(args[0]) + " is not a `/leads` subcommand.");
}

}  // namespace leadrouter
