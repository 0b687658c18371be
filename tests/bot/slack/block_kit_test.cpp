#include "bot/slack/block_kit.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "bot/slack/mrkdwn.h"

namespace slack = leadrouter::slack;
namespace pipeline = leadrouter::pipeline;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::chrono::system_clock::time_point kReceived =
    std::chrono::system_clock::time_point(1773526743s);  // 2026-03-14

slack::LeadView MakeView() {
  slack::LeadView view;
  view.lead_id = 42;
  pipeline::ProcessedLead& lead = view.lead;
  lead.source = "Zillow Premier";
  lead.name.full = "Dana O'Connell";
  lead.email = "dana.oconnell@example.com";
  lead.email_valid = true;
  lead.phone.raw = "(212) 555-0199";
  lead.phone.e164 = "+12125550199";
  lead.phone.valid = true;
  lead.message = "Pre-approved, want to see it this weekend.";
  lead.property.address = "14 Elm St, Brooklyn, NY 11201";
  lead.property.price = 1250000;
  lead.property.mls_id = "OLRS-2209";
  lead.score = 87;
  lead.score_reasons = {{"pre_approved", 30, "says pre-approved"},
                        {"timeline_urgent", 25, "wants to view this weekend"}};
  lead.segment = pipeline::Segment::kHotBuyer;
  view.received_at = kReceived;
  view.routing_reason = "round-robin turn 14, skipped Ana: paused";
  return view;
}

// Every string the user could see: all "text" values and the fallback.
void CollectText(const json& node, std::string& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "text" && it->is_string()) {
        out += it->get<std::string>();
        out += "\n";
      } else {
        CollectText(*it, out);
      }
    }
  } else if (node.is_array()) {
    for (const json& child : node) CollectText(child, out);
  }
}

std::string AllText(const json& message) {
  std::string out;
  CollectText(message, out);
  return out;
}

const json* FindBlock(const json& message, const std::string& type) {
  for (const json& block : message["blocks"]) {
    if (block["type"] == type) return &block;
  }
  return nullptr;
}

// Block Kit limits from slack-protocol.md §6.1.
void CheckLimits(const json& message) {
  REQUIRE(message.contains("text"));
  REQUIRE(message["text"].is_string());
  CHECK_FALSE(message["text"].get<std::string>().empty());
  const json& blocks = message["blocks"];
  CHECK(blocks.size() <= 50);
  std::set<std::string> block_ids;
  for (const json& block : blocks) {
    if (block.contains("block_id")) {
      const std::string id = block["block_id"];
      CHECK(id.size() <= 255);
      CHECK(block_ids.insert(id).second);
    }
    const std::string type = block["type"];
    if (type == "header") {
      CHECK(block["text"]["type"] == "plain_text");
      CHECK(slack::CountChars(block["text"]["text"].get<std::string>()) <= 150);
    } else if (type == "section") {
      if (block.contains("text")) {
        const std::string text = block["text"]["text"];
        CHECK(slack::CountChars(text) >= 1);
        CHECK(slack::CountChars(text) <= 3000);
      }
      if (block.contains("fields")) {
        CHECK(block["fields"].size() <= 10);
        for (const json& field : block["fields"]) {
          CHECK(slack::CountChars(field["text"].get<std::string>()) <= 2000);
        }
      }
    } else if (type == "actions") {
      CHECK(block["elements"].size() <= 25);
      for (const json& button : block["elements"]) {
        CHECK(slack::CountChars(button["text"]["text"].get<std::string>()) <=
              75);
        CHECK(button["value"].get<std::string>().size() <= 2000);
        CHECK(button["action_id"].get<std::string>().size() <= 255);
      }
    } else if (type == "context") {
      CHECK(block["elements"].size() <= 10);
    }
  }
  // Valid UTF-8 throughout: dump() throws on anything else.
  CHECK_NOTHROW(message.dump());
}

}  // namespace

TEST_CASE("a lead's notes cannot ping the channel or mention anyone",
          "[bot][slack][block_kit]") {
  slack::LeadView view = MakeView();
  view.lead.message = "<!channel> hi <@U123> see <https://evil.example|this>";
  view.lead.name.full = "<!here> Mallory & Co";
  view.lead.source = "<!everyone>";
  view.lead.score_reasons.push_back({"x", 5, "said <@U777>"});
  view.routing_reason = "<!subteam^S1>";

  const auto now = kReceived + 2min;
  for (const json& message :
       {slack::SharkTankPost(view, now), slack::ClaimedPost(view, now),
        slack::LeadCardDm(view, now)}) {
    const std::string text = AllText(message);
    INFO(text);
    CHECK(text.find("<!channel>") == std::string::npos);
    CHECK(text.find("<!here>") == std::string::npos);
    CHECK(text.find("<!everyone>") == std::string::npos);
    CHECK(text.find("<!subteam") == std::string::npos);
    CHECK(text.find("<@U123>") == std::string::npos);
    CHECK(text.find("<@U777>") == std::string::npos);
    CHECK(text.find("<https://evil") == std::string::npos);
    CHECK(text.find("&lt;!channel&gt; hi &lt;@U123&gt;") != std::string::npos);
    CHECK(text.find("Mallory &amp; Co") != std::string::npos);
    CheckLimits(message);
  }
}

TEST_CASE("Slack is told not to auto-link or auto-mention lead text",
          "[bot][slack][block_kit]") {
  const json post = slack::SharkTankPost(MakeView(), kReceived);
  for (const json& field : FindBlock(post, "section")->at("fields")) {
    CHECK(field["verbatim"] == true);
  }
}

TEST_CASE("the shark tank post has what an agent needs before dialing",
          "[bot][slack][block_kit]") {
  const json post = slack::SharkTankPost(MakeView(), kReceived + 2min);
  const std::string text = AllText(post);
  INFO(text);
  const json* header = FindBlock(post, "header");
  REQUIRE(header);
  CHECK((*header)["text"]["text"] == "🔥 Dana O'Connell · Hot buyer");
  CHECK(text.find("<tel:+12125550199|(212) 555-0199>") != std::string::npos);
  CHECK(text.find("<mailto:dana.oconnell@example.com|"
                  "dana.oconnell@example.com>") != std::string::npos);
  CHECK(text.find("14 Elm St, Brooklyn, NY 11201") != std::string::npos);
  CHECK(text.find("$1,250,000") != std::string::npos);
  CHECK(text.find("Pre-approved, want to see it this weekend.") !=
        std::string::npos);
  CHECK(text.find("+30 says pre-approved") != std::string::npos);
  CHECK(text.find("+25 wants to view this weekend") != std::string::npos);
  CHECK(text.find("arrived 2 min ago") != std::string::npos);
  CHECK(text.find("Zillow Premier") != std::string::npos);
  // The fallback names the lead for notifications and screen readers.
  CHECK(post["text"].get<std::string>().find("Dana O'Connell") !=
        std::string::npos);
  CheckLimits(post);
}

TEST_CASE("the arrival time stays current in Slack and falls back to text",
          "[bot][slack][block_kit]") {
  const json post = slack::SharkTankPost(MakeView(), kReceived + 37s);
  const std::string text = AllText(post);
  CHECK(text.find("<!date^1773526743^arrived {ago}|arrived 37 s ago>") !=
        std::string::npos);
  const json fresh = slack::SharkTankPost(MakeView(), kReceived);
  CHECK(AllText(fresh).find("|arrived just now>") != std::string::npos);
}

TEST_CASE("the Claim button carries the lead id", "[bot][slack][block_kit]") {
  const json post = slack::SharkTankPost(MakeView(), kReceived);
  const json* actions = FindBlock(post, "actions");
  REQUIRE(actions);
  CHECK((*actions)["block_id"] == "lead_42_actions");
  REQUIRE((*actions)["elements"].size() == 1);
  const json& button = (*actions)["elements"][0];
  CHECK(button["type"] == "button");
  CHECK(button["text"]["text"] == "Claim");
  CHECK(button["action_id"] == "claim_lead");
  CHECK(button["value"] == "42");
  CHECK(button["style"] == "primary");
  // The actions block is last, under the facts.
  CHECK(post["blocks"].back()["type"] == "actions");
}

TEST_CASE("posts for different leads have different action block ids",
          "[bot][slack][block_kit]") {
  slack::LeadView other = MakeView();
  other.lead_id = 43;
  CHECK(FindBlock(slack::SharkTankPost(MakeView(), kReceived), "actions")
            ->at("block_id") !=
        FindBlock(slack::SharkTankPost(other, kReceived), "actions")
            ->at("block_id"));
}

TEST_CASE("a claimed post has no button and says who claimed it how fast",
          "[bot][slack][block_kit]") {
  slack::LeadView view = MakeView();
  view.owner_slack_id = "U0123ANA";
  view.claim_latency = 37s;
  const json post = slack::ClaimedPost(view, kReceived + 40s);
  CHECK(FindBlock(post, "actions") == nullptr);
  const std::string text = AllText(post);
  CHECK(text.find("Claimed by <@U0123ANA> in 37 s") != std::string::npos);
  CHECK(post["text"].get<std::string>().find(
            "Claimed by <@U0123ANA> in 37 s") != std::string::npos);
  // Same facts as before the claim.
  CHECK(text.find("<tel:+12125550199|(212) 555-0199>") != std::string::npos);
  CheckLimits(post);
}

TEST_CASE("a forged owner id cannot turn into a mention",
          "[bot][slack][block_kit]") {
  slack::LeadView view = MakeView();
  view.owner_slack_id = "U1> <!channel";
  const std::string text = AllText(slack::ClaimedPost(view, kReceived));
  CHECK(text.find("<!channel") == std::string::npos);
}

TEST_CASE(
    "hidden identity hides name and source, but the owner's DM shows "
    "them",
    "[bot][slack][block_kit]") {
  slack::LeadView view = MakeView();
  view.hide_identity = true;
  view.owner_slack_id = "U0123ANA";
  view.claim_latency = 12s;

  for (const json& message : {slack::SharkTankPost(view, kReceived),
                              slack::ClaimedPost(view, kReceived)}) {
    const std::string text = AllText(message);
    INFO(text);
    CHECK(text.find("Dana") == std::string::npos);
    CHECK(text.find("O'Connell") == std::string::npos);
    CHECK(text.find("Zillow") == std::string::npos);
    CHECK(text.find("Lead #42") != std::string::npos);
    CHECK(text.find("Hot buyer") != std::string::npos);
  }
  const std::string dm = AllText(slack::LeadCardDm(view, kReceived));
  CHECK(dm.find("Dana O'Connell") != std::string::npos);
  CHECK(dm.find("Zillow Premier") != std::string::npos);
}

TEST_CASE("the DM card explains the routing and offers Mark contacted",
          "[bot][slack][block_kit]") {
  const json dm = slack::LeadCardDm(MakeView(), kReceived + 5min);
  const std::string text = AllText(dm);
  CHECK(text.find("round-robin turn 14, skipped Ana: paused") !=
        std::string::npos);
  const json* actions = FindBlock(dm, "actions");
  REQUIRE(actions);
  const json& button = (*actions)["elements"][0];
  CHECK(button["action_id"] == "mark_contacted");
  CHECK(button["text"]["text"] == "Mark contacted");
  CHECK(button["value"] == "42");
  CHECK((*actions)["block_id"] != "lead_42_actions");
  CheckLimits(dm);
}

TEST_CASE("60 score reasons still make a valid message",
          "[bot][slack][block_kit]") {
  slack::LeadView view = MakeView();
  view.lead.score_reasons.clear();
  for (int i = 0; i < 60; ++i) {
    view.lead.score_reasons.push_back(
        {"rule_" + std::to_string(i), i, std::string(300, 'r')});
  }
  for (const json& message : {slack::SharkTankPost(view, kReceived),
                              slack::ClaimedPost(view, kReceived),
                              slack::LeadCardDm(view, kReceived)}) {
    CHECK(message["blocks"].size() <= 50);
    CHECK(AllText(message).find("…and 50 more") != std::string::npos);
    CheckLimits(message);
  }
  // The button survives.
  CHECK(FindBlock(slack::SharkTankPost(view, kReceived), "actions"));
}

TEST_CASE("a header over 150 characters is cut but keeps the segment",
          "[bot][slack][block_kit]") {
  slack::LeadView view = MakeView();
  view.lead.name.full = std::string(400, 'N');
  const json post = slack::SharkTankPost(view, kReceived);
  const std::string header = FindBlock(post, "header")->at("text").at("text");
  CHECK(slack::CountChars(header) <= 150);
  CHECK(header.find("… · Hot buyer") != std::string::npos);
}

TEST_CASE("huge and multi-byte lead fields stay within every limit",
          "[bot][slack][block_kit]") {
  slack::LeadView view = MakeView();
  std::string big;
  for (int i = 0; i < 3000; ++i) big += "é<🏠&";
  view.lead.name.full = big;
  view.lead.message = big;
  view.lead.source = big;
  view.lead.email = big;
  view.lead.email_valid = true;
  view.lead.property.address = big;
  view.lead.property.mls_id = big;
  view.routing_reason = big;
  view.owner_slack_id = "U0123ANA";
  view.claim_latency = 5s;
  for (const json& message : {slack::SharkTankPost(view, kReceived),
                              slack::ClaimedPost(view, kReceived),
                              slack::LeadCardDm(view, kReceived)}) {
    CheckLimits(message);
    const std::string text = AllText(message);
    CHECK(text.find("<mailto:") == std::string::npos);
  }
}

TEST_CASE("notes are shortened so the card stays readable",
          "[bot][slack][block_kit]") {
  slack::LeadView view = MakeView();
  view.lead.message = std::string(5000, 'x');
  const std::string text = AllText(slack::SharkTankPost(view, kReceived));
  CHECK(text.find(std::string(690, 'x')) != std::string::npos);
  CHECK(text.find(std::string(701, 'x')) == std::string::npos);
  CHECK(text.find("x…") != std::string::npos);
}

TEST_CASE("an unverified phone or e-mail is shown but not linked",
          "[bot][slack][block_kit]") {
  slack::LeadView view = MakeView();
  view.lead.phone.valid = false;
  view.lead.phone.e164 = "";
  view.lead.phone.raw = "555-123-4567";
  view.lead.email = "not an email";
  view.lead.email_valid = false;
  const std::string text = AllText(slack::SharkTankPost(view, kReceived));
  CHECK(text.find("<tel:") == std::string::npos);
  CHECK(text.find("555-123-4567 (unverified)") != std::string::npos);
  CHECK(text.find("<mailto:") == std::string::npos);
  CHECK(text.find("not an email") != std::string::npos);
}

TEST_CASE("missing facts are left out instead of shown empty",
          "[bot][slack][block_kit]") {
  slack::LeadView view = MakeView();
  view.lead.phone = {};
  view.lead.email.clear();
  view.lead.message.clear();
  view.lead.property = {};
  view.lead.score_reasons.clear();
  const json post = slack::SharkTankPost(view, kReceived);
  const std::string text = AllText(post);
  CHECK(text.find("*Phone*") == std::string::npos);
  CHECK(text.find("*Notes*") == std::string::npos);
  CHECK(text.find("*Price*") == std::string::npos);
  CHECK(text.find("*Score*\n87") != std::string::npos);
  CheckLimits(post);
}

TEST_CASE("thread notes, ephemerals and ops alerts are complete messages",
          "[bot][slack][block_kit]") {
  const json note =
      slack::ThreadNote("No claim in 5 min: assigned to <@U0123ANA>");
  CHECK(note["text"] == "No claim in 5 min: assigned to <@U0123ANA>");
  CheckLimits(note);

  const json ephemeral = slack::Ephemeral("Already claimed by <@U0123ANA>");
  CHECK(AllText(ephemeral).find("Already claimed by <@U0123ANA>") !=
        std::string::npos);
  CheckLimits(ephemeral);

  const json alert = slack::OpsAlert("E-mail no rule could parse",
                                     "Subject: <!channel> FREE <@U1> & more");
  const std::string text = AllText(alert);
  CHECK(text.find("<!channel>") == std::string::npos);
  CHECK(text.find("&lt;!channel&gt; FREE &lt;@U1&gt; &amp; more") !=
        std::string::npos);
  CheckLimits(alert);

  const json long_alert = slack::OpsAlert("t", std::string(10000, 'd'));
  CheckLimits(long_alert);
}

TEST_CASE("phones and prices are formatted for reading",
          "[bot][slack][block_kit]") {
  CHECK(slack::FormatPhone("+12125550199") == "(212) 555-0199");
  CHECK(slack::FormatPhone("+442079460958") == "+442079460958");
  CHECK(slack::FormatMoney(1250000) == "$1,250,000");
  CHECK(slack::FormatMoney(999.6) == "$1,000");
  CHECK(slack::FormatMoney(0) == "$0");
  CHECK(slack::FormatMoney(-1500) == "-$1,500");
}

namespace {

std::vector<slack::DeadLetterView> DeadLetters(int n) {
  std::vector<slack::DeadLetterView> jobs;
  for (int i = 0; i < n; ++i) {
    slack::DeadLetterView job;
    job.job_id = 100 - i;
    job.kind = "slack.post_shark_tank";
    job.lead_id = 7;
    job.attempts = 8;
    job.last_error = "chat.postMessage: channel_not_found";
    job.died_at = kReceived + std::chrono::minutes(i);
    jobs.push_back(job);
  }
  return jobs;
}

std::vector<const json*> Buttons(const json& message) {
  std::vector<const json*> out;
  for (const json& block : message["blocks"]) {
    if (block["type"] != "actions") continue;
    for (const json& element : block["elements"]) out.push_back(&element);
  }
  return out;
}

}  // namespace

TEST_CASE("each dead letter gets a Replay and a Drop button with its id",
          "[bot][slack][block_kit][dlq]") {
  const json message = slack::DeadLetterList(DeadLetters(2), 2);
  CheckLimits(message);
  const std::string text = AllText(message);
  CHECK(text.find("2 dead letters") != std::string::npos);
  CHECK(text.find("#100") != std::string::npos);
  CHECK(text.find("slack.post_shark_tank") != std::string::npos);
  CHECK(text.find("lead #7") != std::string::npos);
  CHECK(text.find("8 attempts") != std::string::npos);
  CHECK(text.find("channel_not_found") != std::string::npos);
  // When it died: a date token Slack localises, with a UTC fallback.
  CHECK(text.find("<!date^1773526743^") != std::string::npos);
  CHECK(text.find("|2026-03-14 22:19 UTC>") != std::string::npos);

  const std::vector<const json*> buttons = Buttons(message);
  REQUIRE(buttons.size() == 4);
  CHECK((*buttons[0])["action_id"] == "dlq_replay");
  CHECK((*buttons[0])["value"] == "100");
  CHECK((*buttons[1])["action_id"] == "dlq_drop");
  CHECK((*buttons[1])["value"] == "100");
  CHECK((*buttons[1]).contains("confirm"));
  CHECK((*buttons[3])["value"] == "99");
}

TEST_CASE("a dead letter's error cannot mention anyone or break the markup",
          "[bot][slack][block_kit][dlq]") {
  std::vector<slack::DeadLetterView> jobs = DeadLetters(1);
  jobs[0].last_error = "<!channel> <@U0123ANA> " + std::string(5000, 'x');
  jobs[0].kind = "odd<kind>";
  const json message = slack::DeadLetterList(jobs, 1);
  CheckLimits(message);
  const std::string text = AllText(message);
  CHECK(text.find("<!channel>") == std::string::npos);
  CHECK(text.find("<@U0123ANA>") == std::string::npos);
  CHECK(text.find("&lt;!channel&gt;") != std::string::npos);
  CHECK(text.find("odd&lt;kind&gt;") != std::string::npos);
  CHECK(text.find(std::string(400, 'x')) == std::string::npos);
}

TEST_CASE("a long dead-letter list shows twenty and counts the rest",
          "[bot][slack][block_kit][dlq]") {
  const json message = slack::DeadLetterList(DeadLetters(30), 57);
  CheckLimits(message);
  CHECK(Buttons(message).size() == 2 * slack::kMaxDeadLettersShown);
  const std::string text = AllText(message);
  CHECK(text.find("57 dead letters") != std::string::npos);
  CHECK(text.find("37 older") != std::string::npos);
}

TEST_CASE("no dead letters is one plain sentence without buttons",
          "[bot][slack][block_kit][dlq]") {
  const json message = slack::DeadLetterList({}, 0);
  CheckLimits(message);
  CHECK(Buttons(message).empty());
  CHECK(AllText(message).find("No dead letters") != std::string::npos);
}

TEST_CASE("a support request's card says what it is, without the hot-lead fire",
          "[bot][slack][block_kit]") {
  slack::LeadView view = MakeView();
  view.lead.name.full = "Owen Tran";
  view.lead.segment = pipeline::Segment::kWarmBuyer;
  view.lead.intent = pipeline::Intent::kSupportRequest;
  const json post = slack::SharkTankPost(view, kReceived);
  const json* header = FindBlock(post, "header");
  REQUIRE(header);
  CHECK((*header)["text"]["text"] == "Owen Tran · Support request");
  CHECK(post["text"].get<std::string>().find("Warm buyer") == std::string::npos);
  // A warm buyer in the same card gets its segment, still no fire.
  view.lead.intent = pipeline::Intent::kGeneralInquiry;
  CHECK((*FindBlock(slack::SharkTankPost(view, kReceived), "header"))["text"]
            ["text"] == "Owen Tran · Warm buyer");
}

TEST_CASE("a dead-lettered e-mail is listed first with its own Replay button",
          "[bot][slack][block_kit][dlq]") {
  slack::DeadEmailView email;
  email.email_id = 42;
  email.source = "Realtor.com <b>";
  email.why = "no name (the template may have changed) <!channel>";
  email.attempts = 1;
  email.received_at = kReceived;
  const json message = slack::DeadLetterList(DeadLetters(1), 1, {email}, 1);
  CheckLimits(message);
  const std::vector<const json*> buttons = Buttons(message);
  REQUIRE(buttons.size() == 3);
  CHECK((*buttons[0])["action_id"] == "dlq_email_replay");
  CHECK((*buttons[0])["value"] == "42");
  CHECK((*buttons[1])["action_id"] == "dlq_replay");
  const std::string text = AllText(message);
  CHECK(text.find("2 dead letters") != std::string::npos);
  CHECK(text.find("E-mail #42") != std::string::npos);
  CHECK(text.find("<!channel>") == std::string::npos);  // escaped
  CHECK(text.find("&lt;b&gt;") != std::string::npos);
}

TEST_CASE("e-mails alone fill the list, and many leave room for jobs",
          "[bot][slack][block_kit][dlq]") {
  std::vector<slack::DeadEmailView> emails(8);
  for (size_t i = 0; i < emails.size(); ++i) {
    emails[i].email_id = static_cast<int64_t>(i + 1);
    emails[i].received_at = kReceived;
  }
  const json only = slack::DeadLetterList({}, 0, {emails[0]}, 1);
  CHECK(Buttons(only).size() == 1);
  const json many = slack::DeadLetterList(DeadLetters(30), 30, emails, 8);
  CheckLimits(many);
  // Five e-mails, fifteen jobs with two buttons each; the rest counted.
  CHECK(Buttons(many).size() == slack::kMaxDeadEmailsShown +
                                    2 * (slack::kMaxDeadLettersShown - slack::kMaxDeadEmailsShown));
  CHECK(AllText(many).find("18 older") != std::string::npos);
}
