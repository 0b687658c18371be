// SmtpSender against a real SMTP server on 127.0.0.1 (Debian's aiosmtpd,
// tests/support/smtp_sink.py), which writes what it accepted to files.
#include "bot/delivery/smtp_sender.h"

#include <strings.h>

#include <curl/curl.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "tests/support/daemon_process.h"
#include "tests/support/fake_clock.h"
#include "tests/support/line_server.h"
#include "tests/support/smtp_server.h"

using namespace std::chrono_literals;
using leadrouter::EmailMessage;
using leadrouter::JobOutcome;
using leadrouter::SmtpOptions;
using leadrouter::SmtpResult;
using leadrouter::SmtpSender;
using leadrouter::testing::FakeClock;
using leadrouter::testing::FreePort;
using leadrouter::testing::LineServer;
using leadrouter::testing::SmtpServer;
using leadrouter::testing::TempDir;

namespace {

bool RunUntil(boost::asio::io_context& loop, const std::function<bool()>& done,
              std::chrono::milliseconds deadline = 20s) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    loop.restart();
    loop.run_for(5ms);
  }
  return true;
}

void Settle(boost::asio::io_context& loop) {
  for (int i = 0; i < 10; ++i) {
    loop.restart();
    loop.run_for(5ms);
  }
}

SmtpOptions Url(const std::string& url) {
  SmtpOptions options;
  options.url = url;
  return options;
}

EmailMessage Message(const std::string& to = "dana@example.com") {
  EmailMessage m;
  m.from = "Elm Realty <homes@elmrealty.example>";
  m.to = "Dana O'Connell <" + to + ">";
  m.subject = "Your inquiry about 12 Elm St";
  m.body = "Hi Dana,\nthanks for asking.\n";
  m.message_id = "<lead-7.step-1@elmrealty.example>";
  return m;
}

struct Harness {
  explicit Harness(SmtpOptions options) {
    options.timeout = 10s;
    sender = std::make_unique<SmtpSender>(loop, clock, std::move(options));
  }
  explicit Harness(const std::string& url) : Harness(Url(url)) {}

  SmtpResult SendAndWait(EmailMessage m) {
    std::optional<SmtpResult> result;
    sender->Send(std::move(m), [&](SmtpResult r) { result = std::move(r); });
    REQUIRE(RunUntil(loop, [&] { return result.has_value(); }));
    return *result;
  }

  boost::asio::io_context loop;
  FakeClock clock;
  std::unique_ptr<SmtpSender> sender;
};

// A header of a message the sink received, by name in any case (mail
// header names are case-insensitive: GMime writes "Message-Id").
std::string HeaderOf(const nlohmann::json& message, const std::string& name) {
  for (const auto& [key, value] : message["headers"].items()) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0 && value.is_string()) return value;
  }
  return "";
}

}  // namespace

TEST_CASE(
    "smtp: a follow-up e-mail arrives with its headers and its UTF-8 body",
    "[bot][delivery][smtp]") {
  SmtpServer server(FreePort());
  Harness h(server.url());
  EmailMessage m = Message("zoe@example.com");
  m.to = "Zoë Ångström <zoe@example.com>";
  m.reply_to = "Ana Lima <ana@elmrealty.example>";
  m.subject = "Ihr Termin für 12 Elm St – bestätigt";
  m.body =
      "Hi Zoë,\n\nthe café on the corner = 5 min.\n.a line that starts with a "
      "dot\n– Ana\n";
  const SmtpResult r = h.SendAndWait(m);
  INFO(r.outcome.error);
  REQUIRE(r.outcome.kind == JobOutcome::Kind::kDone);
  CHECK(r.smtp_code == 250);

  const auto messages = server.Messages();
  REQUIRE(messages.size() == 1);
  const nlohmann::json& got = messages[0];
  CHECK(got["mail_from"] == "homes@elmrealty.example");
  CHECK(got["rcpt_tos"] == nlohmann::json::array({"zoe@example.com"}));
  CHECK(HeaderOf(got, "From") == "Elm Realty <homes@elmrealty.example>");
  CHECK(HeaderOf(got, "To") == "Zoë Ångström <zoe@example.com>");
  CHECK(HeaderOf(got, "Reply-To") == "Ana Lima <ana@elmrealty.example>");
  CHECK(HeaderOf(got, "Subject") == "Ihr Termin für 12 Elm St – bestätigt");
  CHECK(HeaderOf(got, "Date") ==
        "Sat, 14 Mar 2026 22:07:41 +0000");  // the fake clock
  CHECK(HeaderOf(got, "Message-ID") == "<lead-7.step-1@elmrealty.example>");
  CHECK(HeaderOf(got, "MIME-Version") == "1.0");
  CHECK(got["content_type"] == "text/plain");
  CHECK(got["charset"] == "utf-8");
  CHECK(got["body"] == m.body);
  SECTION("on the wire it is 7-bit with CRLF line ends") {
    const std::string raw = server.Raw(1);
    CHECK(std::all_of(raw.begin(), raw.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x80;
    }));
    CHECK(raw.find("\r\n\r\n") != std::string::npos);
    CHECK(raw.find("\n\n") == std::string::npos);
  }
}

TEST_CASE("smtp: a server that takes the message and never answers QUIT holds nothing up",
          "[bot][delivery][smtp]") {
  // Takes one message, then goes quiet, as one behind a link that died.
  bool in_data = false;
  LineServer server("220 quiet.example ESMTP\r\n",
                    [&in_data](const std::string& line) -> std::optional<std::string> {
                      if (in_data) {
                        if (line != ".") return std::nullopt;
                        in_data = false;
                        return "250 2.0.0 queued\r\n";
                      }
                      if (line.rfind("EHLO", 0) == 0) return "250 quiet.example\r\n";
                      if (line == "DATA") {
                        in_data = true;
                        return "354 go ahead\r\n";
                      }
                      if (line == "QUIT") return std::nullopt;
                      return "250 2.1.0 ok\r\n";  // MAIL FROM, RCPT TO
                    });
  Harness h("smtp://127.0.0.1:" + std::to_string(server.port()));
  const auto started = std::chrono::steady_clock::now();
  const SmtpResult r = h.SendAndWait(Message());
  CHECK(r.outcome.kind == JobOutcome::Kind::kDone);
  // libcurl's own wait for an answer to its QUIT is two minutes.
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  CHECK(server.WaitForClientGone());
}

TEST_CASE("smtp: a server that is down is unavailable: the step waits for it",
          "[bot][delivery][smtp]") {
  Harness h("smtp://127.0.0.1:" + std::to_string(FreePort()));
  const SmtpResult r = h.SendAndWait(Message());
  CHECK(r.outcome.kind == JobOutcome::Kind::kUnavailable);
  CHECK_FALSE(r.recipient_refused);
  CHECK(r.outcome.error.find("connect") != std::string::npos);
}

TEST_CASE(
    "smtp: 550 unknown mailbox is permanent and stops the channel for the lead",
    "[bot][delivery][smtp]") {
  SmtpServer server(
      FreePort(), {"--reject", "gone@example.com", "--tempfail",
                   "busy@example.com", "--reject-data", "filtered@example.com",
                   "--reject-sender", "homes@elmrealty.example"});
  Harness h(server.url());
  SECTION("550 to RCPT TO") {
    EmailMessage m = Message("gone@example.com");
    m.from = "Ana <ana@elmrealty.example>";
    const SmtpResult r = h.SendAndWait(m);
    CHECK(r.outcome.kind == JobOutcome::Kind::kPermanentFailure);
    CHECK(r.recipient_refused);
    CHECK(r.smtp_code == 550);
    CHECK(r.outcome.error.find("550") != std::string::npos);
  }
  SECTION("554 to the message itself") {
    EmailMessage m = Message("filtered@example.com");
    m.from = "Ana <ana@elmrealty.example>";
    const SmtpResult r = h.SendAndWait(m);
    CHECK(r.outcome.kind == JobOutcome::Kind::kPermanentFailure);
    CHECK(r.recipient_refused);
    CHECK(r.smtp_code == 554);
  }
  SECTION("451 is a retry, not a refusal") {
    EmailMessage m = Message("busy@example.com");
    m.from = "Ana <ana@elmrealty.example>";
    const SmtpResult r = h.SendAndWait(m);
    CHECK(r.outcome.kind == JobOutcome::Kind::kUnavailable);
    CHECK_FALSE(r.recipient_refused);
    CHECK(r.smtp_code == 451);
  }
  SECTION(
      "a refused sender is our problem: retry, the lead's channel stays open") {
    const SmtpResult r = h.SendAndWait(Message());
    CHECK(r.outcome.kind == JobOutcome::Kind::kRetry);
    CHECK_FALSE(r.recipient_refused);
    CHECK(r.smtp_code == 550);
  }
  CHECK(server.Messages().empty());
}

TEST_CASE("smtp: a message without addresses fails without a connection",
          "[bot][delivery][smtp]") {
  Harness h("smtp://127.0.0.1:" + std::to_string(FreePort()));
  EmailMessage m = Message();
  m.to = "Dana, no address";
  SmtpResult r = h.SendAndWait(m);
  CHECK(r.outcome.kind == JobOutcome::Kind::kPermanentFailure);
  CHECK(r.recipient_refused);
  m = Message();
  m.from = "";
  r = h.SendAndWait(m);
  CHECK(r.outcome.kind == JobOutcome::Kind::kPermanentFailure);
  CHECK_FALSE(r.recipient_refused);  // our config, not the lead's address
}

TEST_CASE(
    "smtp: a server down for a while, then back: the job queue's retry "
    "delivers once and nothing is sent twice",
    "[bot][delivery][smtp]") {
  boost::asio::io_context loop;
  FakeClock clock;
  leadrouter::StorageWriter writer(
      loop, leadrouter::storage::Database::Open(":memory:"));
  leadrouter::JobRunnerOptions options;
  options.backoff_base = 2s;
  options.backoff_cap = 60s;
  options.random = [] { return 1.0; };  // no jitter
  leadrouter::JobRunner runner(loop, writer, clock, options);
  const uint16_t port = FreePort();
  SmtpOptions smtp = Url("smtp://127.0.0.1:" + std::to_string(port));
  smtp.timeout = 10s;
  SmtpSender sender(loop, clock, smtp);

  int attempts = 0;
  std::vector<JobOutcome::Kind> outcomes;
  runner.Register("email.send", [&](const leadrouter::storage::Job& job,
                                    leadrouter::JobDone done) {
    ++attempts;
    EmailMessage m = Message();
    m.message_id = "<job-" + std::to_string(job.id) + "@elmrealty.example>";
    sender.Send(std::move(m), [&, done](SmtpResult r) {
      outcomes.push_back(r.outcome.kind);
      done(r.outcome);
    });
  });
  runner.Start();
  bool enqueued = false;
  int64_t job_id = 0;
  leadrouter::storage::NewJob job;
  job.kind = "email.send";
  job.due_at = clock.Now();
  job.max_attempts = 8;
  writer.Submit(
      [&](leadrouter::storage::Database& db) {
        job_id =
            leadrouter::storage::JobStore(db.db()).Enqueue(job, clock.Now());
      },
      [&](const std::string&) { enqueued = true; });
  REQUIRE(RunUntil(loop, [&] { return enqueued; }));
  runner.Wake();

  // Down: two attempts fail and are retried after the backoff.
  REQUIRE(RunUntil(loop, [&] { return outcomes.size() == 1; }));
  Settle(loop);
  clock.Advance(2s);
  runner.Wake();
  REQUIRE(RunUntil(loop, [&] { return outcomes.size() == 2; }));
  CHECK(outcomes[0] == JobOutcome::Kind::kUnavailable);
  CHECK(outcomes[1] == JobOutcome::Kind::kUnavailable);
  Settle(loop);

  // Back: the next attempt delivers.
  SmtpServer server(port);
  clock.Advance(4s);
  runner.Wake();
  REQUIRE(RunUntil(loop, [&] { return outcomes.size() == 3; }));
  CHECK(outcomes[2] == JobOutcome::Kind::kDone);
  Settle(loop);

  // Time goes on; the done job never runs again.
  clock.Advance(1h);
  runner.Wake();
  Settle(loop);
  CHECK(attempts == 3);
  const auto messages = server.Messages();
  REQUIRE(messages.size() == 1);
  CHECK(HeaderOf(messages[0], "Message-ID") ==
        "<job-" + std::to_string(job_id) + "@elmrealty.example>");

  std::optional<leadrouter::storage::Job> stored;
  bool read = false;
  writer.Submit(
      [&](leadrouter::storage::Database& db) {
        stored = leadrouter::storage::JobStore(db.db()).Get(job_id);
      },
      [&](const std::string&) { read = true; });
  REQUIRE(RunUntil(loop, [&] { return read; }));
  REQUIRE(stored);
  CHECK(stored->state == leadrouter::storage::JobState::kDone);
  runner.Stop();
  sender.Stop();
  writer.Stop();
}

TEST_CASE("smtp: STARTTLS is used when offered and its certificate is verified",
          "[bot][delivery][smtp]") {
  TempDir certs;
  const std::string cert = certs.File("cert.pem");
  const std::string key = certs.File("key.pem");
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost"
      " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  SmtpServer server(FreePort(), {"--tls-cert", cert, "--tls-key", key});

  SECTION("trusted through ca_file: delivered over TLS") {
    SmtpOptions options = Url(server.url());
    options.ca_file = cert;
    Harness h(options);
    const SmtpResult r = h.SendAndWait(Message());
    INFO(r.outcome.error);
    REQUIRE(r.outcome.kind == JobOutcome::Kind::kDone);
    const auto messages = server.Messages();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0]["tls"] == true);
  }
  SECTION("an untrusted certificate is not sent to, and is retried") {
    Harness h(server.url());
    const SmtpResult r = h.SendAndWait(Message());
    CHECK(r.outcome.kind == JobOutcome::Kind::kRetry);
    CHECK_FALSE(r.recipient_refused);
    CHECK(server.Messages().empty());
  }
}

TEST_CASE("smtp: require_tls refuses a server that offers no STARTTLS",
          "[bot][delivery][smtp]") {
  SmtpServer server(FreePort());
  SmtpOptions options = Url(server.url());
  options.require_tls = true;
  Harness h(options);
  const SmtpResult r = h.SendAndWait(Message());
  CHECK(r.outcome.kind == JobOutcome::Kind::kRetry);
  CHECK(server.Messages().empty());
}

TEST_CASE("smtp: results classify as the job queue needs them",
          "[bot][delivery][smtp]") {
  using leadrouter::ClassifySmtpResult;
  CHECK(ClassifySmtpResult(CURLE_OK, 250, "").outcome.kind ==
        JobOutcome::Kind::kDone);
  CHECK(ClassifySmtpResult(CURLE_SEND_ERROR, 550, "RCPT failed: 550")
            .outcome.kind == JobOutcome::Kind::kPermanentFailure);
  CHECK(ClassifySmtpResult(CURLE_SEND_ERROR, 452, "RCPT failed: 452")
            .outcome.kind == JobOutcome::Kind::kUnavailable);
  CHECK(ClassifySmtpResult(CURLE_LOGIN_DENIED, 535, "Login denied")
            .outcome.kind == JobOutcome::Kind::kRetry);
  CHECK(ClassifySmtpResult(CURLE_WEIRD_SERVER_REPLY, 554,
                           "Got unexpected smtp-server response: 554")
            .outcome.kind == JobOutcome::Kind::kRetry);  // a refused greeting
  CHECK(ClassifySmtpResult(CURLE_OPERATION_TIMEDOUT, 0, "").outcome.kind ==
        JobOutcome::Kind::kUnavailable);
}

TEST_CASE("smtp: a send queued when the sender stops is answered with a retry",
          "[bot][delivery][smtp]") {
  Harness h("smtp://127.0.0.1:" + std::to_string(FreePort()));
  h.sender->Stop();
  const SmtpResult r = h.SendAndWait(Message());
  CHECK(r.outcome.kind == JobOutcome::Kind::kRetry);
  CHECK(r.outcome.error.find("shutting down") != std::string::npos);
}
