// Follow-up end to end: the real daemon, the Slack stand-in, a real SMTP
// server and the Twilio stand-in on 127.0.0.1, with the daemon's clock
// moved instead of waited for. Every message is checked where a lead would
// see it: in the SMTP server's spool and in the SMS stand-in's log.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "bot/http/intake_auth.h"
#include "bot/runtime/time_zone.h"
#include "tests/support/slack_stack.h"
#include "tests/support/http_client.h"
#include "tests/support/smtp_server.h"
#include "tests/support/twilio_sim.h"

using leadrouter::testing::Contains;
using leadrouter::testing::FreePort;
using leadrouter::testing::kIntakeToken;
using leadrouter::testing::kSharkChannel;
using leadrouter::testing::MessageText;
using leadrouter::testing::SlackStack;
using leadrouter::testing::SmtpServer;
using leadrouter::testing::StackOptions;
using leadrouter::testing::TwilioSim;
using nlohmann::json;

namespace {

constexpr char kAna[] = "U0AGENTANA";
constexpr char kSid[] = "AC0123456789abcdef0123456789abcdef";
constexpr char kTwilioToken[] = "twilio-auth-token-for-tests";
constexpr char kHalPhone[] = "+13125550142";

// Everything a lead can receive, and a stack whose follow-up goes there.
struct FollowUpStack {
  explicit FollowUpStack(const std::string& extra = "", bool whole_day_window = true,
                         const std::string& webhook_secret = "")
      : smtp(FreePort()),
        twilio(kSid, kTwilioToken),
        stack(Options(extra, whole_day_window, webhook_secret)) {}

  StackOptions Options(const std::string& extra, bool whole_day_window,
                       const std::string& webhook_secret) {
    StackOptions options;
    options.extra_config =
        "[rotation]\ntimezone = \"UTC\"\n"
        "[company]\nname = \"Elm Realty\"\n"
        "[email]\nfrom = \"Elm Realty <homes@elmrealty.example>\"\n"
        "smtp_url = \"" + smtp.url() + "\"\n"
        "[sms]\ntwilio_base_url = \"" + twilio.base_url() + "\"\n"
        "account_sid = \"" + std::string(kSid) + "\"\nfrom = \"+13125550100\"\n"
        "inbound_url = \"https://leads.elmrealty.example/v1/twilio/inbound\"\n"
        +
        std::string(whole_day_window ? "[send_window]\nhours = \"00:00-24:00\"\n" : "") +
        extra +
        "[[agents]]\nslack_id = \"U0AGENTANA\"\nname = \"Ana Alvarez\"\n"
        "email = \"ana@elmrealty.example\"\n";
    options.slack_config = "claim_timeout = \"1h\"\n";
    options.env = {{"TWILIO_AUTH_TOKEN", kTwilioToken}};
    if (!webhook_secret.empty()) {
      options.extra_config += "[webhook]\nurl = \"" + twilio.hook_url("crm") + "\"\n";
      options.env["LEADROUTER_WEBHOOK_SECRET"] = webhook_secret;
    }
    return options;
  }

  // Posts Hal, a hot buyer who agreed to texts and marketing, and claims
  // him as Ana: the claim enrols him in HOT_BUYER's sequence.
  void HotLeadClaimed() {
    json lead = leadrouter::testing::HotLead(42, "Hal Hotbuyer");
    lead["phone"] = kHalPhone;
    lead["consent"] = {{"sms", true}, {"marketing", true}};
    stack.PostLead(lead);
    const std::string ts = stack.WaitForPost("Hal Hotbuyer")["ts"];
    stack.Click(kSharkChannel, ts, "claim_lead", kAna);
  }

  // Waits until the SMS stand-in holds `n` messages, and returns them all.
  json WaitForTexts(size_t n) {
    for (int i = 0; i < 1000; ++i) {
      json texts = twilio.Messages();
      if (texts.size() >= n) return texts;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("fewer than " << n << " texts arrived: " << twilio.Messages().dump() << "\n"
                       << stack.DaemonLog());
    return json();
  }
  std::vector<json> WaitForMails(size_t n) {
    for (int i = 0; i < 1000; ++i) {
      auto mails = smtp.Messages();
      if (mails.size() >= n) return mails;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("fewer than " << n << " e-mails arrived\n" << stack.DaemonLog());
    return {};
  }
  // Waits until every job that is due has run (the runner is idle), so a
  // test can then check that something did not happen.
  void Settle() { stack.WaitUntilIdle(); }
  int64_t Skipped(const std::string& reason) {
    return stack.Count("SELECT count(*) FROM timeline_events WHERE kind = "
                       "'sequence_step_skipped' AND json_extract(detail, '$.reason') = '" +
                       reason + "'");
  }

  SmtpServer smtp;
  TwilioSim twilio;
  SlackStack stack;
};

// Twilio's request signature (its webhook security docs): base64 of
// HMAC-SHA1 with the auth token over the URL followed by every POST
// parameter's name and value, sorted by name. Written here independently
// of the daemon's verifier, so that a mistake there cannot hide.
std::string TwilioSignature(const std::string& token, std::string data,
                            std::vector<std::pair<std::string, std::string>> params) {
  std::sort(params.begin(), params.end());
  for (const auto& [name, value] : params) data += name + value;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), token.data(), static_cast<int>(token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &mac_len);
  unsigned char b64[4 * EVP_MAX_MD_SIZE];
  const int n = EVP_EncodeBlock(b64, mac, static_cast<int>(mac_len));
  return std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    for (const std::string* part : {&name, &value}) {
      for (unsigned char c : *part) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
          out += static_cast<char>(c);
        } else {
          char hex[4];
          std::snprintf(hex, sizeof hex, "%%%02X", c);
          out += hex;
        }
      }
      if (part == &name) out += '=';
    }
  }
  return out;
}

// Whether process `pid` has libphonenumber's geocoding library in memory.
// Whether process `pid` has a library whose path contains `library` mapped.
bool Mapped(pid_t pid, const std::string& library) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (Contains(line, library)) return true;
  }
  return false;
}

// SLA timers off: this is about the automated sequence alone.
constexpr char kNoSla[] = "[sla.HOT_BUYER]\nremind_after = \"off\"\nescalate_after = \"off\"\n";

}  // namespace

TEST_CASE("a hot buyer gets a text at once, e-mails after 1 h and 24 h and a text after 48 h",
          "[integration][follow_up]") {
  FollowUpStack f(kNoSla);
  f.HotLeadClaimed();

  json texts = f.WaitForTexts(1);
  REQUIRE(texts.size() == 1);
  CHECK(texts[0]["to"] == kHalPhone);
  CHECK(texts[0]["from"] == "+13125550100");
  const std::string first = texts[0]["body"];
  CHECK(Contains(first, "Hi Hal"));
  CHECK(Contains(first, "12 Elm St"));
  CHECK(Contains(first, "Ana Alvarez"));
  CHECK(Contains(first, "Elm Realty"));
  CHECK(f.smtp.Messages().empty());

  f.stack.Advance("59m");
  f.Settle();
  CHECK(f.smtp.Messages().empty());
  f.stack.Advance("1m");
  auto mails = f.WaitForMails(1);
  REQUIRE(mails.size() == 1);
  CHECK(mails[0]["rcpt_tos"] == json::array({"hot42@example.com"}));
  CHECK(Contains(mails[0]["headers"].dump(), "homes@elmrealty.example"));
  CHECK(Contains(mails[0]["headers"].dump(), "ana@elmrealty.example"));  // Reply-To
  CHECK(Contains(mails[0]["body"].get<std::string>(), "Hal"));

  f.stack.Advance("23h");
  mails = f.WaitForMails(2);
  CHECK(mails.size() == 2);
  CHECK(f.twilio.Messages().size() == 1);

  f.stack.Advance("23h59m");
  f.Settle();
  CHECK(f.twilio.Messages().size() == 1);
  f.stack.Advance("1m");
  texts = f.WaitForTexts(2);
  CHECK(texts.size() == 2);
  CHECK(texts[1]["to"] == kHalPhone);

  f.stack.Advance("30d");
  f.Settle();
  CHECK(f.twilio.Messages().size() == 2);
  CHECK(f.smtp.Messages().size() == 2);
  CHECK(f.stack.Count("SELECT count(*) FROM timeline_events WHERE kind = 'sequence_step_sent'") ==
        4);
}

TEST_CASE("a CRM take-over in the middle of the sequence stops the rest of it",
          "[integration][follow_up]") {
  FollowUpStack f(kNoSla);
  f.HotLeadClaimed();
  f.WaitForTexts(1);
  f.stack.Advance("1h");
  f.WaitForMails(1);

  leadrouter::test::HttpClient http(f.stack.daemon_port());
  auto r = http.Send("POST", "/v1/crm/events",
                     {{"Content-Type", "application/json"},
                      {"Authorization", std::string("Bearer ") + kIntakeToken}},
                     json{{"event_id", "evt-1"},
                          {"type", "status_changed"},
                          {"contact", {{"email", "hot42@example.com"}}},
                          {"status", "Working"}}
                         .dump());
  INFO(r.body);
  REQUIRE(r.status == 202);

  f.stack.Advance("3d");
  f.Settle();
  CHECK(f.twilio.Messages().size() == 1);
  CHECK(f.smtp.Messages().size() == 1);
  CHECK(f.stack.Count("SELECT count(*) FROM jobs WHERE kind LIKE 'sequence.%' AND "
                      "state = 'cancelled'") == 2);
}

TEST_CASE("a STOP by text ends the texts but neither the e-mails nor the owner's reminder",
          "[integration][follow_up]") {
  FollowUpStack f("[sla.HOT_BUYER]\nremind_after = \"5m\"\nescalate_after = \"off\"\n");
  f.HotLeadClaimed();
  f.WaitForTexts(1);

  // Hal answers STOP; Twilio posts it to us, signed with the auth token.
  const std::string url = "https://leads.elmrealty.example/v1/twilio/inbound";
  const std::vector<std::pair<std::string, std::string>> params = {
      {"AccountSid", kSid}, {"Body", "Stop"}, {"From", kHalPhone},
      {"MessageSid", "SM00000000000000000000000000000001"}, {"To", "+13125550100"}};
  leadrouter::test::HttpClient http(f.stack.daemon_port());
  auto r = http.Send("POST", "/v1/twilio/inbound",
                     {{"Content-Type", "application/x-www-form-urlencoded"},
                      {"X-Twilio-Signature", TwilioSignature(kTwilioToken, url, params)}},
                     FormEncode(params));
  INFO(r.body);
  REQUIRE(r.status == 200);

  f.stack.Advance("5m");
  const std::string dm = f.stack.WaitForDm(kAna);
  auto reminder = f.stack.WaitFor(
      dm, [](const json& m) { return Contains(MessageText(m), "Reminder: lead #1"); });
  CHECK(reminder);

  f.stack.Advance("48h");
  f.WaitForMails(2);
  f.Settle();
  CHECK(f.twilio.Messages().size() == 1);
  CHECK(f.smtp.Messages().size() == 2);
  CHECK(f.stack.Count("SELECT count(*) FROM jobs WHERE kind = 'sequence.sms' AND "
                      "state = 'cancelled'") == 1);
}

TEST_CASE("the geocoder, libcurl and GMime are loaded only when first needed",
          "[integration][follow_up][memory]") {
  FollowUpStack f(kNoSla);
  const pid_t pid = f.stack.daemon_pid();
  // Hal's address names Illinois: posting, claiming and texting him never
  // ask his phone where he lives, and nothing has been e-mailed yet.
  f.HotLeadClaimed();
  f.WaitForTexts(1);
  f.Settle();
  CHECK_FALSE(Mapped(pid, "libgeocoding"));
  CHECK_FALSE(Mapped(pid, "libleadrouter_curl"));
  CHECK_FALSE(Mapped(pid, "libcurl"));
  CHECK_FALSE(Mapped(pid, "libleadrouter_mime"));
  CHECK_FALSE(Mapped(pid, "libgmime"));

  // Nina gives no address: her text's send window comes from her (212) area.
  json lead = leadrouter::testing::HotLead(43, "Nina Nophone");
  lead.erase("address");
  lead["phone"] = "+12125550143";
  lead["consent"] = {{"sms", true}, {"marketing", true}};
  f.stack.PostLead(lead);
  const std::string ts = f.stack.WaitForPost("Nina Nophone")["ts"];
  f.stack.Click(kSharkChannel, ts, "claim_lead", kAna);
  const json texts = f.WaitForTexts(2);
  CHECK(texts.size() == 2);
  CHECK(Mapped(pid, "libgeocoding"));

  // The sequence's first e-mail, an hour on, is composed with GMime and
  // sent through libcurl.
  f.stack.Advance("1h");
  REQUIRE_FALSE(f.WaitForMails(1).empty());
  CHECK(Mapped(pid, "libleadrouter_mime"));
  CHECK(Mapped(pid, "libgmime"));
  CHECK(Mapped(pid, "libleadrouter_curl"));
  CHECK(Mapped(pid, "libcurl"));
}

TEST_CASE("a text due at 23:30 in the lead's zone goes out at 08:00 there",
          "[integration][follow_up]") {
  FollowUpStack f(kNoSla, /*whole_day_window=*/false);
  // Move business time to the next 23:30 in Chicago (the lead's address).
  const auto now = std::chrono::system_clock::now();
  const leadrouter::LocalTime local = leadrouter::ToLocal(now, "America/Chicago");
  int wait_min = 23 * 60 + 30 - local.minute_of_day;
  if (wait_min < 0) wait_min += 24 * 60;
  f.stack.Advance(std::to_string(wait_min) + "m");
  f.HotLeadClaimed();
  // Enrolled now: the text is due, but it is night for Hal.
  for (int i = 0; i < 500 && f.stack.Count("SELECT count(*) FROM jobs WHERE kind = "
                                           "'sequence.sms' AND attempts = 0 AND "
                                           "last_error LIKE 'outside%'") == 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(f.twilio.Messages().empty());
  f.stack.Advance("8h");  // 07:30 (or 07:29 when a minute turned)
  f.Settle();
  CHECK(f.twilio.Messages().empty());
  f.stack.Advance("31m");
  json texts = f.WaitForTexts(1);
  CHECK(texts.size() == 1);
}

TEST_CASE("a webhook step arrives signed; a number Twilio refuses stops the texts, not the e-mails",
          "[integration][follow_up]") {
  const std::string secret = "webhook-secret-for-tests-0123456789";
  FollowUpStack f(std::string(kNoSla) +
                      "[[sequences.HOT_BUYER]]\ndelay = \"0s\"\nchannel = \"sms\"\n"
                      "template = \"Hi {first_name}\"\n"
                      "[[sequences.HOT_BUYER]]\ndelay = \"0s\"\nchannel = \"webhook\"\n"
                      "template = \"{first_name} wants {address}\"\n"
                      "[[sequences.HOT_BUYER]]\ndelay = \"1h\"\nchannel = \"email\"\n"
                      "subject = \"About {address}\"\ntemplate = \"Hi {first_name}\"\n"
                      "[[sequences.HOT_BUYER]]\ndelay = \"2h\"\nchannel = \"sms\"\n"
                      "template = \"Still looking, {first_name}?\"\n",
                  /*whole_day_window=*/true, secret);
  f.twilio.Script({{"to", kHalPhone}, {"status", 400}, {"code", 21211},
                   {"message", "The 'To' number is not a valid phone number."},
                   {"times", -1}});
  f.HotLeadClaimed();

  json hooks;
  for (int i = 0; i < 1000 && (hooks = f.twilio.Hooks()).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(hooks.size() == 1);
  const json& hook = hooks[0];
  const json& headers = hook["headers"];
  auto header = [&](const std::string& name) {
    for (auto it = headers.begin(); it != headers.end(); ++it) {
      std::string key = it.key();
      std::transform(key.begin(), key.end(), key.begin(), ::tolower);
      if (key == name) return it.value().get<std::string>();
    }
    return std::string();
  };
  const std::string body = hook["body"];
  leadrouter::IntakeSecrets secrets;
  secrets.webhook_secret = secret;
  const auto now_unix = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  CHECK(leadrouter::VerifyIntakeAuth(secrets, "", header("x-leadrouter-timestamp"),
                                     header("x-leadrouter-signature"), body, now_unix)
            .ok);
  CHECK(Contains(header("idempotency-key"), "lead-1.step-1."));
  const json event = json::parse(body);
  CHECK(event["type"] == "sequence_step");
  CHECK(event["lead_id"] == 1);
  CHECK(event["text"] == "Hal wants 12 Elm St, Chicago, IL 60601");
  CHECK(event["owner"]["name"] == "Ana Alvarez");
  CHECK(event["lead"]["phone"] == kHalPhone);

  // The refused text stopped the channel: the 2 h text is never tried.
  for (int i = 0; i < 500 && f.stack.Count("SELECT count(*) FROM timeline_events WHERE kind = "
                                           "'sequence_channel_stopped'") == 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  f.stack.Advance("3h");
  auto mails = f.WaitForMails(1);
  f.Settle();
  CHECK(mails.size() == 1);
  CHECK(f.twilio.Messages().empty());
  CHECK(f.twilio.Requests().size() == 1);  // the refused one, never again
  CHECK(f.stack.Count("SELECT count(*) FROM channel_stops WHERE channel = 'sms'") == 1);
  CHECK(f.stack.Count("SELECT count(*) FROM jobs WHERE state = 'dead'") == 0);
}

TEST_CASE("with the SMTP server down for a while, the e-mail waits and arrives once",
          "[integration][follow_up]") {
  FollowUpStack f(kNoSla);
  f.smtp.Stop();
  f.HotLeadClaimed();
  f.WaitForTexts(1);
  f.stack.Advance("1h");
  // Refused connections: the server is unavailable, so the step waits for
  // it (its attempts given back) rather than failing.
  const std::string waiting =
      "SELECT count(*) FROM jobs WHERE kind = 'sequence.email' AND state = 'pending' "
      "AND waiting_on = 'email' AND attempts = 0 AND last_error <> ''";
  for (int i = 0; i < 1000 && f.stack.Count(waiting) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(f.stack.Count(waiting) == 1);
  CHECK(f.stack.Count("SELECT count(*) FROM jobs WHERE state = 'dead'") == 0);

  f.smtp.Start();
  f.stack.Advance("15m");  // past the longest backoff
  auto mails = f.WaitForMails(1);
  f.Settle();
  CHECK(f.smtp.Messages().size() == 1);
  CHECK(mails[0]["rcpt_tos"] == json::array({"hot42@example.com"}));

  f.stack.Advance("23h");
  f.WaitForMails(2);
  f.Settle();
  CHECK(f.smtp.Messages().size() == 2);
  CHECK(f.stack.Count("SELECT count(*) FROM timeline_events WHERE kind = 'sequence_step_sent' "
                      "AND json_extract(detail, '$.channel') = 'email'") == 2);
}
