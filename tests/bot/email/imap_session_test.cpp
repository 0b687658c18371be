// ImapSession against a real Dovecot on 127.0.0.1: a message is read
// without becoming \Seen, flagged only by Mark, and a refused login is
// named as such without the password in its words or in a log line.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "bot/daemon/log.h"
#include "bot/email/imap_session.h"
#include "tests/support/imap_server.h"
#include "tests/support/line_server.h"
#include "tests/support/log_capture.h"
#include "tests/support/slack_stack.h"

using leadrouter::ImapError;
using leadrouter::ImapMailboxStatus;
using leadrouter::ImapOptions;
using leadrouter::ImapSession;
using leadrouter::testing::Contains;
using leadrouter::testing::ImapServer;
using leadrouter::testing::kImapPassword;
using leadrouter::testing::kImapUser;
using leadrouter::testing::LineServer;
using leadrouter::testing::LogCapture;

namespace {

const char kMessage[] =
    "From: Dana <dana@convo.zillow.com>\r\n"
    "To: leads@brokerage.example\r\n"
    "Subject: New lead\r\n"
    "Message-ID: <imap-session-1@convo.zillow.com>\r\n"
    "\r\n"
    "Name: Dana O'Connell\r\n";

ImapOptions Options(const ImapServer& imap, const std::string& password = kImapPassword) {
  ImapOptions o;
  o.url = imap.url();
  o.username = kImapUser;
  o.password = password;
  o.timeout = std::chrono::seconds(10);
  return o;
}

// Just enough IMAP for one client to log in and open a folder; LOGOUT is
// never answered, as by a server behind a link that died.
std::optional<std::string> QuietAtLogout(const std::string& line) {
  const std::string tag = line.substr(0, line.find(' '));
  const std::string command = line.substr(line.find(' ') + 1);
  auto is = [&](const char* word) { return command.rfind(word, 0) == 0; };
  if (is("CAPABILITY")) return "* CAPABILITY IMAP4rev1\r\n" + tag + " OK done\r\n";
  if (is("LOGIN")) return tag + " OK logged in\r\n";
  if (is("SELECT") || is("EXAMINE")) {
    return "* FLAGS ()\r\n* 0 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 1] ok\r\n" +
           tag + " OK done\r\n";
  }
  if (is("LOGOUT")) return std::nullopt;
  return tag + " BAD unknown\r\n";
}

}  // namespace

TEST_CASE("closing a session whose server no longer answers waits a moment, not minutes",
          "[bot][email][imap]") {
  LineServer server("* OK IMAP4rev1 ready\r\n", QuietAtLogout);
  ImapOptions options;
  options.url = "imap://127.0.0.1:" + std::to_string(server.port());
  options.username = kImapUser;
  options.password = kImapPassword;
  auto session = std::make_unique<ImapSession>(options);
  ImapMailboxStatus status;
  REQUIRE_FALSE(session->Examine(&status));
  REQUIRE(status.uidvalidity == 7u);
  const auto started = std::chrono::steady_clock::now();
  session.reset();  // as the daemon's stop does with the poller's session
  const auto took = std::chrono::steady_clock::now() - started;
  // libcurl's own wait for an answer to its LOGOUT is two minutes.
  CHECK(took < std::chrono::seconds(10));
  CHECK(server.WaitForClientGone());  // closed, not left open
}

TEST_CASE("a message is fetched without becoming seen and flagged only by Mark",
          "[bot][email][imap]") {
  ImapServer imap;
  imap.Deliver(kMessage);
  ImapSession session(Options(imap));
  ImapMailboxStatus status;
  REQUIRE_FALSE(session.Examine(&status));
  CHECK(status.uidvalidity != 0u);
  CHECK(status.uidnext == 2u);
  std::vector<uint32_t> uids;
  REQUIRE_FALSE(session.Search(1, &uids));
  CHECK(uids == std::vector<uint32_t>{1});
  std::string raw;
  REQUIRE_FALSE(session.Fetch(1, &raw));
  CHECK(Contains(raw, "Message-ID: <imap-session-1@convo.zillow.com>"));
  CHECK(Contains(raw, "Name: Dana O'Connell"));
  CHECK_FALSE(Contains(imap.Flags()[1], "\\Seen"));
  CHECK_FALSE(Contains(imap.Flags()[1], "$Leadrouter"));

  REQUIRE_FALSE(session.Mark(1));
  CHECK(Contains(imap.Flags()[1], "$Leadrouter"));
  CHECK_FALSE(Contains(imap.Flags()[1], "\\Seen"));

  SECTION("after a Mark the next message is again fetched read-only") {
    imap.Deliver(std::string(kMessage).replace(std::string(kMessage).find("session-1"), 9,
                                               "session-2"));
    std::string second;
    REQUIRE_FALSE(session.Fetch(2, &second));
    CHECK(Contains(second, "imap-session-2"));
    CHECK_FALSE(Contains(imap.Flags()[2], "\\Seen"));
  }
  SECTION("a UID that is gone reads as empty") {
    std::string gone;
    REQUIRE_FALSE(session.Fetch(99, &gone));
    CHECK(gone.empty());
  }
}

TEST_CASE("a session kept from one poll to the next logs in once and sees new mail",
          "[bot][email][imap]") {
  ImapServer imap;
  imap.Deliver(kMessage);
  ImapSession session(Options(imap));
  ImapMailboxStatus first;
  REQUIRE_FALSE(session.Examine(&first));
  REQUIRE_FALSE(session.Mark(1));
  CHECK(session.logins() == 1);

  imap.Deliver(std::string(kMessage).replace(std::string(kMessage).find("session-1"), 9,
                                             "session-2"));
  ImapMailboxStatus second;  // the next poll, on the same connection
  REQUIRE_FALSE(session.Examine(&second));
  CHECK(second.uidvalidity == first.uidvalidity);
  CHECK(second.uidnext == 3u);
  std::vector<uint32_t> uids;
  REQUIRE_FALSE(session.Search(2, &uids));
  CHECK(uids == std::vector<uint32_t>{2});
  std::string raw;
  REQUIRE_FALSE(session.Fetch(2, &raw));
  CHECK(Contains(raw, "imap-session-2"));
  CHECK_FALSE(Contains(imap.Flags()[2], "\\Seen"));
  CHECK(session.logins() == 1);

  SECTION("a connection the server closed meanwhile is replaced by a new login") {
    imap.Stop();
    imap.Start();
    ImapMailboxStatus after;
    // libcurl finds the connection closed and opens another, or tries it,
    // fails that poll, and the next one logs in again.
    if (session.Examine(&after)) REQUIRE_FALSE(session.Examine(&after));
    CHECK(after.uidnext == 3u);
    CHECK(session.logins() == 2);
  }
}

TEST_CASE("\\Seen as the flag marks the message read only by Mark", "[bot][email][imap]") {
  ImapServer imap;
  imap.Deliver(kMessage);
  ImapOptions options = Options(imap);
  options.flag = "\\Seen";
  ImapSession session(options);
  ImapMailboxStatus status;
  REQUIRE_FALSE(session.Examine(&status));
  std::string raw;
  REQUIRE_FALSE(session.Fetch(1, &raw));
  CHECK_FALSE(Contains(imap.Flags()[1], "\\Seen"));
  REQUIRE_FALSE(session.Mark(1));
  CHECK(Contains(imap.Flags()[1], "\\Seen"));
}

TEST_CASE("a refused login is named and its password reaches no log line",
          "[bot][email][imap]") {
  ImapServer imap;
  const std::string wrong = "not-the-app-password-4411";
  LogCapture capture;
  ImapSession session(Options(imap, wrong));
  ImapMailboxStatus status;
  auto error = session.Examine(&status);
  REQUIRE(error);
  CHECK(error->kind == ImapError::Kind::kAuth);
  CHECK_FALSE(Contains(error->message, wrong));
  // The poller logs the error's words as they are.
  leadrouter::logging::Warn("imap.poll_failed",
                            {{"kind", leadrouter::ToString(error->kind)},
                             {"error", error->message}});
  CHECK(Contains(capture.text(), "imap.poll_failed"));
  CHECK_FALSE(Contains(capture.text(), wrong));
}

TEST_CASE("a server that is down is unreachable, not a refused login", "[bot][email][imap]") {
  ImapServer imap;
  imap.Stop();
  ImapSession session(Options(imap));
  ImapMailboxStatus status;
  auto error = session.Examine(&status);
  REQUIRE(error);
  CHECK(error->kind == ImapError::Kind::kUnreachable);
}

TEST_CASE("move_to moves a marked message out of the folder, flag and all",
          "[bot][email][imap]") {
  ImapServer imap;
  imap.Deliver(kMessage);
  imap.Command("CREATE \"Leads done\"");
  ImapOptions options = Options(imap);
  options.move_to = "Leads done";
  ImapSession session(options);
  ImapMailboxStatus status;
  REQUIRE_FALSE(session.Examine(&status));
  std::string raw;
  REQUIRE_FALSE(session.Fetch(1, &raw));
  REQUIRE_FALSE(session.Mark(1));
  CHECK(imap.Flags().empty());
  CHECK(Contains(imap.Command("STATUS \"Leads done\" (MESSAGES)"), "MESSAGES 1"));
  SECTION("a folder that does not exist is refused, not lost") {
    imap.Deliver(kMessage);
    ImapOptions lost = Options(imap);
    lost.move_to = "No such folder";
    ImapSession other(lost);
    REQUIRE_FALSE(other.Examine(&status));
    REQUIRE_FALSE(other.Fetch(2, &raw));
    auto error = other.Mark(2);
    REQUIRE(error);
    CHECK(error->kind == ImapError::Kind::kRefused);
    CHECK(imap.Flags().count(2) == 1);
  }
}

TEST_CASE("imaps:// verifies the server's certificate", "[bot][email][imap]") {
  ImapServer imap(kImapPassword, /*tls=*/true);
  imap.Deliver(kMessage);
  ImapMailboxStatus status;
  SECTION("trusted through ca_file: the message is read") {
    ImapOptions options = Options(imap);
    options.ca_file = imap.ca_file();
    ImapSession session(options);
    REQUIRE_FALSE(session.Examine(&status));
    std::string raw;
    REQUIRE_FALSE(session.Fetch(1, &raw));
    CHECK(Contains(raw, "imap-session-1"));
  }
  SECTION("a certificate nobody vouches for: no login is sent") {
    ImapSession session(Options(imap));
    auto error = session.Examine(&status);
    REQUIRE(error);
    CHECK(error->kind == ImapError::Kind::kUnreachable);
    CHECK_FALSE(Contains(imap.Log(), "Login: user=<"));
  }
}

TEST_CASE("an OAuth 2 bearer token logs in with XOAUTH2", "[bot][email][imap]") {
  ImapServer imap;
  imap.Deliver(kMessage);
  ImapOptions options = Options(imap, "");
  ImapMailboxStatus status;
  SECTION("the right token") {
    options.bearer = kImapPassword;  // the test server's one valid token
    ImapSession session(options);
    REQUIRE_FALSE(session.Examine(&status));
    CHECK(Contains(imap.Log(), "method=XOAUTH2"));
  }
  SECTION("an expired token is a refused login") {
    options.bearer = "ya29.expired-token-0042";
    ImapSession session(options);
    auto error = session.Examine(&status);
    REQUIRE(error);
    CHECK(error->kind == ImapError::Kind::kAuth);
    CHECK_FALSE(Contains(error->message, "ya29"));
  }
}
