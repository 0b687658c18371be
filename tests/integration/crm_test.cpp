// The CRM override webhook as a CRM sees it: the real `leadrouter serve`,
// real HTTP on 127.0.0.1, the real SQLite file checked afterwards.
#include <signal.h>

#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bot/http/intake_auth.h"
#include "tests/support/http_client.h"
#include "tests/support/intake_daemon.h"

using leadrouter::testing::Fixture;
using leadrouter::testing::IntakeDaemon;
using leadrouter::testing::JsonAuth;
using leadrouter::testing::kIntakeToken;
using leadrouter::testing::kWebhookSecret;
using leadrouter::test::HttpClient;
using json = nlohmann::json;

namespace {

constexpr char kCrmPath[] = "/v1/crm/events";

// Two agents; Ana is known to the CRM by her e-mail.
constexpr char kAgents[] = R"(
[[agents]]
slack_id = "U0123ANA"
name = "Ana"
email = "Ana@Brokerage.example"

[[agents]]
slack_id = "U0123BEN"
name = "Ben"
)";

// Kinds the override must stop (see kAutomatedFollowUpKinds).
constexpr char kFollowUpKinds[] =
    "(kind LIKE 'sequence.%' OR kind LIKE 'sla.%' OR kind IN "
    "('route.claim_timeout', 'route.assign_round_robin'))";

struct CrmDaemon : IntakeDaemon {
  CrmDaemon() : IntakeDaemon(std::string("rate_limit_burst = 1000\n") + kAgents) {}

  int64_t PostLead(HttpClient& c, const std::string& fixture) {
    auto r = c.Send("POST", "/v1/leads", JsonAuth(), Fixture(fixture));
    REQUIRE(r.status == 202);
    return json::parse(r.body)["lead_id"];
  }
  int64_t LeadCount(int64_t lead, const std::string& where) const {
    return Count("SELECT count(*) FROM jobs WHERE lead_id = " + std::to_string(lead) +
                 " AND " + where);
  }
};

// The design's sample event, naming the portal sample's contact.
json DanaEvent(const std::string& event_id) {
  return {{"event_id", event_id},
          {"type", "status_changed"},
          {"contact",
           {{"crm_id", "00Q5e000001"},
            {"email", "dana.oconnell@example.com"},
            {"phone", "+12125550199"}}},
          {"status", "Contacted"},
          {"owner", {{"email", "ana@brokerage.example"}}},
          {"occurred_at", "2026-03-14T22:19:03Z"}};
}

}  // namespace

TEST_CASE("a CRM override stops the lead's automated follow-ups and syncs its owner",
          "[integration][crm]") {
  CrmDaemon d;
  HttpClient c(d.port);
  int64_t hot = d.PostLead(c, "portal-nested.json");
  int64_t standard = d.PostLead(c, "webform-standard.json");
  // The hot lead's claim timeout lies minutes ahead: surely still pending.
  REQUIRE(d.LeadCount(hot, "kind = 'route.claim_timeout' AND state = 'pending'") == 1);

  auto r = c.Send("POST", kCrmPath, JsonAuth(), DanaEvent("evt-8812").dump());
  REQUIRE(r.status == 202);
  auto body = json::parse(r.body);
  CHECK(body["event_id"] == "evt-8812");
  CHECK(body["status"] == "applied");
  CHECK(body["lead_id"] == hot);
  int64_t cancelled = body["cancelled_jobs"];
  CHECK(cancelled >= 1);

  // Committed before the 202: kill at once and read the file.
  d.process->Stop(SIGKILL);
  CHECK(d.LeadCount(hot, std::string(kFollowUpKinds) + " AND state = 'pending'") == 0);
  CHECK(d.LeadCount(hot, "state = 'cancelled'") == cancelled);
  CHECK(d.LeadCount(hot, "kind = 'route.claim_timeout' AND state = 'cancelled'") == 1);
  // Slack posts report what happened; they are not follow-ups.
  CHECK(d.LeadCount(hot, "kind = 'slack.post_shark_tank' AND state = 'cancelled'") == 0);
  CHECK(d.LeadCount(hot, "kind = 'slack.thread_note'") == 1);
  CHECK(d.Count("SELECT count(*) FROM jobs WHERE kind = 'slack.thread_note' AND "
                "payload LIKE '%CRM: status Contacted, owner <@U0123ANA>; stopped%'") == 1);
  CHECK(d.Count("SELECT count(*) FROM leads WHERE id = " + std::to_string(hot) +
                " AND taken_over_at IS NOT NULL AND owner_slack_id = 'U0123ANA'") == 1);
  CHECK(d.Count("SELECT count(*) FROM timeline_events WHERE kind = 'crm_override' "
                "AND lead_id = " + std::to_string(hot)) == 1);
  // The other lead is nobody's business here.
  CHECK(d.Count("SELECT count(*) FROM leads WHERE id = " + std::to_string(standard) +
                " AND taken_over_at IS NULL") == 1);
  CHECK(d.LeadCount(standard, "state = 'cancelled'") == 0);
}

TEST_CASE("a CRM contacted event on a round-robin lead stops its routing",
          "[integration][crm]") {
  CrmDaemon d;
  HttpClient c(d.port);
  int64_t standard = d.PostLead(c, "webform-standard.json");
  json event = {{"event_id", "evt-20"},
                {"type", "contacted"},
                {"contact", {{"phone", "(415) 555-0132"}}},
                {"owner", {{"slack_id", "U0123BEN"}}}};
  auto r = c.Send("POST", kCrmPath, JsonAuth(), event.dump());
  REQUIRE(r.status == 202);
  auto body = json::parse(r.body);
  CHECK(body["status"] == "applied");
  CHECK(body["lead_id"] == standard);
  d.process->Stop(SIGTERM);
  CHECK(d.LeadCount(standard, std::string(kFollowUpKinds) + " AND state = 'pending'") == 0);
  CHECK(d.LeadCount(standard, "state = 'cancelled'") == body["cancelled_jobs"]);
  CHECK(d.Count("SELECT count(*) FROM leads WHERE taken_over_at IS NOT NULL AND "
                "contacted_at IS NOT NULL AND owner_slack_id = 'U0123BEN'") == 1);
  CHECK(d.LeadCount(standard, "kind = 'slack.thread_note'") == 1);
}

TEST_CASE("the same CRM event delivered twice is applied once", "[integration][crm]") {
  CrmDaemon d;
  HttpClient c(d.port);
  int64_t hot = d.PostLead(c, "portal-nested.json");
  std::string event = DanaEvent("evt-8812").dump();
  auto first = c.Send("POST", kCrmPath, JsonAuth(), event);
  auto second = c.Send("POST", kCrmPath, JsonAuth(), event);
  REQUIRE(first.status == 202);
  REQUIRE(second.status == 202);
  CHECK(json::parse(first.body)["status"] == "applied");
  auto again = json::parse(second.body);
  CHECK(again["status"] == "duplicate");
  CHECK(again["lead_id"] == hot);
  CHECK(again["cancelled_jobs"] == 0);
  d.process->Stop(SIGTERM);
  CHECK(d.Count("SELECT count(*) FROM crm_events") == 1);
  CHECK(d.Count("SELECT count(*) FROM timeline_events WHERE kind = 'crm_override'") == 1);
  CHECK(d.Count("SELECT count(*) FROM jobs WHERE kind = 'slack.thread_note'") == 1);
}

TEST_CASE("a CRM event for an unknown contact is accepted, recorded and counted",
          "[integration][crm]") {
  CrmDaemon d;
  HttpClient c(d.port);
  d.PostLead(c, "portal-nested.json");
  json event = {{"event_id", "evt-404"},
                {"type", "owner_changed"},
                {"contact", {{"email", "stranger@example.com"}}},
                {"owner", {{"email", "ana@brokerage.example"}}}};
  auto r = c.Send("POST", kCrmPath, JsonAuth(), event.dump());
  REQUIRE(r.status == 202);
  auto body = json::parse(r.body);
  CHECK(body["status"] == "unmatched");
  CHECK(body["lead_id"].is_null());
  CHECK(body["cancelled_jobs"] == 0);
  // A redelivery is recognised, not counted again.
  CHECK(json::parse(c.Send("POST", kCrmPath, JsonAuth(), event.dump()).body)["status"] ==
        "duplicate");

  auto health = json::parse(c.Send("GET", "/healthz").body);
  CHECK(health["crm"]["unmatched_total"] == 1);
  d.process->Stop(SIGTERM);
  CHECK(d.Count("SELECT count(*) FROM crm_events WHERE event_id = 'evt-404' "
                "AND matched = 0 AND lead_id IS NULL") == 1);
  CHECK(d.Count("SELECT count(*) FROM leads WHERE taken_over_at IS NOT NULL") == 0);
  CHECK(d.Count("SELECT count(*) FROM jobs WHERE state = 'cancelled'") == 0);
  bool logged = false;
  std::istringstream lines(d.process->Log());
  for (std::string line; std::getline(lines, line);) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded() || j.value("msg", "") != "crm.unmatched") continue;
    logged = true;
    CHECK(j["event_id"] == "evt-404");
    // Which keys, never their values.
    CHECK(line.find("stranger@example.com") == std::string::npos);
  }
  CHECK(logged);
}

TEST_CASE("a bad CRM event gets 400 naming the field, and nothing is stored",
          "[integration][crm]") {
  CrmDaemon d;
  HttpClient c(d.port);
  int64_t hot = d.PostLead(c, "portal-nested.json");
  auto field_of = [&](const std::string& body) {
    auto r = c.Send("POST", kCrmPath, JsonAuth(), body);
    CHECK(r.status == 400);
    return json::parse(r.body).value("field", "");
  };
  json e = DanaEvent("evt-1");
  e.erase("event_id");
  CHECK(field_of(e.dump()) == "event_id");
  e = DanaEvent("evt-1");
  e["type"] = "merged";
  CHECK(field_of(e.dump()) == "type");
  e = DanaEvent("evt-1");
  e["contact"] = json::object();
  CHECK(field_of(e.dump()) == "contact");
  e = DanaEvent("evt-1");
  e["owner"] = {{"email", "ana@"}};
  CHECK(field_of(e.dump()) == "owner.email");
  e = DanaEvent("evt-1");
  e["occurred_at"] = "last tuesday";
  CHECK(field_of(e.dump()) == "occurred_at");
  CHECK(field_of("{\"event_id\": ") == "body");
  auto too_big = c.Send("POST", kCrmPath, JsonAuth(),
                        "{\"status\":\"" + std::string(70000, 'x') + "\"}");
  CHECK(too_big.status == 413);

  d.process->Stop(SIGTERM);
  CHECK(d.Count("SELECT count(*) FROM crm_events") == 0);
  CHECK(d.LeadCount(hot, "state = 'cancelled'") == 0);
}

TEST_CASE("a CRM event needs the intake credentials", "[integration][crm]") {
  CrmDaemon d;
  HttpClient c(d.port);
  std::string body = DanaEvent("evt-1").dump();
  SECTION("401 without credentials or with a wrong token") {
    CHECK(c.Send("POST", kCrmPath, {{"Content-Type", "application/json"}}, body).status ==
          401);
    CHECK(c.Send("POST", kCrmPath,
                 {{"Content-Type", "application/json"}, {"Authorization", "Bearer wrong"}},
                 body).status == 401);
    CHECK(c.Send("POST", kCrmPath,
                 {{"Content-Type", "application/json"},
                  {"X-Leadrouter-Timestamp", "1"},
                  {"X-Leadrouter-Signature", "v0=00"}},
                 body).status == 401);
    d.process->Stop(SIGTERM);
    CHECK(d.Count("SELECT count(*) FROM crm_events") == 0);
  }
  SECTION("a body signed with the webhook secret is accepted") {
    std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
    auto r = c.Send("POST", kCrmPath,
                    {{"Content-Type", "application/json"},
                     {"X-Leadrouter-Timestamp", ts},
                     {"X-Leadrouter-Signature", leadrouter::SignV0(kWebhookSecret, ts, body)}},
                    body);
    CHECK(r.status == 202);
    CHECK(json::parse(r.body)["status"] == "unmatched");
  }
  SECTION("415 for a form post") {
    auto r = c.Send("POST", kCrmPath,
                    {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Authorization", std::string("Bearer ") + kIntakeToken}},
                    "event_id=1");
    CHECK(r.status == 415);
    CHECK(json::parse(r.body)["field"] == "Content-Type");
  }
}

TEST_CASE("a CRM over its rate gets 429 with Retry-After", "[integration][crm]") {
  IntakeDaemon d("rate_limit_burst = 2\nrate_limit_per_second = 0.1");
  HttpClient c(d.port);
  for (int i = 0; i < 2; ++i) {
    CHECK(c.Send("POST", kCrmPath, JsonAuth(),
                 DanaEvent("evt-" + std::to_string(i)).dump()).status == 202);
  }
  auto r = c.Send("POST", kCrmPath, JsonAuth(), DanaEvent("evt-2").dump());
  CHECK(r.status == 429);
  CHECK(std::stoi(r.Header("Retry-After")) >= 1);
  d.process->Stop(SIGTERM);
  CHECK(d.Count("SELECT count(*) FROM crm_events") == 2);
}
