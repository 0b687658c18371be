#include "bot/ops/ops_alerts.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>

#include "bot/routing/outbox_plan.h"
#include "bot/runtime/storage_writer.h"
#include "storage/alert_store.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "tests/storage/storage_test_support.h"
#include "tests/support/fake_clock.h"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using leadrouter::Config;
using leadrouter::JobDone;
using leadrouter::JobOutcome;
using leadrouter::JobRunner;
using leadrouter::JobRunnerOptions;
using leadrouter::OpsAlerts;
using leadrouter::StorageWriter;
using leadrouter::storage::Database;
using leadrouter::storage::Job;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::NewJob;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::TempDbFile;
using leadrouter::testing::FakeClock;

namespace {

constexpr char kBotTokenRefused[] =
    "Slack refused the bot token (SLACK_BOT_TOKEN): invalid_auth. Set "
    "SLACK_BOT_TOKEN to the app's xoxb- Bot User OAuth Token (app settings, "
    "OAuth & Permissions) and restart leadrouter.";

Config AlertConfig(const std::string& ops_channel = "C0123OPS") {
  Config c;
  c.slack.ops_channel = ops_channel;
  return c;
}

std::string Detail(const Job& alert) {
  return alert.payload.value("detail", std::string());
}
std::string Title(const Job& alert) {
  return alert.payload.value("title", std::string());
}

// The daemon's wiring in small: a real runner and storage writer on a
// loop, the fake clock, ops alerts hooked to the runner, and one Slack job
// kind whose executor fails while `fail` is set. slack.ops_alert has no
// executor, so every alert written stays pending where a test can read it.
struct Harness {
  explicit Harness(const std::string& path = ":memory:", Config c = AlertConfig())
      : config(std::move(c)), clock(kT0), writer(loop, Database::Open(path)) {
    JobRunnerOptions options;
    options.backoff_base = 1s;
    options.backoff_cap = 1s;
    options.random = [] { return 1.0; };
    options.outside_commit_check = 0ms;
    runner = std::make_unique<JobRunner>(loop, writer, clock, options);
    alerts = std::make_unique<OpsAlerts>(writer, *runner, config, clock);
    runner->Register("slack.dm_lead_card", [this](const Job&, JobDone done) {
      done(fail ? JobOutcome::Fail("channel_not_found") : JobOutcome::Done());
    });
    runner->OnDeadLetter([this](const Job& job, const std::string& error) {
      alerts->OnDeadLetter(job, error);
    });
    runner->OnDone([this](const Job& job) { alerts->OnJobDone(job); });
    alerts->Start();
    runner->Start();
    Settle();
  }
  ~Harness() {
    runner->Stop();
    writer.Stop();
  }

  // Runs the loop until the writer and the runner have nothing left to do:
  // each writer round trip lets every chain of work (a job's result, its
  // hook, the alert it writes, the runner's next claim) move one hop.
  void Settle() {
    const auto until = std::chrono::steady_clock::now() + 5s;
    for (int idle = 0; idle < 6 && std::chrono::steady_clock::now() < until;) {
      Query<int>([](Database&) { return 0; });
      loop.restart();
      loop.run_for(1ms);
      idle = runner->in_flight() == 0 ? idle + 1 : 0;
    }
  }

  template <typename R>
  R Query(std::function<R(Database&)> fn) {
    std::optional<R> out;
    writer.Call<R>(std::move(fn), [&](leadrouter::Result<R> r) {
      REQUIRE(r.ok());
      out = std::move(r).value();
    });
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (!out && std::chrono::steady_clock::now() < until) {
      loop.restart();
      loop.run_for(5ms);
    }
    REQUIRE(out);
    return *out;
  }

  // A Slack DM for lead `lead`, due now; runs it and what follows.
  void RunSlackJob(int64_t lead) {
    NewJob job;
    job.kind = "slack.dm_lead_card";
    job.lead_id = lead;
    job.payload = {{"agent", "U0123ANA"}};
    job.due_at = clock.Now();
    job.max_attempts = 1;
    const auto now = clock.Now();
    const int64_t id = Query<int64_t>(
        [job, now](Database& db) { return JobStore(db.db()).Enqueue(job, now); });
    runner->Wake();
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < until) {
      const JobState state = Query<JobState>(
          [id](Database& db) { return JobStore(db.db()).Get(id)->state; });
      if (state == JobState::kDone || state == JobState::kDead) break;
    }
    Settle();
  }

  void Advance(std::chrono::milliseconds by) {
    clock.Advance(by);
    runner->Wake();
    Settle();
  }

  // Every ops alert written so far, oldest first.
  std::vector<Job> Alerts() {
    return Query<std::vector<Job>>([](Database& db) {
      std::vector<Job> out;
      for (Job& j : JobStore(db.db()).List(JobState::kPending, 10000)) {
        if (j.kind == leadrouter::kJobOpsAlert) out.push_back(std::move(j));
      }
      std::sort(out.begin(), out.end(),
                [](const Job& a, const Job& b) { return a.id < b.id; });
      return out;
    });
  }

  int64_t Dead() {
    return Query<int64_t>(
        [](Database& db) { return JobStore(db.db()).CountByState(JobState::kDead); });
  }

  boost::asio::io_context loop;
  Config config;
  FakeClock clock;
  StorageWriter writer;
  std::unique_ptr<JobRunner> runner;
  std::unique_ptr<OpsAlerts> alerts;
  bool fail = false;
};

leadrouter::pipeline::CrmEvent UnknownContact(const std::string& id) {
  leadrouter::pipeline::CrmEvent e;
  e.event_id = id;
  e.type = leadrouter::pipeline::CrmEventType::kStatusChanged;
  e.contact.email = "dana.oconnell@example.com";
  return e;
}

}  // namespace

TEST_CASE("50 dead letters in a Slack outage give one alert and, after a success, "
          "one recovery note counting 50",
          "[bot][ops_alerts]") {
  Harness h;
  h.fail = true;
  for (int i = 0; i < 50; ++i) {
    h.RunSlackJob(i + 1);
    h.clock.Advance(10s);
  }
  REQUIRE(h.Dead() == 50);
  std::vector<Job> alerts = h.Alerts();
  REQUIRE(alerts.size() == 1);
  CHECK(Title(alerts[0]) == "Job moved to dead letters");
  CHECK(alerts[0].payload["job_kind"] == "slack.dm_lead_card");
  const int64_t first_dead = alerts[0].payload["job_id"];
  CHECK_THAT(Detail(alerts[0]), Contains("Job #" + std::to_string(first_dead) +
                                         " (slack.dm_lead_card, lead #1)"));
  CHECK_THAT(Detail(alerts[0]), Contains("channel_not_found"));
  CHECK_THAT(Detail(alerts[0]), Contains("Replay with /leads dlq"));
  CHECK(alerts[0].lead_id == 1);

  h.clock.Advance(14min - 500s);  // 14 min after the first dead letter
  h.fail = false;
  h.RunSlackJob(51);
  alerts = h.Alerts();
  REQUIRE(alerts.size() == 2);
  CHECK(Title(alerts[1]) == "Dead letters: slack works again");
  CHECK(Detail(alerts[1]) ==
        "recovered after 14 min: 50 dead letters, first: slack.dm_lead_card "
        "channel_not_found; /leads dlq to replay");

  SECTION("more successes say nothing more") {
    h.RunSlackJob(52);
    h.Advance(1h);
    CHECK(h.Alerts().size() == 2);
  }
  SECTION("a second outage later is a second alert") {
    h.Advance(1h);
    h.fail = true;
    h.RunSlackJob(53);
    h.RunSlackJob(54);
    alerts = h.Alerts();
    REQUIRE(alerts.size() == 3);
    CHECK(Title(alerts[2]) == "Job moved to dead letters");
    CHECK_THAT(Detail(alerts[2]), Contains("lead #53"));
  }
}

TEST_CASE("dead letters with no success close after the quiet period since the last one",
          "[bot][ops_alerts]") {
  Harness h;
  h.fail = true;
  for (int i = 0; i < 3; ++i) {
    h.RunSlackJob(i + 1);
    h.clock.Advance(1min);
  }
  REQUIRE(h.Alerts().size() == 1);
  // 15 min after the first one, but only 13 after the last: still open.
  h.Advance(12min);
  CHECK(h.Alerts().size() == 1);
  h.Advance(2min);
  std::vector<Job> alerts = h.Alerts();
  REQUIRE(alerts.size() == 2);
  CHECK(Title(alerts[1]) == "Dead letters: slack quiet again");
  CHECK(Detail(alerts[1]) ==
        "no new slack dead letters for 15 min: 3 dead letters in 2 min, first: "
        "slack.dm_lead_card channel_not_found; /leads dlq to replay");
  h.Advance(1h);
  CHECK(h.Alerts().size() == 2);
}

TEST_CASE("a restart in the middle of an outage neither alerts again nor forgets to recover",
          "[bot][ops_alerts]") {
  TempDbFile file;
  {
    Harness before(file.path());
    before.fail = true;
    before.RunSlackJob(1);
    before.RunSlackJob(2);
    REQUIRE(before.Alerts().size() == 1);
  }
  Harness after(file.path());
  after.clock.Advance(3min);
  after.fail = true;
  after.RunSlackJob(3);
  CHECK(after.Alerts().size() == 1);
  after.fail = false;
  after.RunSlackJob(4);
  std::vector<Job> alerts = after.Alerts();
  REQUIRE(alerts.size() == 2);
  CHECK_THAT(Detail(alerts[1]), Contains("recovered after 3 min: 3 dead letters"));
}

int64_t PendingChecks(Harness& h) {
  return h.Query<int64_t>([](Database& db) {
    int64_t n = 0;
    for (const Job& j : JobStore(db.db()).List(JobState::kPending, 10000)) {
      n += j.kind == leadrouter::kJobAlertCheck;
    }
    return n;
  });
}

TEST_CASE("restarts leave no alert timer behind",
          "[bot][ops_alerts][slack]") {
  TempDbFile file;
  // Each start connects to Slack: the link's group opens and closes again.
  for (int start = 0; start < 20; ++start) {
    Harness h(file.path());
    h.clock.Advance(std::chrono::seconds(10 * start));
    h.alerts->OnSlackState("connecting", "starting");
    h.Settle();
    CHECK(PendingChecks(h) == 1);
    h.alerts->OnSlackState("connected", "");
    h.Settle();
    CHECK(PendingChecks(h) == 0);
  }
  // Killed while connecting, again and again: one timer for the open group.
  for (int start = 0; start < 5; ++start) {
    Harness h(file.path());
    h.clock.Advance(std::chrono::seconds(200 + start));
    h.alerts->OnSlackState("connecting", "starting");
    h.Settle();
    CHECK(PendingChecks(h) == 1);
  }
  // The one timer still does its job: the link down long enough is alerted.
  Harness h(file.path());
  h.clock.Advance(200s);
  h.Advance(3min);
  std::vector<Job> alerts = h.Alerts();
  REQUIRE(alerts.size() == 1);
  CHECK(Title(alerts[0]) == "Slack connection down");
}

TEST_CASE("a Slack link down 30 s says nothing, down 3 min one alert and one recovery note",
          "[bot][ops_alerts][slack]") {
  Harness h;
  SECTION("30 s") {
    h.alerts->OnSlackState("reconnecting", "connection closed");
    h.Settle();
    h.Advance(15s);
    h.alerts->OnSlackAttempt();
    h.Advance(15s);
    h.alerts->OnSlackState("connected", "");
    h.Settle();
    h.Advance(5min);  // past the timer the outage set
    CHECK(h.Alerts().empty());
  }
  SECTION("3 min") {
    h.alerts->OnSlackState("reconnecting", "connection went silent");
    h.Settle();
    for (int i = 0; i < 2; ++i) {
      h.Advance(50s);
      h.alerts->OnSlackAttempt();
    }
    h.Settle();
    CHECK(h.Alerts().empty());
    h.Advance(20s);  // 2 min down
    std::vector<Job> alerts = h.Alerts();
    REQUIRE(alerts.size() == 1);
    CHECK(Title(alerts[0]) == "Slack connection down");
    CHECK_THAT(Detail(alerts[0]), Contains("for 2 min (reconnecting: connection went silent)"));

    h.Advance(1min);
    h.alerts->OnSlackAttempt();
    h.alerts->OnSlackState("connected", "");
    h.Settle();
    alerts = h.Alerts();
    REQUIRE(alerts.size() == 2);
    CHECK(Title(alerts[1]) == "Slack connection back");
    CHECK(Detail(alerts[1]) == "Slack connection back after 3 min (3 reconnect attempts)");
    h.Advance(1h);
    CHECK(h.Alerts().size() == 2);
  }
  SECTION("a planned refresh of a live link is no attempt to count") {
    h.alerts->OnSlackState("connected", "");
    h.alerts->OnSlackAttempt();
    h.Advance(5min);
    CHECK(h.Alerts().empty());
    CHECK(h.Query<std::vector<std::string>>([](Database& db) {
            return leadrouter::storage::AlertStore(db.db()).OpenKeys();
          }).empty());
  }
}

TEST_CASE("a refused token is one alert at once naming the variable, also across a restart",
          "[bot][ops_alerts][slack]") {
  TempDbFile file;
  {
    Harness h(file.path());
    h.alerts->OnSlackState("connecting", "checking the bot token (auth.test)");
    h.alerts->OnSlackState("fatal", kBotTokenRefused);
    h.Settle();
    std::vector<Job> alerts = h.Alerts();
    REQUIRE(alerts.size() == 1);
    CHECK(Title(alerts[0]) == "Slack refused a token");
    CHECK_THAT(Detail(alerts[0]), Contains("SLACK_BOT_TOKEN"));
    h.Advance(5min);
    CHECK(h.Alerts().size() == 1);
  }
  Harness again(file.path());
  again.alerts->OnSlackState("connecting", "checking the bot token (auth.test)");
  again.alerts->OnSlackState("fatal", kBotTokenRefused);
  again.Advance(5min);
  CHECK(again.Alerts().size() == 1);

  // Fixed and restarted: the link comes up, and the outage is over.
  again.alerts->OnSlackState("connected", "");
  again.Settle();
  std::vector<Job> alerts = again.Alerts();
  REQUIRE(alerts.size() == 2);
  CHECK(Detail(alerts[1]) == "Slack connection back after 5 min (0 reconnect attempts)");
}

TEST_CASE("CRM events for unknown contacts: one alert per group, a note when they stop",
          "[bot][ops_alerts][crm]") {
  Harness h;
  h.alerts->OnCrmUnmatched(UnknownContact("evt-8812"));
  h.Advance(1min);
  h.alerts->OnCrmUnmatched(UnknownContact("evt-8813"));
  h.Settle();
  std::vector<Job> alerts = h.Alerts();
  REQUIRE(alerts.size() == 1);
  CHECK(Title(alerts[0]) == "CRM events for unknown contacts");
  CHECK_THAT(Detail(alerts[0]), Contains("evt-8812 (dana@…)"));
  CHECK_THAT(Detail(alerts[0]), !Contains("oconnell"));

  h.Advance(15min);
  alerts = h.Alerts();
  REQUIRE(alerts.size() == 2);
  CHECK(Detail(alerts[1]) ==
        "none for 15 min: 2 events in 1 min, first: evt-8812 (dana@…)");
}

TEST_CASE("without an ops channel no alert is written", "[bot][ops_alerts]") {
  Harness h(":memory:", AlertConfig(""));
  h.fail = true;
  h.RunSlackJob(1);
  h.alerts->OnSlackState("reconnecting", "connection closed");
  h.Advance(10min);
  CHECK(h.Dead() == 1);
  CHECK(h.Alerts().empty());
}

TEST_CASE("a recovery note never goes out before the alert it follows",
          "[bot][ops_alerts]") {
  auto db = Database::Open(":memory:");
  const Config config = AlertConfig();
  leadrouter::pipeline::AlertEvent problem;
  problem.kind = leadrouter::pipeline::AlertEventKind::kProblem;
  problem.at = kT0;
  problem.summary = "slack.post_shark_tank ratelimited";
  leadrouter::AlertMessage opening;
  opening.title = "Job moved to dead letters";
  leadrouter::ApplyAlertEvent(*db, "dead_letters:slack", problem, opening, kT0, config);
  JobStore jobs(db->db());
  std::vector<Job> pending = jobs.List(JobState::kPending, 100);
  auto alert = std::find_if(pending.begin(), pending.end(), [](const Job& j) {
    return j.kind == leadrouter::kJobOpsAlert;
  });
  REQUIRE(alert != pending.end());
  // Slack was down: the alert waits out a backoff.
  jobs.RetryAt(alert->id, kT0 + 15min, "503");

  leadrouter::pipeline::AlertEvent back;
  back.kind = leadrouter::pipeline::AlertEventKind::kRecovery;
  back.at = kT0 + 2min;
  auto decision = leadrouter::ApplyAlertEvent(*db, "dead_letters:slack", back, {},
                                              kT0 + 2min, config);
  CHECK(decision.sends_note());
  std::vector<Job> due = jobs.ClaimDue(kT0 + 2min, {leadrouter::kJobOpsAlert}, 10);
  REQUIRE(due.size() == 2);
  CHECK(due[0].id == alert->id);
  CHECK(Title(due[1]) == "Dead letters: slack works again");
}

TEST_CASE("dead letters are grouped by the channel of their effect", "[bot][ops_alerts]") {
  auto group = [](const std::string& kind, nlohmann::json payload = nlohmann::json::object()) {
    Job job;
    job.kind = kind;
    job.payload = std::move(payload);
    return leadrouter::DeadLetterGroup(job);
  };
  CHECK(group("slack.dm_lead_card") == "dead_letters:slack");
  CHECK(group("slack.post_shark_tank") == "dead_letters:slack");
  CHECK(group("route.claim_timeout") == "dead_letters:route");
  CHECK(group("sla.escalate") == "dead_letters:sla");
  CHECK(group("sequence.sms.send") == "dead_letters:sequence.sms");
  CHECK(group("sequence.email") == "dead_letters:sequence.email");
  CHECK(group("sequence.step", {{"channel", "webhook"}}) == "dead_letters:sequence.webhook");
  CHECK(group("sequence.enroll_nurture") == "dead_letters:sequence");
}

TEST_CASE("a lead mailbox that fails alerts after alert_after, once, and recovers with a note",
          "[bot][ops_alerts][imap]") {
  Config c = AlertConfig();
  c.inbound_email.imap.alert_after = 150s;
  Harness h(":memory:", c);
  const std::string mailbox = "leads@elmrealty.example at imaps://imap.gmail.com, INBOX";
  h.alerts->OnImapFailure(mailbox, "Failed to connect to imap.gmail.com port 993", false);
  h.Advance(30s);
  h.alerts->OnImapFailure(mailbox, "Failed to connect to imap.gmail.com port 993", false);
  h.Advance(60s);
  CHECK(h.Alerts().empty());  // 90 s: not news yet
  h.Advance(70s);
  std::vector<Job> alerts = h.Alerts();
  REQUIRE(alerts.size() == 1);
  CHECK(Title(alerts[0]) == "Lead mailbox not read");
  CHECK_THAT(Detail(alerts[0]), Contains("imap.gmail.com"));
  h.alerts->OnImapFailure(mailbox, "Failed to connect to imap.gmail.com port 993", false);
  h.Advance(10min);
  CHECK(h.Alerts().size() == 1);

  h.alerts->OnImapSuccess();
  h.Settle();
  alerts = h.Alerts();
  REQUIRE(alerts.size() == 2);
  CHECK(Title(alerts[1]) == "Lead mailbox read again");
  CHECK_THAT(Detail(alerts[1]), Contains("3 failed polls"));

  SECTION("a refused login alerts at once") {
    h.alerts->OnImapFailure(mailbox, "the server refused the login (Login denied)", true);
    h.Settle();
    alerts = h.Alerts();
    REQUIRE(alerts.size() == 3);
    CHECK(Title(alerts[2]) == "Lead mailbox refused the login");
    CHECK_THAT(Detail(alerts[2]), Contains("LEADROUTER_IMAP") || Contains("environment"));
  }
}

TEST_CASE("a finished mailbox poll does not close the e-mail jobs' dead letters",
          "[bot][ops_alerts][imap]") {
  Harness h;
  Job parse;
  parse.id = 7;
  parse.kind = "email.parse";
  parse.attempts = 8;
  h.alerts->OnDeadLetter(parse, "database is locked");
  h.Settle();
  REQUIRE(h.Alerts().size() == 1);
  Job poll;
  poll.id = 8;
  poll.kind = leadrouter::kJobImapPoll;
  h.alerts->OnJobDone(poll);
  h.Settle();
  CHECK(h.Alerts().size() == 1);  // no "works again" note
}
