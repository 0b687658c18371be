#include "pipeline/rotation.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using leadrouter::pipeline::FormatWorkHours;
using leadrouter::pipeline::ParseWorkHours;
using leadrouter::pipeline::PickNext;
using leadrouter::pipeline::RotationMember;
using leadrouter::pipeline::RotationPick;
using leadrouter::pipeline::RotationState;
using leadrouter::pipeline::RotationTime;
using leadrouter::pipeline::Unavailable;

namespace {

const RotationTime kNow{std::chrono::seconds(1773526061)};

RotationMember Member(const std::string& name, int weight = 1) {
  RotationMember m;
  m.id = "U0" + name;
  m.name = name;
  m.weight = weight;
  m.local_minute = 12 * 60;
  m.local_weekday = 3;
  return m;
}

// Hands out `n` turns, counting each for the picked member the way the
// caller would, and returns the picked names.
std::vector<std::string> Run(std::vector<RotationMember>& members,
                             RotationState& state, int n,
                             std::vector<std::string>* reasons = nullptr) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    RotationPick pick = PickNext(members, state, kNow);
    if (reasons) reasons->push_back(pick.reason);
    if (!pick.ok()) {
      names.push_back("-");
      continue;
    }
    names.push_back(members[*pick.index].name);
    ++members[*pick.index].today_count;
    state = pick.state;
  }
  return names;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace

TEST_CASE(
    "weighted round robin over 30 leads skips a paused agent, one at cap and "
    "one out of hours, turn by turn",
    "[pipeline][rotation]") {
  std::vector<RotationMember> members = {Member("Ana", 2), Member("Ben"),
                                         Member("Cy"), Member("Dee"),
                                         Member("Eve")};
  members[1].paused = true;
  members[2].daily_cap = 3;
  members[3].work_start_minute = 9 * 60;
  members[3].work_end_minute = 17 * 60;
  members[3].local_minute = 18 * 60 + 7;
  RotationState state;
  std::vector<std::string> reasons;
  std::vector<std::string> got = Run(members, state, 30, &reasons);

  std::string expected =
      "Ana Ana Cy Eve Ana Ana Cy Eve Ana Ana Cy Eve "  // Cy reaches the cap
      "Ana Ana Eve Ana Ana Eve Ana Ana Eve Ana Ana Eve Ana Ana Eve Ana Ana Eve";
  std::vector<std::string> want = Split(expected);
  REQUIRE(want.size() == 30);
  for (size_t turn = 0; turn < want.size(); ++turn) {
    INFO("turn " << turn + 1 << ": " << reasons[turn]);
    CHECK(got[turn] == want[turn]);
  }
  CHECK(state.turn == 30);
  CHECK(members[0].today_count == 18);
  CHECK(members[1].today_count == 0);
  CHECK(members[2].today_count == 3);
  CHECK(members[3].today_count == 0);
  CHECK(members[4].today_count == 9);

  CHECK(reasons[0] == "round-robin, turn 1 (1 of 2 for Ana)");
  CHECK(reasons[1] == "round-robin, turn 2 (2 of 2 for Ana)");
  CHECK(reasons[2] == "round-robin, turn 3; skipped Ben: paused");
  CHECK(
      reasons[3] ==
      "round-robin, turn 4; skipped Dee: outside working hours (09:00-17:00)");
  CHECK(reasons[14] ==
        "round-robin, turn 15; skipped Ben: paused, Cy: at daily cap (3/3), "
        "Dee: outside working hours (09:00-17:00)");
}

TEST_CASE("nobody available says so with every member's reason",
          "[pipeline][rotation]") {
  std::vector<RotationMember> members = {Member("Ana"), Member("Ben"),
                                         Member("Cy"), Member("Old")};
  members[0].paused = true;
  members[1].daily_cap = 8;
  members[1].today_count = 8;
  members[2].work_days = 0x3E;   // Monday to Friday
  members[2].local_weekday = 0;  // Sunday
  members[3].active = false;
  RotationState state{"U0Ben", 1, 1, 7};
  RotationPick pick = PickNext(members, state, kNow);
  CHECK_FALSE(pick.ok());
  CHECK(pick.agent.empty());
  CHECK(pick.reason ==
        "nobody available: Ana: paused, Ben: at daily cap (8/8), Cy: not a "
        "working day");
  CHECK(pick.state.turn == 7);
  CHECK(pick.state.last_agent == "U0Ben");

  CHECK(PickNext({}, RotationState{}, kNow).reason ==
        "nobody available: the rotation is empty");
}

TEST_CASE("a pause with an end is over at that end", "[pipeline][rotation]") {
  RotationMember ana = Member("Ana");
  ana.paused = true;
  ana.paused_until = kNow + 1h;
  CHECK(Unavailable(ana, kNow + 59min) == std::string("paused"));
  CHECK_FALSE(Unavailable(ana, kNow + 1h).has_value());
}

TEST_CASE("a skipped agent is not owed turns and gets one ordinary block back",
          "[pipeline][rotation]") {
  std::vector<RotationMember> members = {Member("Ana"), Member("Ben", 2),
                                         Member("Cy")};
  members[1].paused = true;
  RotationState state;
  CHECK(Run(members, state, 6) == Split("Ana Cy Ana Cy Ana Cy"));
  members[1].paused = false;
  CHECK(Run(members, state, 8) == Split("Ana Ben Ben Cy Ana Ben Ben Cy"));
}

TEST_CASE("a block ends early when its agent becomes unavailable",
          "[pipeline][rotation]") {
  std::vector<RotationMember> members = {Member("Ana", 3), Member("Ben")};
  members[0].daily_cap = 1;
  RotationState state;
  CHECK(Run(members, state, 3) == Split("Ana Ben Ben"));
}

TEST_CASE("the only available agent gets every turn, block after block",
          "[pipeline][rotation]") {
  std::vector<RotationMember> members = {Member("Ana", 2), Member("Ben")};
  members[1].paused = true;
  RotationState state;
  CHECK(Run(members, state, 4) == Split("Ana Ana Ana Ana"));
}

TEST_CASE("removed agents are passed over without a word",
          "[pipeline][rotation]") {
  std::vector<RotationMember> members = {Member("Ana"), Member("Ben"),
                                         Member("Cy")};
  members[1].active = false;
  RotationState state{"U0Ana", 0, 1, 1};
  RotationPick pick = PickNext(members, state, kNow);
  REQUIRE(pick.ok());
  CHECK(pick.agent == "U0Cy");
  CHECK(pick.reason == "round-robin, turn 2");
  CHECK(pick.skipped.empty());
}

TEST_CASE("the reason starts with why the rotation was asked",
          "[pipeline][rotation]") {
  std::vector<RotationMember> members = {Member("Ana")};
  CHECK(PickNext(members, RotationState{}, kNow, "claim timeout").reason ==
        "claim timeout, turn 1");
}

TEST_CASE("a holder no longer listed leaves the turn at their index",
          "[pipeline][rotation]") {
  std::vector<RotationMember> members = {Member("Ana"), Member("Ben"),
                                         Member("Cy")};
  RotationState state{"U0Gone", 1, 1, 5};
  RotationPick pick = PickNext(members, state, kNow);
  CHECK(pick.agent == "U0Ben");
  CHECK(pick.state.turn == 6);
  CHECK(pick.state.cursor == 1);
}

TEST_CASE("working hours may span midnight", "[pipeline][rotation]") {
  RotationMember night = Member("Nox");
  night.work_start_minute = 22 * 60;
  night.work_end_minute = 6 * 60;
  night.local_minute = 23 * 60;
  CHECK_FALSE(Unavailable(night, kNow).has_value());
  night.local_minute = 5 * 60 + 59;
  CHECK_FALSE(Unavailable(night, kNow).has_value());
  night.local_minute = 6 * 60;
  CHECK(Unavailable(night, kNow) ==
        std::string("outside working hours (22:00-06:00)"));
}

TEST_CASE("working hours are read as HH:MM-HH:MM", "[pipeline][rotation]") {
  CHECK(ParseWorkHours("09:00-17:30") == std::make_pair(540, 1050));
  CHECK(ParseWorkHours("22:00-24:00") == std::make_pair(1320, 1440));
  CHECK_FALSE(ParseWorkHours("9:00-17:00"));
  CHECK_FALSE(ParseWorkHours("09:00-09:00"));
  CHECK_FALSE(ParseWorkHours("09:60-17:00"));
  CHECK_FALSE(ParseWorkHours("24:00-08:00"));
  CHECK_FALSE(ParseWorkHours("09:00 17:00"));
  CHECK(FormatWorkHours(540, 1050) == "09:00-17:30");
}
