// Inbound e-mail end to end: the real daemon and the Slack stand-in. A raw
// portal e-mail posted to /v1/email (or piped through `leadrouter email
// ingest`) is stored first, then parsed by a job into a lead in Slack, a
// dead letter with one ops alert and a Replay button in `/leads dlq`, or
// nothing for Slack at all (counted, and its body kept for a while).
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <thread>

#include "tests/support/slack_stack.h"
#include "tests/support/http_client.h"

using leadrouter::testing::Contains;
using leadrouter::testing::HasButton;
using leadrouter::testing::kIntakeToken;
using leadrouter::testing::kManager;
using leadrouter::testing::kOpsChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::ReadFile;
using leadrouter::testing::RunBinary;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using leadrouter::testing::WriteFile;
using nlohmann::json;

namespace {

constexpr char kSources[] = R"(
[inbound_email]
max_size = 16384

[[inbound_email.sources]]
name = "Zillow"
from = ["*@zillow.com", "*@*.zillow.com"]

[[inbound_email.sources]]
name = "Realtor.com"
from = ["*@email.realtor.com"]
subject = "New realtor.com lead*"
required = ["name", "email_or_phone"]
)";

// The rule after the portal's template change was noticed.
constexpr char kFixedRule[] = R"(
[inbound_email.sources.fields]
full_name = ["Buyer's name"]
email = ["Buyer's e-mail"]
phone = ["Buyer's phone"]
)";

std::string Fixture(const std::string& name) {
  return ReadFile(std::string(LEADROUTER_FIXTURES_DIR) + "/email/" + name);
}

leadrouter::test::ClientResponse PostEmail(SlackStack& s, const std::string& raw,
                                           const std::string& type = "message/rfc822",
                                           bool auth = true) {
  leadrouter::test::HttpClient http(s.daemon_port());
  leadrouter::test::HeaderList headers = {{"Content-Type", type}};
  if (auth) headers.emplace_back("Authorization", std::string("Bearer ") + kIntakeToken);
  return http.Send("POST", "/v1/email", headers, raw);
}

constexpr char kGeneral[] = "C0GENERAL1";

int64_t EmailId(const leadrouter::test::ClientResponse& r) {
  INFO(r.body);
  REQUIRE(r.status == 202);
  return json::parse(r.body)["email_id"].get<int64_t>();
}

std::string Outcome(SlackStack& s, int64_t id) {
  return s.QueryString("SELECT outcome FROM inbound_emails WHERE id = " + std::to_string(id));
}

int64_t RawBytes(SlackStack& s, int64_t id) {
  return s.Count("SELECT length(raw) FROM inbound_emails WHERE id = " + std::to_string(id));
}

// Waits for an ephemeral to `user` in the general channel that `pred` holds for.
std::optional<json> WaitForEphemeral(SlackStack& s,
                                     const std::function<bool(const json&)>& pred) {
  return s.WaitFor(kGeneral, pred, /*ephemeral=*/true);
}

bool TextHas(const json& message, const std::string& words) {
  return Contains(message.value("text", ""), words);
}

// Polls until `sql` counts `want` (or a few seconds pass); returns the last count.
int64_t WaitForCount(SlackStack& s, const std::string& sql, int64_t want) {
  int64_t seen = -1;
  for (int i = 0; i < 500 && (seen = s.Count(sql)) != want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return seen;
}

}  // namespace

TEST_CASE("an e-mailed portal lead reaches the shark tank once, also when redelivered",
          "[e2e][email]") {
  SlackStack s{StackOptions(kSources)};
  const std::string raw = Fixture("zillow-qp.eml");
  auto first = PostEmail(s, raw);
  INFO(first.body << "\n" << s.DaemonLog());
  REQUIRE(first.status == 202);
  json body = json::parse(first.body);
  CHECK(body["status"] == "accepted");
  const int64_t email_id = body["email_id"].get<int64_t>();

  s.WaitForPost("Dana O'Connell");
  auto again = PostEmail(s, raw);
  REQUIRE(again.status == 202);
  CHECK(json::parse(again.body)["status"] == "duplicate");
  CHECK(json::parse(again.body)["email_id"] == email_id);

  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 1);
  CHECK(s.QueryString("SELECT outcome FROM inbound_emails WHERE id = " +
                      std::to_string(email_id)) == "lead");
  // The lead's timeline says it came by e-mail, from which source, and which e-mail.
  CHECK(s.Count("SELECT COUNT(*) FROM timeline_events WHERE kind = 'email_received' AND "
                "json_extract(detail, '$.email_id') = " + std::to_string(email_id) +
                " AND json_extract(detail, '$.source') = 'Zillow'") == 1);
  CHECK(s.Count("SELECT COUNT(*) FROM jobs WHERE kind = 'email.parse'") == 1);
}

TEST_CASE("a template change is a dead letter with one alert; the rule fixed and a "
          "replay make it a lead in Slack",
          "[e2e][email]") {
  SlackStack s{StackOptions(kSources)};
  std::string raw = Fixture("realtor-template-changed.eml");
  auto r = PostEmail(s, raw);
  INFO(r.body << "\n" << s.DaemonLog());
  REQUIRE(r.status == 202);
  const int64_t email_id = json::parse(r.body)["email_id"].get<int64_t>();
  auto alert = s.WaitFor(kOpsChannel, [](const json& m) {
    return Contains(MessageText(m), "Realtor.com");
  });
  REQUIRE(alert);
  CHECK(Contains(MessageText(*alert), "no name"));

  // A second broken e-mail from the same source joins the open group.
  std::string second = raw;
  second.replace(second.find("lead-88124007"), 13, "lead-88124999");
  REQUIRE(PostEmail(s, second).status == 202);
  REQUIRE(WaitForCount(s, "SELECT COUNT(*) FROM inbound_emails WHERE outcome = 'dead_letter'",
                       2) == 2);
  CHECK(s.Count("SELECT COUNT(*) FROM jobs WHERE kind = 'slack.ops_alert'") == 1);
  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 0);

  // The rule is fixed, the daemon restarted, the e-mail replayed from a shell.
  s.StopDaemon();
  WriteFile(s.config_path(), ReadFile(s.config_path()) + kFixedRule);
  s.StartDaemon();
  auto replay = RunBinary({"email", "replay", std::to_string(email_id), "--config",
                           s.config_path()});
  INFO(replay.out << replay.err);
  REQUIRE(replay.exit_code == 0);
  s.WaitForPost("Rebecca Sutton");
  CHECK(s.QueryString("SELECT outcome FROM inbound_emails WHERE id = " +
                      std::to_string(email_id)) == "lead");
  // A lead is not replayed twice.
  CHECK(RunBinary({"email", "replay", std::to_string(email_id), "--config", s.config_path()})
            .exit_code == 1);
}

TEST_CASE("a newsletter is not a lead and alerts nobody", "[e2e][email]") {
  SlackStack s{StackOptions(kSources)};
  REQUIRE(PostEmail(s, Fixture("newsletter-zillow.eml")).status == 202);
  REQUIRE(WaitForCount(s, "SELECT COUNT(*) FROM inbound_emails WHERE outcome = 'not_a_lead'",
                       1) == 1);
  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 0);
  CHECK(s.Count("SELECT COUNT(*) FROM jobs WHERE kind = 'slack.ops_alert'") == 0);
}

TEST_CASE("POST /v1/email refuses what it cannot store", "[e2e][email]") {
  SlackStack s{StackOptions(kSources)};
  const std::string raw = Fixture("zillow-qp.eml");
  CHECK(PostEmail(s, raw, "application/json").status == 415);
  CHECK(PostEmail(s, raw, "message/rfc822", false).status == 401);
  CHECK(PostEmail(s, raw + std::string(20000, 'x')).status == 413);
  auto junk = PostEmail(s, "{\"not\": \"mail\"}");
  CHECK(junk.status == 400);
  CHECK(json::parse(junk.body)["field"] == "message");
  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails") == 0);
}

TEST_CASE("email ingest stores through the daemon; with the daemon down it exits 75",
          "[e2e][email]") {
  SlackStack s{StackOptions(kSources)};
  const std::map<std::string, std::string> env = {{"LEADROUTER_INTAKE_TOKEN", kIntakeToken}};
  const std::string raw = Fixture("zillow-qp.eml");
  auto not_mail = RunBinary({"email", "ingest", "--config", s.config_path()}, env, "hello\n");
  CHECK(not_mail.exit_code == 65);

  s.StopDaemon();
  auto down = RunBinary({"email", "ingest", "--config", s.config_path()}, env, raw);
  INFO(down.err);
  CHECK(down.exit_code == 75);
  CHECK(Contains(down.err, "cannot be reached"));

  s.StartDaemon();
  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails") == 0);
  auto up = RunBinary({"email", "ingest", "--config", s.config_path()}, env, raw);
  INFO(up.err);
  REQUIRE(up.exit_code == 0);
  s.WaitForPost("Dana O'Connell");
  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 1);
}

TEST_CASE("a dead-lettered e-mail is replayed from /leads dlq after its rule is fixed "
          "and becomes a lead in Slack",
          "[e2e][email][dlq]") {
  SlackStack s{StackOptions(kSources)};
  const int64_t id = EmailId(PostEmail(s, Fixture("realtor-template-changed.eml")));
  const std::string where = "SELECT COUNT(*) FROM inbound_emails WHERE outcome = ";
  REQUIRE(WaitForCount(s, where + "'dead_letter'", 1) == 1);

  // The rule is fixed and the daemon restarted; nothing happens by itself.
  s.StopDaemon();
  WriteFile(s.config_path(), ReadFile(s.config_path()) + kFixedRule);
  s.StartDaemon();
  s.WaitUntilIdle();
  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 0);

  s.Command("/leads", "dlq", kManager, kGeneral);
  auto list = WaitForEphemeral(s, [](const json& e) {
    return e.value("user", "") == kManager && HasButton(e, "dlq_email_replay");
  });
  INFO(s.DaemonLog());
  REQUIRE(list);
  const std::string shown = MessageText(*list);
  CHECK(Contains(shown, "E-mail #" + std::to_string(id)));
  CHECK(Contains(shown, "Realtor.com"));
  CHECK(Contains(shown, "no name"));

  // A manager's click on Replay makes it a lead in Slack, once.
  s.Click(kGeneral, (*list)["message_ts"], "dlq_email_replay", kManager);
  s.WaitForPost("Rebecca Sutton");
  CHECK(WaitForCount(s, where + "'lead'", 1) == 1);
  CHECK(WaitForEphemeral(s, [&](const json& e) {
    return TextHas(e, "Replayed e-mail #" + std::to_string(id));
  }));
  // A second click on the same (now stale) list changes nothing.
  s.Click(kGeneral, (*list)["message_ts"], "dlq_email_replay", kManager);
  CHECK(WaitForEphemeral(
      s, [](const json& e) { return TextHas(e, "not a dead letter any more"); }));
  s.WaitUntilIdle();
  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 1);
  CHECK(s.Count("SELECT COUNT(*) FROM jobs WHERE kind = 'email.parse'") == 2);
}

TEST_CASE("not-a-lead mail is counted, and its body kept for keep_not_leads (30 days) "
          "and then deleted, also across a restart",
          "[e2e][email][retention]") {
  SlackStack s{StackOptions(kSources)};
  const int64_t newsletter = EmailId(PostEmail(s, Fixture("newsletter-zillow.eml")));
  const int64_t lead = EmailId(PostEmail(s, Fixture("zillow-qp.eml")));
  s.WaitForPost("Dana O'Connell");
  s.WaitUntilIdle();
  REQUIRE(Outcome(s, newsletter) == "not_a_lead");

  const json health = s.Health();
  INFO(health.dump());
  CHECK(health["email"]["by_outcome"]["not_a_lead"] == 1);
  CHECK(health["email"]["by_outcome"]["lead"] == 1);
  CHECK(health["email"]["by_outcome"]["dead_letter"] == 0);
  CHECK(health["email"]["by_via"]["http"]["lead"] == 1);
  CHECK(health["email"]["total"] == 2);
  leadrouter::test::HttpClient http(s.daemon_port());
  const std::string metrics = http.Send("GET", "/metrics").body;
  CHECK(Contains(metrics, "leadrouter_emails_total{outcome=\"not_a_lead\",source=\"Zillow\"} 1"));
  CHECK(Contains(metrics, "leadrouter_emails_total{outcome=\"lead\",source=\"Zillow\"} 1"));
  CHECK(Contains(metrics,
                 "leadrouter_emails_received_total{status=\"accepted\",via=\"http\"} 2"));
  // A lead that came by e-mail counts with the leads, under its front door.
  CHECK(Contains(metrics, "leadrouter_leads_received_total{channel=\"email\",source=\"Zillow\","
                          "status=\"accepted\"} 1"));
  CHECK(Contains(metrics, "leadrouter_leads_routed_total{"));

  // Within the 30 days nothing is deleted.
  s.Advance("29d");
  s.WaitUntilIdle();
  CHECK(RawBytes(s, newsletter) > 0);

  // The timer is a job: it outlives a restart (which sets the daemon's
  // clock back to today, hence 31 days more).
  s.StopDaemon();
  s.StartDaemon();
  s.WaitUntilIdle();
  CHECK(RawBytes(s, newsletter) > 0);
  s.Advance("31d");
  s.WaitUntilIdle();
  CHECK(RawBytes(s, newsletter) == 0);
  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails WHERE length(raw) = 0") == 1);
  // A lead's e-mail is kept: it is the lead's evidence.
  CHECK(RawBytes(s, lead) > 0);
  // Still counted, and a redelivery is still a duplicate.
  CHECK(s.Health()["email"]["by_outcome"]["not_a_lead"] == 1);
  auto again = PostEmail(s, Fixture("newsletter-zillow.eml"));
  CHECK(json::parse(again.body)["status"] == "duplicate");
  // Nothing is left to purge, so no timer waits; the next not-a-lead
  // e-mail sets one.
  CHECK(s.Count("SELECT COUNT(*) FROM jobs WHERE kind = 'email.retention' AND "
                "state = 'pending'") == 0);
}
