// Enrichment end to end: the real daemon, slack-sim, and a stand-in
// property provider (tests/support/property_sim.py) on 127.0.0.1. A lead
// waits for its lookup at most enrichment.deadline; what the provider says
// can make it hot or nurture, arrives late onto the card in place, and its
// faults (429, 5xx, bad JSON, missing fields) never lose or stall a lead.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/daemon_process.h"
#include "tests/support/lead_events.h"
#include "tests/support/property_sim.h"
#include "tests/support/http_client.h"
#include "tests/support/slack_stack.h"

using leadrouter::testing::AgentToml;
using leadrouter::testing::Contains;
using leadrouter::testing::EventDetail;
using leadrouter::testing::Events;
using leadrouter::testing::HasButton;
using leadrouter::testing::ListingAnswer;
using leadrouter::testing::MessageText;
using leadrouter::testing::PropertySim;
using leadrouter::testing::RoutedAfterMs;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using leadrouter::testing::TempDir;
using leadrouter::testing::WaitForEvent;
using leadrouter::testing::WriteFile;
using nlohmann::json;

namespace {

// How late past the deadline a routing may run on a loaded, sanitized
// build (the runner's timer, the writer's fsync); the deadline itself is
// what the daemon aims at.
constexpr int64_t kSchedulingSlackMs = 1500;

struct EnrichStack {
  explicit EnrichStack(const std::string& provider_extra = "",
                       const std::string& deadline = "800ms",
                       const std::string& more = "", bool with_person = false) {
    WriteFile(files.File("zip_medians.csv"),
              "zip,median,as_of\n02139,452000,2026-10-01\n");
    StackOptions options{
        "[rotation]\ntimezone = \"UTC\"\n" + AgentToml("U0AGENTANA", "Ana") +
        "[market]\nmedians_file = \"" + files.File("zip_medians.csv") + "\"\n" +
        more + "[enrichment]\ndeadline = \"" + deadline + "\"\n" +
        provider.ConfigToml(provider_extra, with_person)};
    options.env["PROPERTY_API_KEY"] = PropertySim::kApiKey;
    stack = std::make_unique<SlackStack>(options);
  }
  PropertySim provider;
  TempDir files;
  std::unique_ptr<SlackStack> stack;
};

// A buyer with only an e-mail and an MLS id in 02139: without a listing
// fact it is warm (no phone, so its score stays under the hot threshold).
json Buyer(int n, const std::string& mls, const std::string& message) {
  return {{"name", "Bea Buyer" + std::to_string(n)},
          {"email", "buyer" + std::to_string(n) + "@example.com"},
          {"message", message},
          {"mls_id", mls},
          {"zip", "02139"}};
}

std::string Id(int64_t id) { return std::to_string(id); }

}  // namespace

TEST_CASE("a listing 3 days on the market makes a buyer with money ready hot",
          "[integration][enrichment]") {
  EnrichStack e;
  SlackStack& s = *e.stack;
  e.provider.Records({{"MLS-HOT-1", ListingAnswer(3, 650000, 4, 3, 2150)}});
  const int64_t id = s.PostLead(
      Buyer(1, "MLS-HOT-1", "We are pre-approved, can we see it?"))["lead_id"];

  const json post = s.WaitForPost("Bea Buyer1");
  INFO(MessageText(post));
  CHECK(HasButton(post, "claim_lead"));
  CHECK(
      Contains(MessageText(post),
               "listed 3 days ago \u00b7 4 bd / 3 ba \u00b7 2,150 sq ft \u00b7 "
               "44 % over the 02139 median"));
  CHECK(s.QueryString("SELECT segment FROM leads WHERE id = " + Id(id)) ==
        "HOT_BUYER");
  CHECK(Contains(EventDetail(s, id, "resegmented"), "\"to\":\"HOT_BUYER\""));
  CHECK(Contains(EventDetail(s, id, "resegmented"), "3 days on market"));
  // Routed on the answer, not at the deadline.
  CHECK(Events(s, id, "enrichment_deadline") == 0);
  const int64_t after = RoutedAfterMs(s, id);
  CHECK(after >= 0);
  CHECK(after <= 800 + kSchedulingSlackMs);
  const json requests = e.provider.Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0]["api_key_ok"] == true);
  CHECK(requests[0]["query"]["mls"] == "MLS-HOT-1");
  CHECK(requests[0]["query"]["zip"] == "02139");
}

TEST_CASE(
    "a price far above the ZIP median sends the lead to nurture, saying so",
    "[integration][enrichment]") {
  EnrichStack e;
  SlackStack& s = *e.stack;
  e.provider.Records({{"MLS-BIG-1", ListingAnswer(40, 1900000, 6, 5, 5200)}});
  const int64_t id = s.PostLead(
      Buyer(2, "MLS-BIG-1", "Tell me about this listing please"))["lead_id"];
  REQUIRE(WaitForEvent(s, id, "routed"));
  s.WaitUntilIdle();
  CHECK(s.QueryString("SELECT segment FROM leads WHERE id = " + Id(id)) ==
        "NURTURE_LONGTERM");
  CHECK(Contains(EventDetail(s, id, "routed"), "nurture"));
  CHECK(Contains(EventDetail(s, id, "resegmented"),
                 "$1,900,000 is 4.2\u00d7 the 02139 median of $452,000"));
  // Nurture: no agent. (Her DM channel is open: the daemon opens each
  // agent's at start.)
  const std::string ana = s.DmChannel("U0AGENTANA");
  CHECK((ana.empty() || s.Channel(ana)["messages"].empty()));
}

TEST_CASE("a reload (SIGHUP) applies an edited medians file to the next lead",
          "[integration][enrichment]") {
  EnrichStack e;
  SlackStack& s = *e.stack;
  e.provider.Records({{"MLS-BIG-2", ListingAnswer(40, 1900000, 6, 5, 5200)},
                      {"MLS-BIG-3", ListingAnswer(40, 1900000, 6, 5, 5200)}});
  const int64_t before =
      s.PostLead(Buyer(12, "MLS-BIG-2", "Tell me about it"))["lead_id"];
  REQUIRE(WaitForEvent(s, before, "routed"));
  CHECK(s.QueryString("SELECT segment FROM leads WHERE id = " + Id(before)) ==
        "NURTURE_LONGTERM");

  WriteFile(e.files.File("zip_medians.csv"), "zip,median\n02139,1800000\n");
  s.SignalDaemon(SIGHUP);
  bool reloaded = false;
  for (int i = 0; i < 1000 && !reloaded; ++i) {
    reloaded = Contains(s.DaemonLog(), "config.reloaded");
    if (!reloaded) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(reloaded);
  const int64_t after =
      s.PostLead(Buyer(13, "MLS-BIG-3", "Tell me about it"))["lead_id"];
  REQUIRE(WaitForEvent(s, after, "routed"));
  CHECK(s.QueryString("SELECT segment FROM leads WHERE id = " + Id(after)) ==
        "WARM_BUYER");
  CHECK(Contains(
      s.QueryString("SELECT lead_json FROM leads WHERE id = " + Id(after)),
      "within 15 % of the 02139 median of $1,800,000"));
}

TEST_CASE(
    "a provider slower than the deadline: routed on time, card updated later",
    "[integration][enrichment]") {
  EnrichStack e("timeout = \"10s\"\n");
  SlackStack& s = *e.stack;
  e.provider.Records({{"MLS-SLOW-1", ListingAnswer(40, 480000, 3, 2, 1400)}});
  e.provider.Script({{"status", 200}, {"delay_ms", 2500}, {"times", 1}});
  const int64_t id = s.PostLead(
      Buyer(3, "MLS-SLOW-1", "Is the flat still available?"))["lead_id"];

  const std::string dm = s.WaitForDm("U0AGENTANA");
  auto card = s.WaitFor(
      dm, [](const json& m) { return HasButton(m, "mark_contacted"); });
  REQUIRE(card);
  CHECK_FALSE(Contains(MessageText(*card), "3 bd"));
  CHECK(Events(s, id, "enrichment_deadline") == 1);
  CHECK(Contains(EventDetail(s, id, "enrichment_deadline"),
                 "asking the property provider"));
  const int64_t after = RoutedAfterMs(s, id);
  CHECK(after >= 800);
  CHECK(after <= 800 + kSchedulingSlackMs);
  // Routed when its wait ended, it counts as one routed at intake would.
  leadrouter::test::HttpClient http(s.daemon_port());
  CHECK(Contains(http.Send("GET", "/metrics").body,
                 "leadrouter_leads_routed_total{pool=\"none\",route=\"round_robin\","));

  // The answer lands on the same message, in place.
  auto updated = s.WaitFor(dm, [&](const json& m) {
    return m["ts"] == (*card)["ts"] &&
           Contains(MessageText(m),
                    "listed 40 days ago \u00b7 3 bd / 2 ba \u00b7 1,400 sq ft");
  });
  CHECK(updated);
  CHECK(s.Channel(dm)["messages"].size() == 1);
  CHECK(Events(s, id, "enriched") == 1);
}

TEST_CASE(
    "a 429 with Retry-After: the lead routes without the data, the retry waits",
    "[integration][enrichment]") {
  EnrichStack e;
  SlackStack& s = *e.stack;
  e.provider.Records({{"MLS-Q-1", ListingAnswer(20, 430000, 2, 1, 900)}});
  e.provider.Script({{"status", 429}, {"retry_after", 30}, {"times", 1}});
  const int64_t id = s.PostLead(
      Buyer(4, "MLS-Q-1", "Is the flat still available?"))["lead_id"];

  REQUIRE(WaitForEvent(s, id, "routed"));
  CHECK(Contains(EventDetail(s, id, "enrichment_deadline"),
                 "quota is spent (429)"));
  s.WaitUntilIdle();
  CHECK(e.provider.Requests().size() == 1);  // nothing before Retry-After

  s.Advance("31s");
  REQUIRE(WaitForEvent(s, id, "enriched"));
  s.WaitUntilIdle();
  CHECK(e.provider.Requests().size() == 2);
  const std::string dm = s.WaitForDm("U0AGENTANA");
  CHECK(s.WaitFor(dm, [](const json& m) {
    return Contains(MessageText(m), "2 bd / 1 ba");
  }));
}

TEST_CASE("a 5xx: the lookup waits and tries again, the lead is not held",
          "[integration][enrichment]") {
  EnrichStack e;
  SlackStack& s = *e.stack;
  e.provider.Records({{"MLS-5XX-1", ListingAnswer(20, 430000, 2, 1, 900)}});
  e.provider.Script({{"status", 503}, {"times", 1}});
  const int64_t id = s.PostLead(
      Buyer(5, "MLS-5XX-1", "Is the flat still available?"))["lead_id"];

  REQUIRE(WaitForEvent(s, id, "routed"));
  CHECK(Contains(EventDetail(s, id, "enrichment_deadline"),
                 "unavailable: the provider answered 503"));
  s.WaitUntilIdle();
  s.Advance("2m");
  REQUIRE(WaitForEvent(s, id, "enriched"));
  CHECK(e.provider.Requests().size() == 2);
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE state = 'dead'") == 0);
}

TEST_CASE("malformed JSON: the lookup gives up at once and the lead routes",
          "[integration][enrichment]") {
  EnrichStack e("", "30s");
  SlackStack& s = *e.stack;
  e.provider.Script(
      {{"status", 200}, {"raw", "<html>gateway says hi</html>"}, {"times", 1}});
  const int64_t id = s.PostLead(
      Buyer(6, "MLS-BAD-1", "Is the flat still available?"))["lead_id"];

  // Long before the 30 s deadline: the failed lookup ends the wait.
  REQUIRE(WaitForEvent(s, id, "routed"));
  CHECK(Contains(EventDetail(s, id, "enrichment_failed"), "not JSON"));
  CHECK(Events(s, id, "enrichment_deadline") == 0);
  s.WaitUntilIdle();
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE state = 'dead'") == 0);
  CHECK(e.provider.Requests().size() == 1);
}

TEST_CASE("a missing field is left out of the card and listed on the timeline",
          "[integration][enrichment]") {
  EnrichStack e;
  SlackStack& s = *e.stack;
  e.provider.Records(
      {{"MLS-PART-1", {{"property", {{"days_on_market", 30}, {"beds", 2}}}}}});
  const int64_t id = s.PostLead(
      Buyer(7, "MLS-PART-1", "Is the flat still available?"))["lead_id"];
  const std::string dm = s.WaitForDm("U0AGENTANA");
  auto card = s.WaitFor(
      dm, [](const json& m) { return HasButton(m, "mark_contacted"); });
  REQUIRE(card);
  INFO(MessageText(*card));
  CHECK(Contains(MessageText(*card), "listed 30 days ago \u00b7 2 bd"));
  CHECK_FALSE(Contains(MessageText(*card), "sq ft"));
  const std::string enriched = EventDetail(s, id, "enriched");
  CHECK(Contains(
      enriched,
      "\"missing\":[\"baths\",\"list_price\",\"sqft\",\"year_built\"]"));
  CHECK(Events(s, id, "enrichment_deadline") == 0);
}

TEST_CASE("a person lookup by e-mail adds company and title to the card",
          "[integration][enrichment]") {
  EnrichStack e("", "800ms", "", /*with_person=*/true);
  SlackStack& s = *e.stack;
  e.provider.Records({{"MLS-P-1", ListingAnswer(30, 470000, 3, 2, 1600)},
                      {"buyer11@example.com",
                       {{"company", "Acme Corp"},
                        {"title", "VP Sales"},
                        {"profile", "https://example.com/in/bea"}}}});
  const int64_t id =
      s.PostLead(Buyer(11, "MLS-P-1", "Is it available?"))["lead_id"];
  const std::string dm = s.WaitForDm("U0AGENTANA");
  auto card = s.WaitFor(
      dm, [](const json& m) { return HasButton(m, "mark_contacted"); });
  REQUIRE(card);
  INFO(MessageText(*card));
  CHECK(Contains(MessageText(*card), "3 bd / 2 ba"));
  CHECK(Contains(MessageText(*card), "VP Sales at Acme Corp"));
  CHECK(Events(s, id, "enriched") ==
        2);  // both answered: routed without the deadline
  CHECK(Events(s, id, "enrichment_deadline") == 0);
  CHECK(e.provider.Requests().size() == 2);
}

TEST_CASE("the cache serves a repeat lookup without asking the provider",
          "[integration][enrichment]") {
  EnrichStack e;
  SlackStack& s = *e.stack;
  e.provider.Records({{"MLS-TWICE", ListingAnswer(30, 470000, 3, 2, 1600)}});
  const int64_t first =
      s.PostLead(Buyer(8, "MLS-TWICE", "Is it available?"))["lead_id"];
  REQUIRE(WaitForEvent(s, first, "enriched"));
  const int64_t second =
      s.PostLead(Buyer(9, "MLS-TWICE", "Can I see it?"))["lead_id"];
  REQUIRE(WaitForEvent(s, second, "enriched"));
  CHECK(Contains(EventDetail(s, second, "enriched"), "\"cached\":true"));
  CHECK(Contains(EventDetail(s, first, "enriched"), "\"cached\":false"));
  CHECK(e.provider.Requests().size() == 1);
}

TEST_CASE("the provider's API key never reaches a log line",
          "[integration][enrichment]") {
  EnrichStack e("", "800ms", "[log]\nlevel = \"debug\"\n");
  SlackStack& s = *e.stack;
  e.provider.Records({{"MLS-KEY-1", ListingAnswer(30, 470000, 3, 2, 1600)}});
  e.provider.Script({{"status", 503}, {"times", 1}});
  const int64_t id =
      s.PostLead(Buyer(10, "MLS-KEY-1", "Is it available?"))["lead_id"];
  REQUIRE(WaitForEvent(s, id, "routed"));
  s.Advance("2m");
  REQUIRE(WaitForEvent(s, id, "enriched"));
  const json requests = e.provider.Requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1]["api_key_ok"] == true);  // the key was sent
  const std::string log = s.DaemonLog();
  CHECK(Contains(log, "enrichment.lookup"));
  CHECK_FALSE(Contains(log, PropertySim::kApiKey));
}

TEST_CASE(
    "a burst of 200 leads against 60 lookups a minute: none lost, none late",
    "[integration][enrichment][burst]") {
  EnrichStack e("rate_per_minute = 60\ntimeout = \"5s\"\n");
  SlackStack& s = *e.stack;
  json records = json::object();
  for (int i = 0; i < 200; ++i) {
    records["MLS-B-" + std::to_string(i)] =
        ListingAnswer(30, 300000, 2, 1, 800);
  }
  e.provider.Records(records);
  std::vector<int64_t> ids;
  for (int i = 0; i < 200; ++i) {
    // Nurture leads: routed without a Slack message, so the burst measures
    // the lookups and the deadline rather than Slack's pace.
    json lead =
        Buyer(100 + i, "MLS-B-" + std::to_string(i), "Just looking for now");
    ids.push_back(s.PostLead(lead)["lead_id"]);
  }
  // Every lead routed within the deadline (plus scheduling), lookup or not.
  for (int64_t id : ids) {
    INFO("lead " << id);
    REQUIRE(WaitForEvent(s, id, "routed"));
    const int64_t after = RoutedAfterMs(s, id);
    CHECK(after <= 800 + kSchedulingSlackMs);
  }
  s.WaitUntilIdle();
  size_t sent = e.provider.Requests().size();
  CHECK(sent == 60);
  CHECK(s.Count("SELECT count(*) FROM timeline_events WHERE kind = "
                "'enrichment_deadline' "
                "AND detail LIKE '%rate of 60 lookups a minute%'") >= 140);

  // Each minute of the moved clock lets at most 60 more through, and the
  // queue drains: every lead is looked up once it is its turn.
  for (int minute = 1; minute <= 6; ++minute) {
    if (s.Count(
            "SELECT count(*) FROM timeline_events WHERE kind = 'enriched'") ==
        200)
      break;
    s.Advance("61s");
    s.WaitUntilIdle();
    const size_t now_sent = e.provider.Requests().size();
    INFO("minute " << minute);
    CHECK(now_sent - sent <= 60);
    sent = now_sent;
  }
  std::set<std::string> looked_up;
  for (const json& r : e.provider.Requests())
    looked_up.insert(r["query"]["mls"].get<std::string>());
  CHECK(looked_up.size() == 200);
  CHECK(
      s.Count("SELECT count(*) FROM timeline_events WHERE kind = 'enriched'") ==
      200);
  CHECK(s.Count("SELECT count(*) FROM timeline_events WHERE kind = 'routed'") ==
        200);
  CHECK(s.Count("SELECT count(*) FROM jobs WHERE state = 'dead'") == 0);
}
