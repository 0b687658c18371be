#include "bot/interactions/slash_rotation.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/daemon/duration.h"
#include "bot/interactions/mention.h"
#include "bot/routing/round_robin.h"
#include "bot/interactions/pool_rotation_command.h"
#include "bot/slack/mrkdwn.h"
#include "bot/runtime/time_zone.h"
#include "storage/agent_store.h"
#include "storage/rotation_store.h"

namespace leadrouter {
namespace {

using slack::EscapeMrkdwn;

// Limits on what a manager may set; weight matches the config's range.
constexpr int kMaxWeight = 100;
constexpr int kMaxDailyCap = 100000;

constexpr char kUsage[] =
    "*Usage*\n"
    "`/rotation` or `/rotation list`: the order, who is next and why\n"
    "`/rotation add @agent [name]`: join at the end\n"
    "`/rotation remove @agent`: leave the rotation (history is kept)\n"
    "`/rotation pause @agent [until]`: until `2h`, `14:30`, `2026-03-20`, "
    "`2026-03-20 09:00` (team time), or until resumed\n"
    "`/rotation resume @agent`: back in the rotation\n"
    "`/rotation weight @agent N`: N turns per cycle (1-100)\n"
    "`/rotation cap @agent N`: at most N leads a day (0 = no cap)\n"
    "`/rotation move @agent POSITION`: 1 = first\n"
    "`/rotation skip`: pass the next agent's turn\n"
    "Changes are for managers; anyone may list.";

SlashReply Reply(std::string text) {
  return SlashReply{std::move(text), false};
}

SlashReply Usage(const std::string& problem) {
  return Reply(problem + "\n" + kUsage);
}

// Splits on white space, keeping a <…> mention whole even if it holds a
// space.
std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    if (text[i] == '<') {
      end = text.find('>', i);
      end = end == std::string_view::npos ? text.size() : end + 1;
    } else {
      while (end < text.size() &&
             !std::isspace(static_cast<unsigned char>(text[end]))) {
        ++end;
      }
    }
    out.emplace_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

std::string Trim(const std::string& s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

struct UserRef {
  std::string id;
  std::string name;  // from <@U…|name>; "" otherwise
};

// <@U123|name>, <@U123> or a bare user id.
std::optional<UserRef> ParseMention(const std::string& token) {
  if (auto mention = ParseUserMentionWithLabel(token)) {
    return UserRef{mention->id, mention->label};
  }
  if (!LooksLikeUserId(token)) return std::nullopt;
  return UserRef{token, ""};
}

std::string NameOf(const storage::Agent& a) {
  return a.name.empty() ? a.slack_id : a.name;
}

// "*Ana* (<@U0123ANA>)": escaped name and the id as a mention.
std::string Who(const storage::Agent& a) {
  return "*" + EscapeMrkdwn(NameOf(a)) + "* (" + slack::Mention(a.slack_id) +
         ")";
}

// Whole decimal number in [min, max].
std::optional<int> ParseCount(const std::string& text, int min, int max) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int v = std::stoi(text);
  if (v < min || v > max) return std::nullopt;
  return v;
}

std::optional<int> ParseClock(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto hh = ParseCount(text.substr(0, 2), 0, 23);
  auto mm = ParseCount(text.substr(3, 2), 0, 59);
  if (!hh || !mm) return std::nullopt;
  return *hh * 60 + *mm;
}

// The end of a pause, from the words after the agent (see the header).
// nullopt when they do not name a future time.
std::optional<SystemTime> ParsePauseEnd(std::vector<std::string> words,
                                        SystemTime now, const Config& config) {
  if (!words.empty() &&
      (Lower(words[0]) == "until" || Lower(words[0]) == "for")) {
    words.erase(words.begin());
  }
  if (words.empty() || words.size() > 2) return std::nullopt;
  const std::string& zone = config.rotation.timezone;
  std::optional<SystemTime> end;
  if (words.size() == 1) {
    const std::string& w = words[0];
    if (auto d = ParseDuration(w)) {
      end = now + *d;
    } else if (auto minute = ParseClock(w)) {
      LocalTime local = ToLocal(now, zone);
      end = FromLocal(local.date, *minute, zone);
      // An hour already gone today means tomorrow's.
      if (end && *end <= now) {
        end = FromLocal(ToLocal(now + std::chrono::hours(24), zone).date,
                        *minute, zone);
      }
    } else if (w.size() == 16 && w[10] == 'T') {
      if (auto at = ParseClock(w.substr(11))) {
        end = FromLocal(w.substr(0, 10), *at, zone);
      }
    } else {
      end = FromLocal(w, 0, zone);
    }
  } else if (auto at = ParseClock(words[1])) {
    end = FromLocal(words[0], *at, zone);
  }
  if (!end || *end <= now) return std::nullopt;
  return end;
}

class RotationCommand {
 public:
  RotationCommand(storage::Database& db, const SlashCommand& cmd,
                  SystemTime now, const Config& config)
      : db_(db), agents_(db.db()), cmd_(cmd), now_(now), config_(config) {}

  SlashReply Run() {
    std::vector<std::string> args = Tokenize(cmd_.text);
    std::string sub = args.empty() ? "list" : Lower(args[0]);
    if (!args.empty()) args.erase(args.begin());
    // A pause that has run out is over before anyone looks at the order.
    EndExpiredPauses(db_, now_, config_);
    if (sub == "list") return List();
    if (sub == "help") return Reply(kUsage);
    static const char* const kChanges[] = {
        "add", "remove", "pause", "resume", "weight", "cap", "move", "skip"};
    bool change = std::find(std::begin(kChanges), std::end(kChanges), sub) !=
                  std::end(kChanges);
    if (!change) {
      return Usage("I don't know `/rotation " + EscapeMrkdwn(sub) + "`.");
    }
    if (!cmd_.is_manager) {
      return Reply("Only managers can change the rotation (`/rotation " + sub +
                   "`). Anyone can see it with `/rotation list`.");
    }
    if (sub == "skip") return Skip(args);
    if (sub == "add") return Add(args);
    if (args.empty()) {
      return Usage("`/rotation " + sub + "` needs an agent, e.g. `/rotation " +
                   sub + " @ana`.");
    }
    std::string problem;
    std::optional<storage::Agent> agent = FindAgent(args[0], problem);
    if (!agent) return Usage(problem);
    args.erase(args.begin());
    if (sub == "remove") return Remove(*agent, args);
    if (sub == "pause") return Pause(*agent, args);
    if (sub == "resume") return Resume(*agent, args);
    if (sub == "weight") return Weight(*agent, args);
    if (sub == "cap") return Cap(*agent, args);
    return Move(*agent, args);
  }

 private:
  // An active agent named by mention, id or shown name.
  std::optional<storage::Agent> FindAgent(const std::string& token,
                                          std::string& problem) {
    std::optional<storage::Agent> found;
    if (auto ref = ParseMention(token)) {
      found = agents_.Get(ref->id);
    } else {
      std::string name = Lower(token[0] == '@' ? token.substr(1) : token);
      for (const storage::Agent& a : agents_.List()) {
        if (a.active && Lower(a.name) == name) found = a;
      }
    }
    if (!found || !found->active) {
      problem = EscapeMrkdwn(token) + " is not in the rotation.";
      return std::nullopt;
    }
    return found;
  }

  SlashReply NoExtra(const std::vector<std::string>& extra,
                     const std::string& sub) {
    return Usage("`/rotation " + sub + "` takes only the agent, not “" +
                 EscapeMrkdwn(extra[0]) + "”.");
  }

  std::string NextLine() {
    RotationView view = LoadRotation(db_, now_, config_);
    pipeline::RotationPick pick =
        pipeline::PickNext(view.members, view.state, now_);
    if (!pick.ok()) return "*Next:* " + EscapeMrkdwn(pick.reason);
    return "*Next:* " + Who(view.agents[*pick.index]) + ": " +
           EscapeMrkdwn(pick.reason);
  }

  SlashReply List() {
    RotationView view = LoadRotation(db_, now_, config_);
    const std::map<std::string, int64_t> totals = storage::RotationStore(db_.db()).Totals();
    const std::string& zone = config_.rotation.timezone;
    std::string out = "*Rotation* · team time " +
                      EscapeMrkdwn(FormatLocal(now_, zone)) +
                      " · turns so far: " + std::to_string(view.state.turn) +
                      "\n";
    int position = 0;
    std::vector<std::string> removed;
    for (size_t i = 0; i < view.agents.size(); ++i) {
      const storage::Agent& a = view.agents[i];
      const pipeline::RotationMember& m = view.members[i];
      if (!a.active) {
        removed.push_back(EscapeMrkdwn(NameOf(a)));
        continue;
      }
      std::string state = pipeline::Unavailable(m, now_).value_or("available");
      if (state == "paused" && a.paused_until) {
        state += " until " + FormatLocal(*a.paused_until, zone);
      }
      auto total = totals.find(a.slack_id);
      out += std::to_string(++position) + ". " + Who(a) + " · " +
             EscapeMrkdwn(state) + " · weight " + std::to_string(a.weight) +
             " · " +
             (a.daily_cap > 0 ? "cap " + std::to_string(a.daily_cap)
                              : std::string("no cap")) +
             " · today " + std::to_string(m.today_count) + " · total " +
             std::to_string(total == totals.end() ? 0 : total->second);
      if (a.work_start_minute && a.work_end_minute) {
        out += " · hours " + pipeline::FormatWorkHours(*a.work_start_minute,
                                                       *a.work_end_minute);
      }
      if (a.slack_id == view.state.last_agent) {
        out += " · had the last turn (" +
               std::to_string(view.state.turns_used) + " of " +
               std::to_string(a.weight) + ")";
      }
      out += "\n";
    }
    if (position == 0) out += "Nobody is in the rotation yet.\n";
    if (!removed.empty()) {
      std::string names;
      for (const std::string& n : removed)
        names += (names.empty() ? "" : ", ") + n;
      out += "Removed: " + names + "\n";
    }
    return Reply(out + NextLine());
  }

  SlashReply Add(const std::vector<std::string>& args) {
    if (args.empty()) {
      return Usage(
          "`/rotation add` needs an agent, e.g. `/rotation add @ana`.");
    }
    std::optional<UserRef> ref = ParseMention(args[0]);
    if (!ref) {
      return Usage(EscapeMrkdwn(args[0]) +
                   " is not a Slack user: mention them as @name so Slack "
                   "sends their id.");
    }
    // The name is the rest of the text as typed, inner spacing kept.
    std::string name;
    size_t at = cmd_.text.find(args[0]);
    if (at != std::string::npos)
      name = Trim(cmd_.text.substr(at + args[0].size()));
    if (name.empty()) name = ref->name;
    storage::AgentAdd result = agents_.Add(ref->id, name, now_);
    storage::Agent a = *agents_.Get(ref->id);
    switch (result) {
      case storage::AgentAdd::kAlreadyActive:
        return Reply(Who(a) + " is already in the rotation.");
      case storage::AgentAdd::kReactivated:
        return Reply(
            "Added " + Who(a) +
            " back at the end of the rotation; their counts are kept.");
      case storage::AgentAdd::kAdded:
        break;
    }
    return Reply("Added " + Who(a) + " at the end of the rotation.");
  }

  SlashReply Remove(const storage::Agent& a,
                    const std::vector<std::string>& extra) {
    if (!extra.empty()) return NoExtra(extra, "remove");
    agents_.Deactivate(a.slack_id);
    return Reply("Removed " + Who(a) +
                 " from the rotation; their history is kept.\n" + NextLine());
  }

  SlashReply Pause(const storage::Agent& a,
                   const std::vector<std::string>& args) {
    std::optional<SystemTime> until;
    if (!args.empty()) {
      until = ParsePauseEnd(args, now_, config_);
      if (!until) {
        std::string said;
        for (const std::string& w : args) said += (said.empty() ? "" : " ") + w;
        return Usage("“" + EscapeMrkdwn(said) +
                     "” is not a time ahead: use a duration like `2h`, a "
                     "time like `14:30`, a date like `2026-03-20` or both.");
      }
    }
    agents_.Pause(a.slack_id, until);
    std::string when =
        until ? "until " +
                    EscapeMrkdwn(FormatLocal(*until, config_.rotation.timezone))
              : std::string("until resumed");
    return Reply("Paused " + Who(a) + " " + when + ".\n" + NextLine());
  }

  SlashReply Resume(const storage::Agent& a,
                    const std::vector<std::string>& extra) {
    if (!extra.empty()) return NoExtra(extra, "resume");
    if (!a.paused) return Reply(Who(a) + " is not paused.");
    ResumeAgent(db_, a.slack_id, config_);
    bool back = config_.rotation.rejoin == RejoinPolicy::kBack;
    return Reply("Resumed " + Who(a) +
                 (back ? "; they join the back of the line."
                       : "; they keep their place in the order.") +
                 "\n" + NextLine());
  }

  SlashReply Weight(const storage::Agent& a,
                    const std::vector<std::string>& args) {
    std::optional<int> n =
        args.size() == 1 ? ParseCount(args[0], 1, kMaxWeight) : std::nullopt;
    if (!n) {
      return Usage(
          "`/rotation weight` needs a whole number of turns from 1 "
          "to " +
          std::to_string(kMaxWeight) +
          ", e.g. `/rotation "
          "weight @ana 2`.");
    }
    agents_.SetWeight(a.slack_id, *n);
    return Reply("Set " + Who(a) + "'s weight to " + std::to_string(*n) +
                 " (was " + std::to_string(a.weight) + ").");
  }

  SlashReply Cap(const storage::Agent& a,
                 const std::vector<std::string>& args) {
    std::optional<int> n =
        args.size() == 1 ? ParseCount(args[0], 0, kMaxDailyCap) : std::nullopt;
    if (!n) {
      return Usage(
          "`/rotation cap` needs a whole number of leads a day from "
          "0 (no cap) to " +
          std::to_string(kMaxDailyCap) + ", e.g. `/rotation cap @ana 8`.");
    }
    agents_.SetDailyCap(a.slack_id, *n);
    auto cap = [](int c) {
      return c == 0 ? std::string("no cap") : std::to_string(c);
    };
    return Reply("Set " + Who(a) + "'s daily cap to " + cap(*n) + " (was " +
                 cap(a.daily_cap) + "); today's count is kept.");
  }

  SlashReply Move(const storage::Agent& a,
                  const std::vector<std::string>& args) {
    int members = 0;
    for (const storage::Agent& x : agents_.List()) members += x.active ? 1 : 0;
    std::optional<int> pos =
        args.size() == 1 ? ParseCount(args[0], 1, members) : std::nullopt;
    if (!pos) {
      return Usage("`/rotation move` needs a position from 1 to " +
                   std::to_string(members) + ", e.g. `/rotation move @ana 1`.");
    }
    agents_.MoveTo(a.slack_id, static_cast<size_t>(*pos - 1));
    return Reply("Moved " + Who(a) + " to position " + std::to_string(*pos) +
                 ".\n" + NextLine());
  }

  SlashReply Skip(const std::vector<std::string>& extra) {
    if (!extra.empty()) {
      return Usage("`/rotation skip` takes no arguments, not “" +
                   EscapeMrkdwn(extra[0]) + "”.");
    }
    RotationView view = LoadRotation(db_, now_, config_);
    pipeline::RotationPick pick =
        pipeline::PickNext(view.members, view.state, now_);
    if (!pick.ok()) {
      return Reply("Nothing to skip: " + EscapeMrkdwn(pick.reason) + ".");
    }
    storage::RotationStore(db_.db()).Save(pick.state, now_);
    return Reply("Skipped " + Who(view.agents[*pick.index]) + "'s turn (turn " +
                 std::to_string(pick.state.turn) + ").\n" + NextLine());
  }

  storage::Database& db_;
  storage::AgentStore agents_;
  const SlashCommand& cmd_;
  SystemTime now_;
  const Config& config_;
};

}  // namespace

SlashReply RunRotationCommand(storage::Database& db, const SlashCommand& cmd,
                              SystemTime now, const Config& config) {
  // `/rotation POOL …` with [[pools]] (bot/interactions).
  if (auto pooled = RunPoolRotationCommand(db, cmd, now, config)) {
    return *pooled;
  }
  return RotationCommand(db, cmd, now, config).Run();
}

}  // namespace leadrouter
