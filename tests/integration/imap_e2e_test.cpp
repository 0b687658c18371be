// The IMAP poller end to end: the real daemon, the Slack stand-in and a real
// IMAP server (Dovecot) on 127.0.0.1. A portal e-mail in the mailbox
// becomes a lead in Slack; the message is flagged on the server only once
// it is stored; a crash between the two costs no lead and makes none
// twice; a refused login and a server that is down are in /healthz and
// reach the ops channel once, with a note when the mailbox is read again.
// Polls run on the daemon's moved clock.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/support/imap_server.h"
#include "tests/support/slack_stack.h"

using leadrouter::testing::Contains;
using leadrouter::testing::ImapServer;
using leadrouter::testing::kImapPassword;
using leadrouter::testing::kImapUser;
using leadrouter::testing::kOpsChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::ReadFile;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using nlohmann::json;

namespace {

std::string Fixture(const std::string& name) {
  return ReadFile(std::string(LEADROUTER_FIXTURES_DIR) + "/email/" + name);
}

// The config of a stack that polls `imap`'s INBOX every 30 s (the default),
// trusting its test certificate when it speaks imaps://.
StackOptions ImapStack(const ImapServer& imap, const std::string& password = kImapPassword) {
  StackOptions options(R"(
[inbound_email]
[[inbound_email.sources]]
name = "Zillow"
from = ["*@zillow.com", "*@*.zillow.com"]

[[inbound_email.sources]]
name = "Realtor.com"
from = ["*@email.realtor.com"]

[inbound_email.imap]
url = ")" + imap.url() + R"("
username = ")" + kImapUser + R"("
password_env = "LEADS_MAILBOX_PASSWORD"
alert_after = "2m"
ca_file = ")" + imap.ca_file() + R"("
)");
  options.env["LEADS_MAILBOX_PASSWORD"] = password;
  return options;
}

// Polls until `pred` holds (or 15 s pass).
bool WaitUntil(const std::function<bool()>& pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

json ImapHealth(SlackStack& s) { return s.Health()["inbound_email"]["imap"]; }

int CountOps(SlackStack& s, const std::string& words) {
  int n = 0;
  const json ops = s.Channel(kOpsChannel);
  for (const auto& m : ops["messages"]) {
    if (Contains(MessageText(m), words)) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("a portal e-mail in the mailbox becomes a lead in Slack and is then flagged",
          "[e2e][imap]") {
  ImapServer imap(kImapPassword, /*tls=*/true);  // imaps://, as in production
  imap.Deliver(Fixture("zillow-qp.eml"));
  SlackStack s{ImapStack(imap)};
  s.WaitForPost("Dana O'Connell");
  INFO(s.DaemonLog());

  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails WHERE via = 'imap' AND outcome = 'lead'") == 1);
  // Flagged with our keyword once stored; read while the folder was open
  // read-only, so a person's mail client still shows it unread.
  REQUIRE(WaitUntil([&] { return Contains(imap.Flags()[1], "$Leadrouter"); }));
  CHECK_FALSE(Contains(imap.Flags()[1], "\\Seen"));
  json health = ImapHealth(s);
  CHECK(health["state"] == "ok");
  CHECK(health["last_success_unix"].is_number());
  CHECK(health["stalled"] == false);

  // A later message is taken at the next poll, 30 s on the daemon's clock.
  imap.Deliver(Fixture("realtor-base64.eml"));
  s.Advance("30s");
  REQUIRE(WaitUntil([&] {
    return s.Count("SELECT COUNT(*) FROM inbound_emails WHERE via = 'imap'") == 2;
  }));
  REQUIRE(WaitUntil([&] { return Contains(imap.Flags()[2], "$Leadrouter"); }));
  s.WaitUntilIdle();
  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 2);
  CHECK(s.Count("SELECT last_uid FROM imap_mailboxes") == 2);
  CHECK_FALSE(Contains(s.DaemonLog(), kImapPassword));
}

TEST_CASE("the poller stays logged in from poll to poll, and logs in again after five idle "
          "minutes",
          "[e2e][imap]") {
  ImapServer imap;
  imap.Deliver(Fixture("zillow-qp.eml"));
  SlackStack s{ImapStack(imap)};
  s.WaitForPost("Dana O'Connell");
  auto count = [](const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
      ++n;
    }
    return n;
  };
  // As the daemon says it, and as the server saw it (the test itself does
  // not log in here: it reads the daemon's database, not the mailbox).
  auto logins = [&] { return count(s.DaemonLog(), "imap.logged_in"); };
  auto server_logins = [&] { return count(imap.Log(), "Login: user=<"); };
  // Two more polls, 30 s apart on the daemon's clock, one with a message.
  imap.Deliver(Fixture("realtor-base64.eml"));
  s.Advance("30s");
  REQUIRE(WaitUntil([&] { return s.Count("SELECT last_uid FROM imap_mailboxes") == 2; }));
  s.Advance("30s");
  s.WaitUntilIdle();
  INFO(s.DaemonLog());
  INFO(imap.Log());
  CHECK(logins() == 1);
  CHECK(server_logins() == 1);

  // A session idle for longer is closed before the next poll, not tried.
  s.Advance("6m");
  s.WaitUntilIdle();
  CHECK(logins() == 2);
  CHECK(WaitUntil([&] { return server_logins() == 2; }));
  CHECK(ImapHealth(s)["state"] == "ok");
}

TEST_CASE("a message that could not be stored is not flagged, and is taken once storing works",
          "[e2e][imap]") {
  ImapServer imap;
  SlackStack s{ImapStack(imap)};
  s.WaitUntilIdle();
  // The database refuses the message, as a full disk would.
  s.StopDaemon();
  s.Execute("CREATE TRIGGER refuse_mail BEFORE INSERT ON inbound_emails "
            "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
  imap.Deliver(Fixture("zillow-qp.eml"));
  s.StartDaemon();
  REQUIRE(WaitUntil([&] { return ImapHealth(s)["state"] == "failing"; }));
  INFO(s.DaemonLog());
  CHECK(ImapHealth(s)["last_error_kind"] == "storage");
  s.WaitUntilIdle();
  CHECK_FALSE(Contains(imap.Flags()[1], "$Leadrouter"));
  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails") == 0);

  s.StopDaemon();
  s.Execute("DROP TRIGGER refuse_mail");
  s.StartDaemon();
  s.WaitForPost("Dana O'Connell");
  REQUIRE(WaitUntil([&] { return Contains(imap.Flags()[1], "$Leadrouter"); }));
  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 1);
  REQUIRE(WaitUntil([&] { return ImapHealth(s)["state"] == "ok"; }));
}

TEST_CASE("the daemon killed between storing a message and flagging it makes one lead, "
          "not two",
          "[e2e][imap]") {
  ImapServer imap;
  SlackStack s{ImapStack(imap)};
  s.WaitUntilIdle();
  imap.Deliver(Fixture("zillow-qp.eml"));
  s.Advance("30s");
  REQUIRE(WaitUntil([&] { return s.Count("SELECT COUNT(*) FROM inbound_emails") == 1; }));
  s.StopDaemon(SIGKILL);
  // Where the kill landed is a race; leave the server and the poller's
  // cursor as a kill right after the commit would have: stored, not flagged.
  imap.Command("UID STORE 1 -FLAGS.SILENT ($Leadrouter)");
  s.Execute("UPDATE imap_mailboxes SET last_uid = 0");
  REQUIRE_FALSE(Contains(imap.Flags()[1], "$Leadrouter"));

  s.StartDaemon();
  // The restarted daemon's clock starts from real time again: catch up
  // with the 30 s the first one was moved, so its parse job is due.
  s.Advance("30s");
  REQUIRE(WaitUntil([&] { return Contains(imap.Flags()[1], "$Leadrouter"); }));
  s.WaitForPost("Dana O'Connell");
  s.WaitUntilIdle();
  INFO(s.DaemonLog());
  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails") == 1);
  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 1);
  CHECK(Contains(s.DaemonLog(), "imap.duplicate"));
  CHECK(s.Count("SELECT last_uid FROM imap_mailboxes") == 1);
  // One post in the shark tank, not two.
  int posts = 0;
  const json shark = s.Channel(leadrouter::testing::kSharkChannel);
  for (const auto& m : shark["messages"]) {
    if (Contains(MessageText(m), "Dana O'Connell")) ++posts;
  }
  CHECK(posts == 1);
}

TEST_CASE("a refused login shows in /healthz and alerts the ops channel once, and the "
          "password is never logged",
          "[e2e][imap]") {
  ImapServer imap;
  imap.Deliver(Fixture("zillow-qp.eml"));
  const std::string wrong = "wrong-app-password-5b8e21";
  SlackStack s{ImapStack(imap, wrong)};
  auto alert = s.WaitFor(kOpsChannel, [](const json& m) {
    return Contains(MessageText(m), "Lead mailbox refused the login");
  });
  INFO(s.DaemonLog());
  REQUIRE(alert);
  json health = ImapHealth(s);
  CHECK(health["state"] == "failing");
  CHECK(health["last_error_kind"] == "auth");
  CHECK(health["last_success_unix"].is_null());
  CHECK(health["consecutive_failures"].get<int>() >= 1);

  // More failed polls, past alert_after: counted, not posted again.
  for (int i = 0; i < 5; ++i) {
    s.Advance("30s");
    s.WaitUntilIdle();
  }
  health = ImapHealth(s);
  CHECK(health["consecutive_failures"].get<int>() >= 5);
  CHECK(health["stalled"] == true);
  CHECK(CountOps(s, "Lead mailbox") == 1);
  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails") == 0);
  CHECK_FALSE(Contains(imap.Flags()[1], "$Leadrouter"));
  CHECK_FALSE(Contains(s.DaemonLog(), wrong));
  CHECK_FALSE(Contains(MessageText(*alert), wrong));
}

TEST_CASE("a mailbox server that is down alerts after alert_after, once, and a note "
          "follows when it is read again",
          "[e2e][imap]") {
  ImapServer imap;
  SlackStack s{ImapStack(imap)};
  REQUIRE(WaitUntil([&] { return ImapHealth(s)["state"] == "ok"; }));
  imap.Stop();
  s.Advance("30s");
  REQUIRE(WaitUntil([&] { return ImapHealth(s)["state"] == "failing"; }));
  INFO(s.DaemonLog());
  CHECK(ImapHealth(s)["last_error_kind"] == "unreachable");
  s.WaitUntilIdle();
  // One failed poll is not news yet.
  CHECK(CountOps(s, "Lead mailbox") == 0);
  for (int i = 0; i < 4; ++i) {
    s.Advance("30s");
    s.WaitUntilIdle();
  }
  REQUIRE(s.WaitFor(kOpsChannel, [](const json& m) {
    return Contains(MessageText(m), "Lead mailbox not read");
  }));
  s.Advance("30s");
  s.WaitUntilIdle();
  CHECK(CountOps(s, "Lead mailbox") == 1);

  imap.Deliver(Fixture("zillow-qp.eml"));
  imap.Start();
  s.Advance("30s");
  s.WaitForPost("Dana O'Connell");
  REQUIRE(s.WaitFor(kOpsChannel, [](const json& m) {
    return Contains(MessageText(m), "Lead mailbox read again");
  }));
  CHECK(ImapHealth(s)["state"] == "ok");
  CHECK(ImapHealth(s)["stalled"] == false);
}
