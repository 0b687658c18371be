// The e-mail providers' inbound webhooks end to end: the real daemon and
// the Slack stand-in. A raw message posted the way Mailgun's raw-MIME route
// or Postmark's inbound webhook posts it becomes a lead in Slack once;
// anything not signed or authenticated right is refused with a reason and
// leaves nothing behind; the answers follow each provider's retry rules.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "bot/email/webhook_auth.h"
#include "tests/support/http_client.h"
#include "tests/support/slack_stack.h"

using leadrouter::BasicAuthorization;
using leadrouter::SignMailgun;
using leadrouter::testing::Contains;
using leadrouter::testing::ReadFile;
using leadrouter::testing::SlackStack;
using leadrouter::testing::StackOptions;
using nlohmann::json;

namespace {

constexpr char kSigningKey[] = "key-mailgun-signing-for-tests-0123456789";
constexpr char kPostmarkPassword[] = "postmark-password-for-tests-9876";
constexpr char kBoundary[] = "----mgboundary7d3a1f";

constexpr char kConfig[] = R"(
[inbound_email]
max_size = 16384

[inbound_email.webhooks]
postmark_username = "inbound"

[[inbound_email.sources]]
name = "Zillow"
from = ["*@zillow.com", "*@*.zillow.com"]
)";

StackOptions Options() {
  StackOptions options(kConfig);
  options.env = {{"MAILGUN_WEBHOOK_SIGNING_KEY", kSigningKey},
                 {"POSTMARK_INBOUND_PASSWORD", kPostmarkPassword}};
  return options;
}

std::string Fixture(const std::string& name) {
  return ReadFile(std::string(LEADROUTER_FIXTURES_DIR) + "/email/" + name);
}

int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct MailgunPost {
  std::string raw;
  int64_t timestamp = NowUnix();
  std::string token = "tok" + std::to_string(NowUnix()) + "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9";
  std::string key = kSigningKey;  // what the sender signs with
};

// The body Mailgun's forward() to a URL ending in "mime" posts.
std::string MailgunForm(const MailgunPost& post) {
  const std::string ts = std::to_string(post.timestamp);
  std::vector<std::pair<std::string, std::string>> fields = {
      {"recipient", "leads@mg.elmrealty.example"},
      {"sender", "bounce@mail.zillow.com"},
      {"from", "Zillow <leads@mail.zillow.com>"},
      {"subject", "New Contact"},
      {"timestamp", ts},
      {"token", post.token},
      {"signature", SignMailgun(post.key, ts, post.token)},
      {"body-mime", post.raw},
  };
  std::string body;
  for (const auto& [name, value] : fields) {
    body += std::string("--") + kBoundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n";
    body += value + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\n";
}

leadrouter::test::ClientResponse SendMailgun(SlackStack& s, const std::string& body) {
  leadrouter::test::HttpClient http(s.daemon_port());
  return http.Send("POST", "/v1/email/mailgun/mime",
                   {{"Content-Type", std::string("multipart/form-data; boundary=") + kBoundary}},
                   body);
}

leadrouter::test::ClientResponse SendPostmark(SlackStack& s, const std::string& raw,
                                              const std::string& authorization) {
  // Postmark's inbound JSON: parsed fields beside the raw message.
  json body = {{"From", "leads@mail.zillow.com"},
               {"Subject", "New Contact"},
               {"MessageStream", "inbound"},
               {"TextBody", "(parsed by Postmark)"},
               {"Attachments", json::array()}};
  if (!raw.empty()) body["RawEmail"] = raw;
  leadrouter::test::HeaderList headers = {{"Content-Type", "application/json"}};
  if (!authorization.empty()) headers.emplace_back("Authorization", authorization);
  leadrouter::test::HttpClient http(s.daemon_port());
  return http.Send("POST", "/v1/email/postmark", headers, body.dump());
}

std::string ErrorOf(const leadrouter::test::ClientResponse& r) {
  json body = json::parse(r.body, nullptr, false);
  return body.is_object() ? body.value("error", std::string()) : r.body;
}

}  // namespace

TEST_CASE("a Mailgun raw-MIME post signed right becomes one lead in Slack, also "
          "when redelivered",
          "[e2e][email][webhooks]") {
  SlackStack s{Options()};
  MailgunPost post;
  post.raw = Fixture("zillow-qp.eml");
  auto first = SendMailgun(s, MailgunForm(post));
  INFO(first.body << "\n" << s.DaemonLog());
  // Mailgun counts only a 200 as delivered.
  REQUIRE(first.status == 200);
  CHECK(json::parse(first.body)["status"] == "accepted");
  s.WaitForPost("Dana O'Connell");

  // Mailgun retries with a new token and timestamp: the same message.
  MailgunPost again = post;
  again.token = "retry" + post.token;
  auto second = SendMailgun(s, MailgunForm(again));
  REQUIRE(second.status == 200);
  CHECK(json::parse(second.body)["status"] == "duplicate");
  CHECK(json::parse(second.body)["email_id"] == json::parse(first.body)["email_id"]);
  s.WaitUntilIdle();
  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 1);
  CHECK(s.QueryString("SELECT via FROM inbound_emails") == "mailgun");
  CHECK_FALSE(Contains(s.DaemonLog(), kSigningKey));
}

TEST_CASE("Mailgun posts with a wrong signature, a stale timestamp or a reused token "
          "are refused and store nothing",
          "[e2e][email][webhooks]") {
  SlackStack s{Options()};
  MailgunPost forged;
  forged.raw = Fixture("zillow-qp.eml");
  forged.key = "key-someone-else";
  auto bad = SendMailgun(s, MailgunForm(forged));
  INFO(bad.body);
  CHECK(bad.status == 401);
  CHECK(Contains(ErrorOf(bad), "signature does not match"));

  MailgunPost stale;
  stale.raw = Fixture("zillow-qp.eml");
  stale.timestamp = NowUnix() - 3600;
  auto old = SendMailgun(s, MailgunForm(stale));
  INFO(old.body);
  CHECK(old.status == 401);
  CHECK(Contains(ErrorOf(old), "replay"));

  // A captured signature (it covers only timestamp and token) carrying
  // another message.
  MailgunPost first;
  first.raw = Fixture("newsletter-zillow.eml");
  REQUIRE(SendMailgun(s, MailgunForm(first)).status == 200);
  MailgunPost replayed = first;
  replayed.raw = Fixture("zillow-qp.eml");
  auto reused = SendMailgun(s, MailgunForm(replayed));
  INFO(reused.body);
  CHECK(reused.status == 401);
  CHECK(Contains(ErrorOf(reused), "token was used before"));

  // A form without the message: the route does not end in "mime". Mailgun
  // retries this, so fixing the route loses nothing.
  std::string no_mime = MailgunForm(first);
  no_mime.replace(no_mime.find("name=\"body-mime\""), 16, "name=\"body-plain\"");
  CHECK(SendMailgun(s, no_mime).status == 422);

  s.WaitUntilIdle();
  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails") == 1);
  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 0);
  CHECK_FALSE(Contains(s.DaemonLog(), kSigningKey));
}

TEST_CASE("a Postmark inbound post with the right basic auth becomes one lead; wrong "
          "or missing credentials get 401 and store nothing",
          "[e2e][email][webhooks]") {
  SlackStack s{Options()};
  const std::string raw = Fixture("zillow-qp.eml");
  auto none = SendPostmark(s, raw, "");
  CHECK(none.status == 401);
  CHECK(Contains(ErrorOf(none), "Authorization is missing"));
  auto wrong = SendPostmark(s, raw, BasicAuthorization("inbound", "guess"));
  CHECK(wrong.status == 401);
  CHECK(Contains(ErrorOf(wrong), "wrong user name or password"));
  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails") == 0);

  const std::string good = BasicAuthorization("inbound", kPostmarkPassword);
  // The stream's raw-content setting off: retried by Postmark (not 403).
  auto no_raw = SendPostmark(s, "", good);
  CHECK(no_raw.status == 422);
  CHECK(Contains(ErrorOf(no_raw), "Include raw email content"));
  // Bytes that are no message: 403, so Postmark stops retrying.
  CHECK(SendPostmark(s, "just text, no headers", good).status == 403);

  auto first = SendPostmark(s, raw, good);
  INFO(first.body << "\n" << s.DaemonLog());
  REQUIRE(first.status == 200);
  CHECK(json::parse(first.body)["status"] == "accepted");
  s.WaitForPost("Dana O'Connell");
  auto again = SendPostmark(s, raw, good);
  REQUIRE(again.status == 200);
  CHECK(json::parse(again.body)["status"] == "duplicate");
  s.WaitUntilIdle();
  CHECK(s.Count("SELECT COUNT(*) FROM leads") == 1);
  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails") == 1);
  CHECK_FALSE(Contains(s.DaemonLog(), kPostmarkPassword));
}

TEST_CASE("a message over inbound_email.max_size is 413 at either webhook",
          "[e2e][email][webhooks]") {
  SlackStack s{Options()};
  std::string big = Fixture("zillow-qp.eml");
  big += std::string(20000, 'x') + "\r\n";
  // Within the form's limit, but the message itself is too big.
  MailgunPost post;
  post.raw = big;
  auto mailgun = SendMailgun(s, MailgunForm(post));
  INFO(mailgun.body);
  CHECK(mailgun.status == 413);
  CHECK(Contains(ErrorOf(mailgun), "inbound_email.max_size"));
  // Over the request's own limit.
  post.raw = big + std::string(200000, 'y');
  CHECK(SendMailgun(s, MailgunForm(post)).status == 413);
  CHECK(SendPostmark(s, big, BasicAuthorization("inbound", kPostmarkPassword)).status == 413);
  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails") == 0);
}

TEST_CASE("without their secrets the webhooks answer 503, which the providers retry",
          "[e2e][email][webhooks]") {
  SlackStack s{StackOptions(kConfig)};
  MailgunPost post;
  post.raw = Fixture("zillow-qp.eml");
  auto mailgun = SendMailgun(s, MailgunForm(post));
  CHECK(mailgun.status == 503);
  CHECK(Contains(ErrorOf(mailgun), "MAILGUN_WEBHOOK_SIGNING_KEY"));
  auto postmark = SendPostmark(s, post.raw, BasicAuthorization("inbound", "x"));
  CHECK(postmark.status == 503);
  CHECK(s.Count("SELECT COUNT(*) FROM inbound_emails") == 0);
}
