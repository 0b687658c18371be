#include "pipeline/rotation.h"

#include <cstdio>

namespace leadrouter::pipeline {
namespace {

const std::string& DisplayName(const RotationMember& m) {
  return m.name.empty() ? m.id : m.name;
}

bool InWindow(int minute, int start, int end) {
  if (start <= end) return minute >= start && minute < end;
  return minute >= start || minute < end;  // spans midnight
}

std::string JoinSkips(const std::vector<RotationSkip>& skips) {
  std::string out;
  for (const RotationSkip& s : skips) {
    if (!out.empty()) out += ", ";
    out += (s.name.empty() ? s.id : s.name) + ": " + s.why;
  }
  return out;
}

std::optional<int> ParseClock(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  int h = (text[0] - '0') * 10 + (text[1] - '0');
  int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

std::optional<std::string> Unavailable(const RotationMember& m,
                                       RotationTime now) {
  if (!m.active) return "removed from the rotation";
  if (m.paused && (!m.paused_until || now < *m.paused_until)) return "paused";
  if (m.weight <= 0) return "weight 0";
  if (m.daily_cap > 0 && m.today_count >= m.daily_cap) {
    return "at daily cap (" + std::to_string(m.today_count) + "/" +
           std::to_string(m.daily_cap) + ")";
  }
  if (((m.work_days >> (m.local_weekday % 7)) & 1) == 0) {
    return "not a working day";
  }
  if (m.work_start_minute && m.work_end_minute &&
      !InWindow(m.local_minute, *m.work_start_minute, *m.work_end_minute)) {
    return "outside working hours (" +
           FormatWorkHours(*m.work_start_minute, *m.work_end_minute) + ")";
  }
  return std::nullopt;
}

RotationPick PickNext(const std::vector<RotationMember>& members,
                      const RotationState& state, RotationTime now,
                      std::string_view why) {
  RotationPick pick;
  pick.state = state;
  const size_t n = members.size();

  // Where the last block stands; a holder who is gone (never expected: we
  // deactivate rather than delete) leaves their index behind.
  std::optional<size_t> holder;
  for (size_t i = 0; i < n; ++i) {
    if (!state.last_agent.empty() && members[i].id == state.last_agent) {
      holder = i;
    }
  }

  auto take = [&](size_t i, int turns_used) {
    pick.index = i;
    pick.agent = members[i].id;
    pick.state.last_agent = members[i].id;
    pick.state.cursor = static_cast<int>(i);
    pick.state.turns_used = turns_used;
    pick.state.turn = state.turn + 1;
    pick.reason =
        std::string(why) + ", turn " + std::to_string(pick.state.turn);
    if (members[i].weight > 1) {
      pick.reason += " (" + std::to_string(turns_used) + " of " +
                     std::to_string(members[i].weight) + " for " +
                     DisplayName(members[i]) + ")";
    }
    if (!pick.skipped.empty())
      pick.reason += "; skipped " + JoinSkips(pick.skipped);
  };

  if (holder && state.turns_used < members[*holder].weight &&
      !Unavailable(members[*holder], now)) {
    take(*holder, state.turns_used + 1);
    return pick;
  }

  // Scan from the member after the holder (or from the remembered index,
  // inclusive, when there is no holder), wrapping; the holder comes last.
  size_t start = 0;
  if (holder) {
    start = *holder + 1;
  } else if (!state.last_agent.empty() && n > 0) {
    start = static_cast<size_t>(state.cursor < 0 ? 0 : state.cursor) % n;
  }
  for (size_t k = 0; k < n; ++k) {
    size_t i = (start + k) % n;
    const RotationMember& m = members[i];
    if (!m.active) continue;
    if (auto reason = Unavailable(m, now)) {
      pick.skipped.push_back({m.id, m.name, *reason});
      continue;
    }
    take(i, 1);
    return pick;
  }

  // Nobody: list every member's reason in rotation order, not scan order.
  std::vector<RotationSkip> all;
  for (const RotationMember& m : members) {
    if (!m.active) continue;
    all.push_back({m.id, m.name, Unavailable(m, now).value_or("available")});
  }
  pick.skipped = all;
  pick.reason = all.empty() ? "nobody available: the rotation is empty"
                            : "nobody available: " + JoinSkips(all);
  return pick;
}

std::string FormatWorkHours(int start_minute, int end_minute) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", start_minute / 60,
                start_minute % 60, end_minute / 60, end_minute % 60);
  return buf;
}

std::optional<std::pair<int, int>> ParseWorkHours(std::string_view text) {
  if (text.size() != 11 || text[5] != '-') return std::nullopt;
  auto start = ParseClock(text.substr(0, 5));
  auto end = ParseClock(text.substr(6, 5));
  if (!start || !end || *start == 24 * 60 || *start == *end)
    return std::nullopt;
  return std::make_pair(*start, *end);
}

}  // namespace leadrouter::pipeline
