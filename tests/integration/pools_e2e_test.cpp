// Pools and routes end to end: the real daemon against slack-sim with
// [[pools]] and [[routes]] in its config. Each pool mode hands out leads
// as it should, fallback chains end in triage with every hop on the
// timeline, a returning lead goes back to its owner, and a daily cap
// counts across pools. (A config without [[pools]] is what every other
// end-to-end test runs, unchanged.)
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/slack_stack.h"

using leadrouter::testing::AgentToml;
using leadrouter::testing::Contains;
using leadrouter::testing::HasButton;
using leadrouter::testing::HotLead;
using leadrouter::testing::kManager;
using leadrouter::testing::kTriageChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using leadrouter::testing::WarmLead;
using nlohmann::json;

namespace {

constexpr char kLuxChannel[] = "C0LUXURY01";
const std::string kAna = "U0AGENTANA", kBen = "U0AGENTBEN",
                  kCy = "U0AGENTCYX", kDee = "U0AGENTDEE";

std::string Agents(const std::string& cy_extra = "") {
  return "[rotation]\ntimezone = \"UTC\"\n" + AgentToml(kAna, "Ana") +
         AgentToml(kBen, "Ben") + AgentToml(kCy, "Cy", cy_extra) +
         AgentToml(kDee, "Dee");
}

// A warm lead from `source`.
json From(int n, const std::string& source, const std::string& email = "") {
  json lead = WarmLead(n, email);
  lead["source"] = source;
  return lead;
}

std::vector<std::string> Events(SlackStack& s, int64_t id,
                                const std::string& kind) {
  std::vector<std::string> out;
  const std::string n = std::to_string(
      s.Count("SELECT count(*) FROM timeline_events WHERE lead_id = " +
              std::to_string(id) + " AND kind = '" + kind + "'"));
  for (int i = 0; i < std::stoi(n); ++i) {
    out.push_back(s.QueryString(
        "SELECT json_extract(detail, '$.reason') FROM timeline_events WHERE "
        "lead_id = " + std::to_string(id) + " AND kind = '" + kind +
        "' ORDER BY id LIMIT 1 OFFSET " + std::to_string(i)));
  }
  return out;
}

}  // namespace

TEST_CASE("first_to_claim: a pool's leads are posted in its channel and "
          "claimed there by its members",
          "[integration][pools]") {
  SlackStack s(StackOptions{Agents() + R"(
[[pools]]
name = "luxury"
mode = "first_to_claim"
members = ["U0AGENTANA", "U0AGENTBEN"]
channel = "C0LUXURY01"
claim_timeout = "3m"
fallback = "everyone"

[[pools]]
name = "everyone"
mode = "round_robin"
members = ["U0AGENTCYX", "U0AGENTDEE"]

[[routes]]
name = "luxury"
pool = "luxury"
when = { price_min = 600000 }

[[routes]]
name = "default"
pool = "everyone"
)"});
  const int64_t id = s.PostLead(HotLead(1, "Lux Lena"))["lead_id"];
  auto post = s.WaitFor(kLuxChannel, [](const json& m) {
    return HasButton(m, "claim_lead") && Contains(MessageText(m), "Lux Lena");
  });
  REQUIRE(post);
  CHECK(Contains(MessageText(*post),
                 "route luxury: price $650,000 ≥ $600,000 → pool luxury"));

  // Cy is an agent, but not in this pool.
  s.Click(kLuxChannel, (*post)["ts"], "claim_lead", kCy);
  CHECK(s.WaitFor(
      kLuxChannel,
      [](const json& m) { return Contains(m.value("text", ""), "luxury pool"); },
      true));
  s.Click(kLuxChannel, (*post)["ts"], "claim_lead", kBen);
  CHECK(s.OwnerOf(id) == kBen);

  SECTION("unclaimed past the pool's own timeout, it goes to the fallback") {
    const int64_t next = s.PostLead(HotLead(2, "Late Larry"))["lead_id"];
    REQUIRE(s.WaitFor(kLuxChannel, [](const json& m) {
      return Contains(MessageText(m), "Late Larry");
    }));
    s.Advance("3m");
    CHECK(s.OwnerOf(next) == kCy);
    auto hops = Events(s, next, "pool_skipped");
    REQUIRE(hops.size() == 1);
    CHECK(hops[0] == "pool luxury: nobody claimed it");
  }
}

TEST_CASE("round_robin: each pool keeps its own turn order, and agent mode "
          "gives one member every lead",
          "[integration][pools]") {
  SlackStack s(StackOptions{Agents() + R"(
[[pools]]
name = "zillow"
mode = "round_robin"
members = ["U0AGENTANA", "U0AGENTBEN"]

[[pools]]
name = "everyone"
mode = "round_robin"
members = ["U0AGENTBEN", "U0AGENTCYX"]

[[pools]]
name = "listings"
mode = "agent"
members = ["U0AGENTDEE"]

[[routes]]
name = "zillow"
pool = "zillow"
when = { source = "Zillow" }

[[routes]]
name = "sellers"
pool = "listings"
when = { source = "Seller form" }

[[routes]]
name = "default"
pool = "everyone"
)"});
  std::vector<std::string> zillow, everyone, listings;
  for (int i = 0; i < 3; ++i) {
    zillow.push_back(s.OwnerOf(s.PostLead(From(10 + i, "Zillow"))["lead_id"]));
    everyone.push_back(s.OwnerOf(s.PostLead(From(20 + i, "Website"))["lead_id"]));
    listings.push_back(
        s.OwnerOf(s.PostLead(From(30 + i, "Seller form"))["lead_id"]));
  }
  // Ben is in two pools; each pool's turn moves on its own.
  CHECK(zillow == std::vector<std::string>{kAna, kBen, kAna});
  CHECK(everyone == std::vector<std::string>{kBen, kCy, kBen});
  CHECK(listings == std::vector<std::string>{kDee, kDee, kDee});

  // /metrics counts them by route and, apart, by the pool the route names.
  const std::string metrics =
      leadrouter::test::HttpClient(s.daemon_port()).Send("GET", "/metrics", {}, "").body;
  INFO(metrics);
  CHECK(std::regex_search(
      metrics, std::regex(R"(leadrouter_leads_routed_total\{pool="listings",route="sellers",segment="[A-Z_]+"\} 3\n)")));
  CHECK(std::regex_search(
      metrics, std::regex(R"(leadrouter_leads_routed_total\{pool="everyone",route="default",segment="[A-Z_]+"\} 3\n)")));

  // The DM says which route matched and why.
  auto card = s.WaitFor(s.WaitForDm(kDee), [](const json& m) {
    return Contains(MessageText(m), "route sellers: source Seller form");
  });
  CHECK(card);
}

TEST_CASE("a pool whose members are all paused falls back, then to the "
          "catch-all, then to triage, every hop on the timeline",
          "[integration][pools]") {
  SlackStack s(StackOptions{Agents() + R"(
[[pools]]
name = "spanish"
mode = "round_robin"
members = ["U0AGENTANA"]
fallback = "team"

[[pools]]
name = "team"
mode = "agent"
members = ["U0AGENTBEN"]
fallback = "everyone"

[[pools]]
name = "everyone"
mode = "round_robin"
members = ["U0AGENTCYX", "U0AGENTDEE"]

[[routes]]
name = "spanish"
pool = "spanish"
when = { language = "es" }

[[routes]]
name = "default"
pool = "everyone"
)"});
  for (const std::string& who : {kAna, kBen, kCy, kDee}) {
    CHECK(Contains(s.CommandReply("/rotation", "pause <@" + who + ">", kManager),
                   "Paused"));
  }
  json lead = WarmLead(40);
  lead["message"] = "Hola, estoy buscando una casa para mi familia";
  const int64_t id = s.PostLead(lead)["lead_id"];
  auto post = s.WaitFor(kTriageChannel, [](const json& m) {
    return Contains(MessageText(m), "Needs an owner");
  });
  REQUIRE(post);
  const std::string routed = s.QueryString(
      "SELECT json_extract(detail, '$.reason') FROM timeline_events WHERE "
      "kind = 'routed' AND lead_id = " + std::to_string(id));
  CHECK(Contains(routed, "route spanish: language es (detected) → pool spanish"));
  auto hops = Events(s, id, "pool_skipped");
  REQUIRE(hops.size() == 3);
  CHECK(Contains(hops[0], "pool spanish: nobody available: Ana: paused"));
  CHECK(hops[1] == "pool team: Ben: paused");
  CHECK(Contains(hops[2], "pool everyone: nobody available"));
  auto unassigned = Events(s, id, "unassigned");
  REQUIRE(unassigned.size() == 1);
  CHECK(Contains(unassigned[0], "the fallback chain ended: triage"));
}

TEST_CASE("pools: a returning lead goes back to its owner before any route",
          "[integration][pools]") {
  SlackStack s(StackOptions{Agents() + R"(
[[pools]]
name = "everyone"
mode = "round_robin"
members = ["U0AGENTANA", "U0AGENTBEN"]

[[routes]]
name = "default"
pool = "everyone"
)"});
  const int64_t first =
      s.PostLead(From(50, "Website", "again@example.com"))["lead_id"];
  REQUIRE(s.OwnerOf(first) == kAna);
  REQUIRE(s.OwnerOf(s.PostLead(From(51, "Website"))["lead_id"]) == kBen);
  REQUIRE(s.OwnerOf(s.PostLead(From(52, "Website"))["lead_id"]) == kAna);
  // The pool's next turn is Ben's; the returning lead must still go to Ana.
  json again = s.PostLead(From(53, "Website", "again@example.com"));
  CHECK(again["duplicate_of"] == first);
  // Wait for the returning lead's own assignment, then check the owner.
  for (int i = 0; i < 500 && Events(s, first, "assigned").size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto assigned = Events(s, first, "assigned");
  REQUIRE(assigned.size() == 2);
  CHECK(Contains(assigned[1], "returning lead, back to its previous owner Ana"));
  CHECK(s.QueryString("SELECT owner_slack_id FROM leads WHERE id = " +
                      std::to_string(first)) == kAna);
}

TEST_CASE("pools: an agent's daily cap counts across every pool",
          "[integration][pools]") {
  SlackStack s(StackOptions{Agents("daily_cap = 2\n") + R"(
[[pools]]
name = "zillow"
mode = "round_robin"
members = ["U0AGENTCYX"]
fallback = "backup"

[[pools]]
name = "everyone"
mode = "round_robin"
members = ["U0AGENTCYX"]
fallback = "backup"

[[pools]]
name = "backup"
mode = "agent"
members = ["U0AGENTDEE"]

[[routes]]
name = "zillow"
pool = "zillow"
when = { source = "Zillow" }

[[routes]]
name = "default"
pool = "everyone"
)"});
  CHECK(s.OwnerOf(s.PostLead(From(60, "Zillow"))["lead_id"]) == kCy);
  CHECK(s.OwnerOf(s.PostLead(From(61, "Website"))["lead_id"]) == kCy);
  // Cy's cap of 2 is used up across the two pools: the third goes on.
  const int64_t third = s.PostLead(From(62, "Zillow"))["lead_id"];
  CHECK(s.OwnerOf(third) == kDee);
  auto hops = Events(s, third, "pool_skipped");
  REQUIRE(hops.size() == 1);
  CHECK(Contains(hops[0], "Cy: at daily cap (2/2)"));
}

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// Replaces the first `from` in `text` with `to`; REQUIREs it is there.
std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

const std::string kTwoPools = R"(
[[pools]]
name = "zillow"
mode = "agent"
members = ["U0AGENTANA"]

[[pools]]
name = "everyone"
mode = "agent"
members = ["U0AGENTBEN"]

[[routes]]
name = "zillow"
pool = "zillow"
when = { source = "Zillow" }

[[routes]]
name = "default"
pool = "everyone"
)";

}  // namespace

TEST_CASE("SIGHUP: a good file applies to the next lead; a bad one is "
          "refused, the old rules stay, and ops hears why",
          "[integration][pools][reload]") {
  SlackStack s(StackOptions{Agents() + kTwoPools});
  REQUIRE(s.OwnerOf(s.PostLead(From(70, "Zillow"))["lead_id"]) == kAna);
  const std::string original = ReadFile(s.config_path());

  // Zillow leads now go to Cy.
  WriteFile(s.config_path(),
            Replace(original, "members = [\"U0AGENTANA\"]",
                    "members = [\"U0AGENTCYX\"]"));
  s.SignalDaemon(SIGHUP);
  for (int i = 0; i < 500 && !Contains(s.DaemonLog(), "config.reloaded"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(Contains(s.DaemonLog(), "config.reloaded"));
  CHECK(s.OwnerOf(s.PostLead(From(71, "Zillow"))["lead_id"]) == kCy);

  // A file whose route names no pool is refused; Cy keeps Zillow.
  WriteFile(s.config_path(),
            Replace(original, "pool = \"zillow\"", "pool = \"nowhere\""));
  s.SignalDaemon(SIGHUP);
  auto alert = s.WaitFor(leadrouter::testing::kOpsChannel, [](const json& m) {
    return Contains(MessageText(m), "Config reload refused");
  });
  REQUIRE(alert);
  CHECK(Contains(MessageText(*alert), "\"nowhere\" is not a pool"));
  CHECK(Contains(s.DaemonLog(), "config.reload_refused"));
  CHECK(s.OwnerOf(s.PostLead(From(72, "Zillow"))["lead_id"]) == kCy);
  // The daemon still serves after both signals.
  CHECK(s.OwnerOf(s.PostLead(From(73, "Website"))["lead_id"]) == kBen);
}

TEST_CASE("/routes, /leads why and /rotation POOL explain the routing",
          "[integration][pools][commands]") {
  SlackStack s(StackOptions{Agents() + R"(
[[pools]]
name = "zillow"
mode = "round_robin"
members = ["U0AGENTANA", "U0AGENTBEN"]

[[pools]]
name = "everyone"
mode = "agent"
members = ["U0AGENTCYX"]

[[routes]]
name = "zillow"
pool = "zillow"
when = { source = "Zillow" }

[[routes]]
name = "default"
pool = "everyone"
)"});
  const int64_t id = s.PostLead(From(80, "Zillow"))["lead_id"];
  REQUIRE(s.OwnerOf(id) == kAna);
  REQUIRE(s.OwnerOf(s.PostLead(From(81, "Website"))["lead_id"]) == kCy);

  const std::string routes = s.CommandReply("/routes", "", kBen);
  CHECK(Contains(routes, "1. *zillow* → pool zillow (round-robin over 2 members): "
                         "source Zillow · 1 lead today"));
  CHECK(Contains(routes, "2. *default* → pool everyone"));

  const std::string why = s.CommandReply("/leads", "why " + std::to_string(id), kBen);
  CHECK(Contains(why, "*When it arrived*: route zillow: source Zillow → pool zillow"));
  CHECK(Contains(why, "*Today's rules, now*: route zillow"));

  // One round-robin pool: the pool may be left out.
  const std::string list = s.CommandReply("/rotation", "list", kBen);
  CHECK(Contains(list, "*Pool zillow*"));
  CHECK(Contains(list, "Next: Ben."));
  CHECK(Contains(s.CommandReply("/rotation", "zillow skip", kManager),
                 "Skipped Ben's turn in pool zillow"));
  CHECK(s.OwnerOf(s.PostLead(From(82, "Zillow"))["lead_id"]) == kAna);
}
