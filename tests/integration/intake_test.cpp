// The intake as a lead vendor sees it: the real `leadrouter serve`, real HTTP
// on 127.0.0.1, the real SQLite file checked afterwards.
#include <signal.h>

#include <sstream>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bot/http/intake_auth.h"
#include "tests/support/http_client.h"
#include "tests/support/intake_daemon.h"

using leadrouter::testing::Fixture;
using leadrouter::testing::JsonAuth;
using leadrouter::test::HttpClient;
using leadrouter::test::RawConnection;

namespace {

using Daemon = leadrouter::testing::IntakeDaemon;
constexpr const char* kToken = leadrouter::testing::kIntakeToken;
constexpr const char* kSecret = leadrouter::testing::kWebhookSecret;

}  // namespace

TEST_CASE("an accepted lead is on disk before its 202 arrives", "[integration][intake]") {
  Daemon d;
  HttpClient c(d.port);
  auto r = c.Send("POST", "/v1/leads", JsonAuth(), Fixture("portal-nested.json"));
  REQUIRE(r.status == 202);
  // Kill without a chance to flush anything: what was promised must be there.
  d.process->Stop(SIGKILL);
  auto body = nlohmann::json::parse(r.body);
  CHECK(body["status"] == "accepted");
  CHECK(body["duplicate_of"].is_null());
  int64_t id = body["lead_id"];
  CHECK(d.Count("SELECT count(*) FROM leads WHERE id = " + std::to_string(id) +
                " AND phone_e164 = '+12125550199' AND segment = 'HOT_BUYER'") == 1);
  CHECK(d.Count("SELECT count(*) FROM jobs WHERE lead_id = " + std::to_string(id) +
                " AND kind = 'slack.post_shark_tank' AND state = 'pending'") == 1);
  CHECK(d.Count("SELECT count(*) FROM timeline_events WHERE lead_id = " + std::to_string(id) +
                " AND kind = 'routed'") == 1);
}

TEST_CASE("a repeat submission updates the first lead instead of creating junk",
          "[integration][intake]") {
  Daemon d;
  HttpClient c(d.port);
  auto first = nlohmann::json::parse(
      c.Send("POST", "/v1/leads", JsonAuth(), Fixture("webform-flat.json")).body);
  auto again = c.Send("POST", "/v1/leads", JsonAuth(),
                      R"({"email":"MARCUS.WEBB@example.org","firstName":"Marcus",
                          "message":"Actually, could we talk this week?"})");
  REQUIRE(again.status == 202);
  auto body = nlohmann::json::parse(again.body);
  CHECK(body["status"] == "duplicate");
  CHECK(body["duplicate_of"] == first["lead_id"]);
  CHECK(d.Count("SELECT count(*) FROM leads") == 1);
  CHECK(d.Count("SELECT repeat_count FROM leads") == 1);
  CHECK(d.Count("SELECT count(*) FROM timeline_events WHERE kind = 'duplicate'") == 1);
}

TEST_CASE("rejected leads get the status and the field, and nothing is stored",
          "[integration][intake]") {
  Daemon d("rate_limit_burst = 1000");
  HttpClient c(d.port);
  SECTION("400 names the missing contact field") {
    auto r = c.Send("POST", "/v1/leads", JsonAuth(), Fixture("invalid-missing-contact.json"));
    CHECK(r.status == 400);
    CHECK(nlohmann::json::parse(r.body)["field"] == "contact");
  }
  SECTION("400 for a body that is not JSON") {
    auto r = c.Send("POST", "/v1/leads", JsonAuth(), "{\"email\": ");
    CHECK(r.status == 400);
    CHECK(nlohmann::json::parse(r.body)["field"] == "body");
  }
  SECTION("401 without credentials, with a wrong token, with a bad signature") {
    CHECK(c.Send("POST", "/v1/leads", {{"Content-Type", "application/json"}},
                 Fixture("portal-nested.json")).status == 401);
    CHECK(c.Send("POST", "/v1/leads",
                 {{"Content-Type", "application/json"}, {"Authorization", "Bearer wrong"}},
                 Fixture("portal-nested.json")).status == 401);
    CHECK(c.Send("POST", "/v1/leads",
                 {{"Content-Type", "application/json"},
                  {"X-Leadrouter-Timestamp", "1"},
                  {"X-Leadrouter-Signature", "v0=00"}},
                 Fixture("portal-nested.json")).status == 401);
  }
  SECTION("413 over the body limit") {
    auto r = c.Send("POST", "/v1/leads", JsonAuth(),
                    "{\"message\":\"" + std::string(70000, 'x') + "\"}");
    CHECK(r.status == 413);
    CHECK(nlohmann::json::parse(r.body)["field"] == "body");
  }
  SECTION("415 for a form post") {
    auto r = c.Send("POST", "/v1/leads",
                    {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Authorization", std::string("Bearer ") + kToken}},
                    "email=a@b.example");
    CHECK(r.status == 415);
    CHECK(nlohmann::json::parse(r.body)["field"] == "Content-Type");
  }
  CHECK(d.Count("SELECT count(*) FROM leads") == 0);
}

TEST_CASE("a body signed with the webhook secret is accepted", "[integration][intake]") {
  Daemon d;
  HttpClient c(d.port);
  std::string body = Fixture("crm-properties.json");
  std::string ts = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch()).count());
  auto r = c.Send("POST", "/v1/leads",
                  {{"Content-Type", "application/json"},
                   {"X-Leadrouter-Timestamp", ts},
                   {"X-Leadrouter-Signature", leadrouter::SignV0(kSecret, ts, body)}},
                  body);
  CHECK(r.status == 202);
  CHECK(d.Count("SELECT count(*) FROM leads WHERE crm_id = '90210'") == 1);
}

TEST_CASE("a client over its rate gets 429 with Retry-After", "[integration][intake]") {
  Daemon d("rate_limit_burst = 3\nrate_limit_per_second = 0.1");
  HttpClient c(d.port);
  for (int i = 0; i < 3; ++i) {
    CHECK(c.Send("POST", "/v1/leads", JsonAuth(), Fixture("spam.json")).status == 202);
  }
  auto r = c.Send("POST", "/v1/leads", JsonAuth(), Fixture("spam.json"));
  CHECK(r.status == 429);
  CHECK(std::stoi(r.Header("Retry-After")) >= 1);
}

TEST_CASE("an Idempotency-Key replays the first answer", "[integration][intake]") {
  Daemon d;
  HttpClient c(d.port);
  auto headers = JsonAuth();
  headers.emplace_back("Idempotency-Key", "vendor-4711");
  auto first = c.Send("POST", "/v1/leads", headers, Fixture("portal-nested.json"));
  auto second = c.Send("POST", "/v1/leads", headers, Fixture("portal-nested.json"));
  REQUIRE(first.status == 202);
  CHECK(second.status == 202);
  CHECK(second.body == first.body);
  CHECK(d.Count("SELECT count(*) FROM leads") == 1);
  CHECK(d.Count("SELECT repeat_count FROM leads") == 0);
  auto other = c.Send("POST", "/v1/leads", headers, Fixture("webform-flat.json"));
  CHECK(other.status == 422);
  CHECK(nlohmann::json::parse(other.body)["field"] == "Idempotency-Key");
}

TEST_CASE("a filled honeypot gets a 202 and is stored as spam", "[integration][intake]") {
  Daemon d;
  HttpClient c(d.port);
  auto r = c.Send("POST", "/v1/leads", JsonAuth(),
                  R"({"firstName":"Bot","email":"bot@spam.example","message":"hi","_gotcha":"x"})");
  CHECK(r.status == 202);
  CHECK(nlohmann::json::parse(r.body)["status"] == "accepted");
  CHECK(d.Count("SELECT count(*) FROM leads WHERE status = 'spam'") == 1);
  CHECK(d.Count("SELECT count(*) FROM jobs") == 0);
}

TEST_CASE("one keep-alive connection carries many leads", "[integration][intake]") {
  Daemon d;
  HttpClient c(d.port);
  for (int i = 0; i < 20; ++i) {
    std::string body = R"({"firstName":"Lead","email":"lead)" + std::to_string(i) +
                       R"(@example.com","message":"hello"})";
    REQUIRE(c.Send("POST", "/v1/leads", JsonAuth(), body).status == 202);
  }
  CHECK(c.connections_opened() == 1);
  CHECK(d.Count("SELECT count(*) FROM leads") == 20);
}

TEST_CASE("malformed HTTP gets a 400 and the daemon keeps serving", "[integration][intake]") {
  Daemon d;
  {
    RawConnection raw(d.port);
    raw.Write("GARBAGE\r\n\r\n");
    CHECK(raw.ReadAll().find(" 400 ") != std::string::npos);
  }
  HttpClient c(d.port);
  CHECK(c.Send("GET", "/healthz").status == 200);
  CHECK(d.process->running());
}

TEST_CASE("healthz reports Slack's state and the queue", "[integration][intake]") {
  Daemon d;
  HttpClient c(d.port);
  c.Send("POST", "/v1/leads", JsonAuth(), Fixture("portal-nested.json"));
  auto r = c.Send("GET", "/healthz");
  REQUIRE(r.status == 200);
  auto h = nlohmann::json::parse(r.body);
  CHECK(h["slack"]["state"] == "disabled");
  CHECK(h["slack"]["web_api"]["state"] == "unknown");
  // The shark-tank post waits to run now; its claim timer is for later and
  // is no backlog.
  CHECK(h["queue"]["pending"] == 1);
  CHECK(h["queue"]["scheduled"] == 1);
  CHECK(h["queue"]["dead"] == 0);
}

TEST_CASE("without Slack tokens the daemon warns once and keeps Slack work queued",
          "[integration][intake]") {
  Daemon d;
  HttpClient c(d.port);
  for (int i = 0; i < 3; ++i) {
    c.Send("POST", "/v1/leads", JsonAuth(),
           R"({"firstName":"Hot","email":"hot)" + std::to_string(i) +
               R"(@example.com","phone":"+1 212 555 0199","message":"cash buyer, pre-approved"})");
  }
  CHECK(d.process->Stop(SIGTERM) == 0);
  std::string log = d.process->Log();
  size_t first = log.find("slack.disabled");
  REQUIRE(first != std::string::npos);
  CHECK(log.find("slack.disabled", first + 1) == std::string::npos);
  CHECK(d.Count("SELECT count(*) FROM jobs WHERE state = 'pending'") >= 1);
}

TEST_CASE("secrets never reach the log", "[integration][intake]") {
  Daemon d("", {{"LEADROUTER_INTAKE_TOKEN", kToken},
                {"LEADROUTER_WEBHOOK_SECRET", kSecret},
                {"SLACK_BOT_TOKEN", "xoxb-fake_not_a_real_token"},
                {"SLACK_APP_TOKEN", "xapp-fake_not_a_real_token"}});
  HttpClient c(d.port);
  // A vendor that pastes the token into the payload must not leak it either.
  c.Send("POST", "/v1/leads", JsonAuth(),
         std::string(R"({"firstName":"Eve","email":"eve@example.com","message":")") + kToken +
             "\"}");
  c.Send("POST", "/v1/leads", {{"Authorization", std::string("Bearer ") + kToken}}, "{}");
  d.process->Stop(SIGTERM);
  std::string log = d.process->Log();
  CHECK_FALSE(log.empty());
  CHECK(log.find(kToken) == std::string::npos);
  CHECK(log.find(kSecret) == std::string::npos);
  CHECK(log.find("not_a_real_token") == std::string::npos);
}

TEST_CASE("a lead whose sender lost the answer is not lost after a restart",
          "[integration][intake]") {
  Daemon d;
  {
    HttpClient c(d.port);
    REQUIRE(c.Send("POST", "/v1/leads", JsonAuth(), Fixture("portal-nested.json")).status == 202);
  }
  d.process->Stop(SIGKILL);
  d.Start({{"LEADROUTER_INTAKE_TOKEN", kToken}});
  HttpClient c(d.port);
  auto h = nlohmann::json::parse(c.Send("GET", "/healthz").body);
  // The shark-tank post (due) and its claim timer (later).
  CHECK(h["queue"]["pending"] == 1);
  CHECK(h["queue"]["scheduled"] == 1);
  auto again = c.Send("POST", "/v1/leads", JsonAuth(), Fixture("portal-nested.json"));
  CHECK(nlohmann::json::parse(again.body)["status"] == "duplicate");
}

TEST_CASE("every log line about a lead carries its id and the step timings",
          "[integration][intake]") {
  Daemon d;
  HttpClient c(d.port);
  auto r = c.Send("POST", "/v1/leads", JsonAuth(), Fixture("portal-nested.json"));
  int64_t id = nlohmann::json::parse(r.body)["lead_id"];
  d.process->Stop(SIGTERM);
  bool found = false;
  std::istringstream lines(d.process->Log());
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());  // one JSON object per line
    if (j.value("msg", "") != "lead.accepted") continue;
    found = true;
    CHECK(j["lead_id"] == id);
    for (const char* step : {"parse_ms", "normalize_ms", "validate_ms", "score_ms",
                             "segment_ms", "intent_ms", "pipeline_ms", "total_ms"}) {
      INFO(step);
      CHECK(j[step].is_number());
    }
  }
  CHECK(found);
}
