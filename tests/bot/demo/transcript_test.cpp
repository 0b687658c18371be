#include "bot/demo/transcript.h"

#include <catch2/catch.hpp>
#include <string>

#include "bot/slack/block_kit.h"
#include "bot/slack/mrkdwn.h"

namespace demo = leadrouter::demo;
namespace slack = leadrouter::slack;
namespace pipeline = leadrouter::pipeline;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::chrono::system_clock::time_point kReceived =
    std::chrono::system_clock::time_point(1773526061s);  // 2026-03-14 22:07:41Z
const std::chrono::system_clock::time_point kNow = kReceived + 37s;

slack::LeadView Dana() {
  slack::LeadView view;
  view.lead_id = 1;
  pipeline::ProcessedLead& lead = view.lead;
  lead.source = "Zillow Premier";
  lead.name.full = "Dana O'Connell";
  lead.email = "dana.oconnell@example.com";
  lead.email_valid = true;
  lead.phone.e164 = "+12125550199";
  lead.phone.valid = true;
  lead.message = "Pre-approved & <b>cash</b>, 3*2 garage";
  lead.property.address = "48 West 21st St, New York, NY 10010";
  lead.property.mls_id = "NY-2291837";
  lead.property.days_on_market = 6;
  lead.property.price = 1250000;
  lead.score = 100;
  lead.score_reasons = {{"buying_signal", 50, "mentions \"pre-approved\""}};
  lead.segment = pipeline::Segment::kHotBuyer;
  view.received_at = kReceived;
  view.routing_reason = "round-robin turn 3, skipped Ben: paused";
  return view;
}

demo::TranscriptNames Names() {
  demo::TranscriptNames names;
  names.users = {{"U0AGENTANA", "Ana"}, {"U0AGENTBEN", "Ben"}};
  names.channels = {{"C0SHARK001", "shark-tank"}};
  names.dm_users = {{"D0SIM00001", "U0AGENTANA"}};
  return names;
}

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A message as slack-sim lists it.
json SimMessage(const json& body, const std::string& ts, int64_t at_us) {
  json m = body;
  m["ts"] = ts;
  m["posted_at_us"] = at_us;
  m["history"] = json::array();
  m["edited"] = false;
  return m;
}

}  // namespace

TEST_CASE("mrkdwn tokens read as a Slack client shows them",
          "[bot][demo][transcript]") {
  const demo::TranscriptNames names = Names();

  SECTION("a user mention reads as @Name, with or without a label") {
    CHECK(demo::RenderMrkdwn("Claimed by <@U0AGENTANA> in 37 s", names) ==
          "Claimed by @Ana in 37 s");
    CHECK(demo::RenderMrkdwn("<@U0AGENTBEN|ben>", names) == "@Ben");
  }
  SECTION("an unknown user reads as the label Slack gave, else the id") {
    CHECK(demo::RenderMrkdwn("<@U0NOBODY1|zoe>", names) == "@zoe");
    CHECK(demo::RenderMrkdwn("<@U0NOBODY1>", names) == "@U0NOBODY1");
  }
  SECTION("a channel reads as #name") {
    CHECK(demo::RenderMrkdwn("see <#C0SHARK001>", names) == "see #shark-tank");
  }
  SECTION("a date token reads as its fallback") {
    CHECK(demo::RenderMrkdwn(
              "<!date^1773526061^arrived {ago}|arrived 37 s ago>", names) ==
          "arrived 37 s ago");
  }
  SECTION("a link reads as its label, a bare link as its address") {
    CHECK(demo::RenderMrkdwn("<tel:+12125550199|(212) 555-0199>", names) ==
          "(212) 555-0199");
    CHECK(demo::RenderMrkdwn("<https://example.com>", names) ==
          "https://example.com");
  }
  SECTION("escaped user text reads as typed, and cannot become a token") {
    const std::string typed = "<!channel> & <@U0AGENTANA>";
    CHECK(demo::RenderMrkdwn(slack::EscapeMrkdwn(typed), names) == typed);
  }
  SECTION("the emoji codes our messages use are drawn, others stay") {
    CHECK(demo::RenderMrkdwn(":warning: *Needs an owner:* :tada:", names) ==
          "⚠ Needs an owner: :tada:");
  }
  SECTION("paired style markers go, a lone or mid-word one stays") {
    CHECK(demo::RenderMrkdwn("*Why it scored 100*", names) ==
          "Why it scored 100");
    CHECK(demo::RenderMrkdwn("_soon_ and ~never~", names) == "soon and never");
    CHECK(demo::RenderMrkdwn("3*2 garage, first_last@x.com", names) ==
          "3*2 garage, first_last@x.com");
  }
}

TEST_CASE(
    "a shark-tank post reads as its header, facts, notes and a [Claim] button",
    "[bot][demo][transcript]") {
  const std::string text =
      demo::RenderMessage(slack::SharkTankPost(Dana(), kNow), Names());
  CHECK(Has(text, "  🔥 Dana O'Connell · Hot buyer\n"));
  CHECK(Has(text, "  Phone: (212) 555-0199\n"));
  CHECK(Has(text, "  E-mail: dana.oconnell@example.com\n"));
  CHECK(
      Has(text,
          "  Property: 48 West 21st St, New York, NY 10010 · MLS NY-2291837 · "
          "6 days on market\n"));
  CHECK(Has(text, "  Price: $1,250,000\n"));
  CHECK(Has(text, "  Notes\n  Pre-approved & <b>cash</b>, 3*2 garage\n"));
  CHECK(Has(text, "  Why it scored 100\n  • +50 mentions \"pre-approved\"\n"));
  CHECK(Has(text, "  Lead #1 · arrived 37 s ago\n"));
  CHECK(Has(text, "  [Claim]\n"));
  CHECK_FALSE(Has(text, "<tel:"));
  CHECK_FALSE(Has(text, "<mailto:"));
  CHECK_FALSE(Has(text, "<!date"));
}

TEST_CASE("a claimed post names the owner and offers no button",
          "[bot][demo][transcript]") {
  slack::LeadView view = Dana();
  view.owner_slack_id = "U0AGENTANA";
  view.claim_latency = 37s;
  const std::string text =
      demo::RenderMessage(slack::ClaimedPost(view, kNow), Names());
  CHECK(Has(text, "✅ Claimed by @Ana in 37 s"));
  CHECK_FALSE(Has(text, "[Claim]"));
}

TEST_CASE("the owner's DM shows why they got it and a [Mark contacted] button",
          "[bot][demo][transcript]") {
  const std::string text =
      demo::RenderMessage(slack::LeadCardDm(Dana(), kNow), Names());
  CHECK(Has(text, "Why you\n  round-robin turn 3, skipped Ben: paused"));
  CHECK(Has(text, "[Mark contacted]"));
}

TEST_CASE("a message without blocks reads as its text",
          "[bot][demo][transcript]") {
  CHECK(demo::RenderMessage(json{{"text", "hello <@U0AGENTBEN>"}}, Names(),
                            "> ") == "> hello @Ben\n");
}

TEST_CASE(
    "a channel shows edits, thread replies and ephemerals where they happened",
    "[bot][demo][transcript]") {
  slack::LeadView claimed = Dana();
  claimed.owner_slack_id = "U0AGENTANA";
  claimed.claim_latency = 4s;

  json post = SimMessage(slack::ClaimedPost(claimed, kNow), "100.000001", 1000);
  post["edited"] = true;
  json original = slack::SharkTankPost(Dana(), kNow);
  post["history"] = json::array({{{"text", original["text"]},
                                  {"blocks", original["blocks"]},
                                  {"replaced_at_us", 2000}}});
  json reply = SimMessage(
      slack::ThreadNote("CRM: status Contacted, owner <@U0AGENTANA>"),
      "100.000003", 4000);
  reply["thread_ts"] = "100.000001";
  json refusal =
      slack::Ephemeral("Sorry, Lead #1 is already claimed by <@U0AGENTANA>.");
  refusal["user"] = "U0AGENTBEN";
  refusal["message_ts"] = "100.000001";
  refusal["posted_at_us"] = 3000;
  json stray = slack::Ephemeral("Usage: /rotation list");
  stray["user"] = "U0AGENTBEN";
  stray["posted_at_us"] = 5000;

  const json channel = {{"channel", "C0SHARK001"},
                        {"name", "c0shark001"},
                        {"messages", json::array({post, reply})},
                        {"ephemerals", json::array({refusal, stray})}};
  const std::string text = demo::RenderChannel(channel, Names());

  CHECK(text.rfind("━━ #shark-tank ━", 0) == 0);
  const auto first = text.find("[Claim]");
  const auto edit = text.find("✎ edited, now reads:");
  const auto claimed_line = text.find("✅ Claimed by @Ana in 4 s");
  const auto ben =
      text.find("only @Ben sees: Sorry, Lead #1 is already claimed by @Ana.");
  const auto thread =
      text.find("↳ reply in thread:\n      CRM: status Contacted, owner @Ana");
  const auto usage = text.find("only @Ben sees: Usage: /rotation list");
  REQUIRE(first != std::string::npos);
  REQUIRE(edit != std::string::npos);
  REQUIRE(claimed_line != std::string::npos);
  REQUIRE(ben != std::string::npos);
  REQUIRE(thread != std::string::npos);
  REQUIRE(usage != std::string::npos);
  // The original first, then in time order: the edit, Ben's refusal, the
  // thread reply; an ephemeral that answers no message comes last.
  CHECK(first < edit);
  CHECK(edit < claimed_line);
  CHECK(claimed_line < ben);
  CHECK(ben < thread);
  CHECK(thread < usage);
  // The reply is shown once, under its parent, not as a message of its own.
  CHECK(text.find("CRM: status") == text.rfind("CRM: status"));
}

TEST_CASE("a malformed block is shown, not hidden", "[bot][demo][transcript]") {
  const json message = {
      {"blocks", json::array({json::array({"type", "section"})})}};
  CHECK(demo::RenderMessage(message, Names()) ==
        "  [not a block: [\"type\",\"section\"]]\n");
}

TEST_CASE("the workspace lists channels first, then DMs by who they are with",
          "[bot][demo][transcript]") {
  json dm = {
      {"channel", "D0SIM00001"},
      {"name", "directmessage"},
      {"messages", json::array({SimMessage(slack::LeadCardDm(Dana(), kNow),
                                           "101.000001", 10)})},
      {"ephemerals", json::array()}};
  json shark = {
      {"channel", "C0SHARK001"},
      {"messages", json::array({SimMessage(slack::SharkTankPost(Dana(), kNow),
                                           "100.000001", 5)})},
      {"ephemerals", json::array()}};
  const std::string text = demo::RenderWorkspace(
      json{{"channels", json::array({dm, shark})}}, Names());
  const auto channel = text.find("━━ #shark-tank");
  const auto direct = text.find("━━ DM with @Ana");
  REQUIRE(channel != std::string::npos);
  REQUIRE(direct != std::string::npos);
  CHECK(channel < direct);
}
