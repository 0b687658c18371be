// Round-robin rotation: who gets the next standard lead, and why. Pure: the
// caller passes every agent's state (local time already computed) and the
// stored rotation state, and gets back the pick, the new state and a reason
// that explains itself. No I/O, no clock reads.
//
// Weights are consecutive turns: an agent with weight 2 gets two leads in a
// row, then the turn moves on (A A B C A A B C …). An agent who cannot take a
// lead is passed over and is not owed the turn: when they are back they get
// an ordinary block at their place, never a catch-up burst.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leadrouter::pipeline {

using RotationTime = std::chrono::system_clock::time_point;

// Every day of the week; bit d is weekday d (0 = Sunday … 6 = Saturday).
inline constexpr int kEveryDay = 0x7F;

struct RotationMember {
  std::string id;     // Slack user id
  std::string name;   // shown in reasons; the id when empty
  int weight = 1;     // consecutive turns per cycle; 0 never gets a turn
  int daily_cap = 0;  // 0: no cap
  int today_count = 0;
  bool paused = false;
  std::optional<RotationTime> paused_until;  // the pause ends at this time
  // Working hours in minutes after local midnight, end exclusive; a start
  // after the end spans midnight (22:00-06:00). nullopt: always.
  std::optional<int> work_start_minute;
  std::optional<int> work_end_minute;
  int work_days = kEveryDay;  // bit mask of local weekdays
  int local_minute = 0;       // the member's local minute of day at `now`
  int local_weekday = 0;      // the member's local weekday at `now`, 0 = Sunday
  bool active = true;         // false: removed from the rotation
};

// Where the round-robin stands. `last_agent` holds the current block;
// `cursor` is that agent's index in the order, used only when the agent is
// no longer listed.
struct RotationState {
  std::string last_agent;  // "" before the first turn
  int cursor = 0;
  int turns_used = 0;  // turns of last_agent's current block
  int64_t turn = 0;    // turns handed out so far, all agents
};

struct RotationSkip {
  std::string id;
  std::string name;
  std::string why;  // "paused", "at daily cap (8/8)", …
};

struct RotationPick {
  std::optional<size_t> index;        // into the members; nullopt: nobody
  std::string agent;                  // the picked id, "" when nobody
  RotationState state;                // unchanged when nobody
  std::vector<RotationSkip> skipped;  // passed over this turn, in order
  // "round-robin, turn 14; skipped Ben: paused, Cy: at daily cap (8/8)", or
  // "nobody available: Ana: paused, Ben: outside working hours (09:00-17:00)".
  std::string reason;
  bool ok() const { return index.has_value(); }
};

// Why `m` cannot take a lead at `now`, or nullopt when it can. Inactive
// members read "removed from the rotation".
std::optional<std::string> Unavailable(const RotationMember& m,
                                       RotationTime now);

// The next member in `members` (rotation order) after `state`: the holder
// of the current block again while their block lasts and they are
// available, otherwise the first available member after them (wrapping,
// the holder themselves last). Inactive members are passed over silently.
// `why` starts the reason ("round-robin", "claim timeout").
RotationPick PickNext(const std::vector<RotationMember>& members,
                      const RotationState& state, RotationTime now,
                      std::string_view why = "round-robin");

// "09:00-17:00" for a window in minutes after midnight.
std::string FormatWorkHours(int start_minute, int end_minute);

// Parses "09:00-17:00" (24-hour, HH:MM-HH:MM, start != end; "24:00" only as
// an end) into minutes after midnight; nullopt when malformed.
std::optional<std::pair<int, int>> ParseWorkHours(std::string_view text);

}  // namespace leadrouter::pipeline
