// The first-contact SLA end to end: the real daemon, the Slack stand-in and
// a moved clock. An owner who does not press Mark contacted is reminded by
// DM, then the managers hear of it in the ops channel and the lead moves to
// the next agent with a thread note; a lead marked contacted in time is left
// alone, and /leads shows each agent's time to first contact.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "tests/support/slack_stack.h"

using leadrouter::testing::Contains;
using leadrouter::testing::HotLead;
using leadrouter::testing::HasButton;
using leadrouter::testing::kManager;
using leadrouter::testing::kOpsChannel;
using leadrouter::testing::kSharkChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using nlohmann::json;

namespace {

constexpr char kAna[] = "U0AGENTANA";
constexpr char kBen[] = "U0AGENTBEN";

StackOptions TwoAgents() {
  StackOptions options;
  options.extra_config =
      "[rotation]\ntimezone = \"UTC\"\n"
      "[sla.HOT_BUYER]\nremind_after = \"5m\"\nescalate_after = \"15m\"\n"
      "reassign_on_escalation = true\n"
      "[[agents]]\nslack_id = \"U0AGENTANA\"\nname = \"Ana\"\n"
      "[[agents]]\nslack_id = \"U0AGENTBEN\"\nname = \"Ben\"\n";
  // Long enough that the claim, not the fallback, starts the SLA clock.
  options.slack_config = "claim_timeout = \"1h\"\n";
  return options;
}

// The lead card in `user`'s DM, once it is there.
json WaitForCard(SlackStack& s, const std::string& user) {
  const std::string dm = s.WaitForDm(user);
  auto card = s.WaitFor(
      dm, [](const json& m) { return HasButton(m, "mark_contacted"); });
  if (!card) FAIL("no lead card for " << user << "\n" << s.DaemonLog());
  return *card;
}

bool AnyMessage(SlackStack& s, const std::string& channel,
                const std::string& words) {
  // Held in a local: a range-for over a member of a temporary would read
  // freed memory.
  const json messages = s.Channel(channel)["messages"];
  for (const json& m : messages) {
    if (Contains(MessageText(m), words)) return true;
  }
  return false;
}

// Moves a fresh stack's business time to the next 09:00 in the team's zone
// (UTC), so that a test reading today's figures after moving time forward
// never straddles midnight, whenever it runs.
void MoveToMorning(SlackStack& s) {
  const auto now = std::chrono::system_clock::now();
  const auto since_midnight = now - std::chrono::floor<std::chrono::days>(now);
  auto wait = std::chrono::hours(9) - since_midnight;
  if (wait < std::chrono::minutes(1)) wait += std::chrono::hours(24);
  s.Advance(std::to_string(std::chrono::ceil<std::chrono::minutes>(wait).count()) + "m");
}

}  // namespace

TEST_CASE(
    "an owner who does not mark a hot lead contacted is reminded, then the "
    "lead moves to the next agent and the managers hear of it",
    "[integration][sla]") {
  SlackStack s(TwoAgents());
  MoveToMorning(s);
  s.PostLead(HotLead(42, "Sal Slowpoke"));
  const std::string ts = s.WaitForPost("Sal Slowpoke")["ts"];
  s.Click(kSharkChannel, ts, "claim_lead", kAna);
  WaitForCard(s, kAna);
  const std::string ana_dm = s.DmChannel(kAna);

  s.Advance("5m");
  auto reminder = s.WaitFor(ana_dm, [](const json& m) {
    return Contains(MessageText(m),
                    "Reminder: lead #1 Sal Slowpoke has waited "
                    "5 min for first contact");
  });
  CHECK(reminder);
  CHECK_FALSE(AnyMessage(s, kOpsChannel, "SLA"));

  s.Advance("10m");
  auto alert = s.WaitFor(kOpsChannel, [](const json& m) {
    return Contains(MessageText(m), "SLA: lead #1 not contacted after 15 min");
  });
  REQUIRE(alert);
  CHECK(Contains(MessageText(*alert), "Ana (U0AGENTANA) got it"));
  CHECK(Contains(MessageText(*alert), "Reassigned to Ben (U0AGENTBEN)"));
  auto note = s.WaitFor(kSharkChannel, [&](const json& m) {
    return m.value("thread_ts", "") == ts &&
           Contains(MessageText(m), "so the rotation gave it to <@U0AGENTBEN>");
  });
  CHECK(note);
  CHECK(s.QueryString("SELECT owner_slack_id FROM leads WHERE id = 1") == kBen);
  const json bens_card = WaitForCard(s, kBen);

  // Ben calls at once; his own timers are then cancelled.
  s.Click(s.DmChannel(kBen), bens_card["ts"], "mark_contacted", kBen);
  for (int i = 0; i < 500 && s.Count("SELECT count(*) FROM leads WHERE "
                                     "contacted_at IS NOT NULL") == 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  s.Advance("30m");
  s.WaitUntilIdle();
  CHECK_FALSE(AnyMessage(s, s.DmChannel(kBen), "Reminder"));
  CHECK(s.Count("SELECT count(*) FROM timeline_events WHERE "
                "kind = 'sla_escalated'") == 1);
  CHECK(Contains(s.CommandReply("/leads", "", kManager),
                 "Time to first contact: <@U0AGENTBEN> median"));
}

TEST_CASE("a hot lead marked contacted in time is never escalated",
          "[integration][sla]") {
  SlackStack s(TwoAgents());
  s.PostLead(HotLead(43, "Quinn Quick"));
  const std::string ts = s.WaitForPost("Quinn Quick")["ts"];
  s.Click(kSharkChannel, ts, "claim_lead", kAna);
  const json card = WaitForCard(s, kAna);
  s.Advance("3m");
  s.Click(s.DmChannel(kAna), card["ts"], "mark_contacted", kAna);
  for (int i = 0; i < 500 && s.Count("SELECT count(*) FROM leads WHERE "
                                     "contacted_at IS NOT NULL") == 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  s.Advance("20m");
  s.WaitUntilIdle();
  CHECK_FALSE(AnyMessage(s, s.DmChannel(kAna), "Reminder"));
  CHECK_FALSE(AnyMessage(s, kOpsChannel, "SLA"));
  CHECK(s.QueryString("SELECT owner_slack_id FROM leads WHERE id = 1") == kAna);
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE kind LIKE 'sla.%' AND "
                "state = 'cancelled'") == 2);
}
