// Opt-outs as the person and our systems send them: POST /v1/optout and
// Twilio's inbound-message webhook, through the real `leadrouter serve` on
// 127.0.0.1, with the SQLite file checked afterwards.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "storage/database.h"
#include "storage/job_store.h"
#include "tests/support/http_client.h"
#include "tests/support/intake_daemon.h"

using leadrouter::testing::Fixture;
using leadrouter::testing::IntakeDaemon;
using leadrouter::testing::JsonAuth;
using leadrouter::test::HeaderList;
using leadrouter::test::HttpClient;
using json = nlohmann::json;

namespace {

constexpr char kOptOutPath[] = "/v1/optout";
constexpr char kTwilioPath[] = "/v1/twilio/inbound";
constexpr char kTwilioToken[] = "twilio-auth-token-for-tests-0123";
// What the Twilio console would hold; the daemon sees 127.0.0.1 instead.
constexpr char kInboundUrl[] = "https://leads.example.com/v1/twilio/inbound";
// The portal sample's contact (tests/fixtures/portal-nested.json).
constexpr char kDanaPhone[] = "+12125550199";
constexpr char kDanaEmail[] = "dana.oconnell@example.com";

std::map<std::string, std::string> Env(bool with_twilio) {
  std::map<std::string, std::string> env = {
      {"LEADROUTER_INTAKE_TOKEN", leadrouter::testing::kIntakeToken},
      {"LEADROUTER_WEBHOOK_SECRET", leadrouter::testing::kWebhookSecret}};
  if (with_twilio) env["TWILIO_AUTH_TOKEN"] = kTwilioToken;
  return env;
}

struct OptOutDaemon : IntakeDaemon {
  explicit OptOutDaemon(bool with_twilio = true, const std::string& sms = "")
      : IntakeDaemon("rate_limit_burst = 1000\n" + sms, Env(with_twilio)) {}

  int64_t PostLead(HttpClient& c, const std::string& body) {
    auto r = c.Send("POST", "/v1/leads", JsonAuth(), body);
    REQUIRE(r.status == 202);
    return json::parse(r.body)["lead_id"];
  }
  // A follow-up step far ahead, as enrolment writes them: nothing runs it
  // before the test looks.
  int64_t AddJob(const std::string& kind, int64_t lead) {
    auto db = leadrouter::storage::Database::Open(db_path());
    leadrouter::storage::NewJob job;
    job.kind = kind;
    job.lead_id = lead;
    auto now = std::chrono::system_clock::now();
    job.due_at = now + std::chrono::hours(48);
    return leadrouter::storage::JobStore(db->db()).Enqueue(job, now);
  }
  std::string JobState(int64_t job) const {
    SQLite::Database db(db_path(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT state FROM jobs WHERE id = " + std::to_string(job))
        .getString();
  }
  int64_t OptOuts(const std::string& where) const {
    return Count("SELECT count(*) FROM opt_outs WHERE " + where);
  }
};

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string FormEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

using Params = std::vector<std::pair<std::string, std::string>>;

// Twilio's signature, computed here independently of the daemon's code:
// base64(HMAC-SHA1(token, url + name1 + value1 + … sorted by name)).
std::string TwilioSignature(const std::string& token, const std::string& url,
                            Params params) {
  std::sort(params.begin(), params.end());
  std::string data = url;
  for (const auto& [k, v] : params) data += k + v;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), token.data(), static_cast<int>(token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  std::string out(4 * ((len + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac,
                          static_cast<int>(len));
  out.resize(static_cast<size_t>(n));
  return out;
}

Params Inbound(const std::string& from, const std::string& body) {
  return {{"MessageSid", "SM0123456789abcdef0123456789abcdef"},
          {"AccountSid", "AC0123456789abcdef0123456789abcdef"},
          {"From", from},
          {"To", "+13125550100"},
          {"Body", body},
          {"NumMedia", "0"}};
}

// Posts `params` to the Twilio route, signed for `url` (or with `signature`).
leadrouter::test::ClientResponse PostTwilio(HttpClient& c, const Params& params,
                                            const std::string& url,
                                            std::string signature = "") {
  std::string body;
  for (const auto& [k, v] : params) {
    body += (body.empty() ? "" : "&") + FormEncode(k) + "=" + FormEncode(v);
  }
  if (signature.empty()) signature = TwilioSignature(kTwilioToken, url, params);
  return c.Send("POST", kTwilioPath,
                {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"X-Twilio-Signature", signature}},
                body);
}

std::string FieldOf(const leadrouter::test::ClientResponse& r) {
  return json::parse(r.body).value("field", "");
}

}  // namespace

TEST_CASE("POST /v1/optout answers 400 naming the field at fault",
          "[integration][opt_out]") {
  OptOutDaemon d(false);
  HttpClient c(d.port);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{}", "phone"},
      {R"({"phone": ""})", "phone"},
      {R"({"phone": "12"})", "phone"},
      {R"({"phone": 2125550199})", "phone"},
      {R"({"email": "dana@"})", "email"},
      {R"({"phone": "+12125550199", "channels": ["fax"]})", "channels"},
      {R"({"phone": "+12125550199", "channels": "sms"})", "channels"},
      {R"({"phone": "+12125550199", "channels": ["email"]})", "email"},
      {R"([1, 2])", "body"},
  };
  for (const auto& [body, field] : cases) {
    INFO(body);
    auto r = c.Send("POST", kOptOutPath, JsonAuth(), body);
    CHECK(r.status == 400);
    CHECK(FieldOf(r) == field);
    CHECK_FALSE(json::parse(r.body).value("error", "").empty());
  }
  CHECK(c.Send("POST", kOptOutPath, {{"Content-Type", "application/json"}},
               R"({"phone": "+12125550199"})")
            .status == 401);
  CHECK(c.Send("POST", kOptOutPath,
               {{"Content-Type", "text/plain"},
                {"Authorization", std::string("Bearer ") +
                                      leadrouter::testing::kIntakeToken}},
               "phone=+12125550199")
            .status == 415);
  d.process->Stop(SIGTERM);
  CHECK(d.Count("SELECT count(*) FROM opt_outs") == 0);
}

TEST_CASE("an SMS opt-out stops the lead's SMS steps but not its e-mails or reminders",
          "[integration][opt_out]") {
  OptOutDaemon d(false);
  HttpClient c(d.port);
  int64_t lead = d.PostLead(c, Fixture("portal-nested.json"));
  int64_t other = d.PostLead(c, Fixture("webform-standard.json"));
  int64_t sms1 = d.AddJob("sequence.sms", lead);
  int64_t sms2 = d.AddJob("sequence.sms", lead);
  int64_t email = d.AddJob("sequence.email", lead);
  int64_t remind = d.AddJob("sla.remind", lead);
  int64_t escalate = d.AddJob("sla.escalate", lead);
  int64_t others_sms = d.AddJob("sequence.sms", other);

  // As an unsubscribe page would send it: a national-format number.
  auto r = c.Send("POST", kOptOutPath, JsonAuth(),
                  R"({"phone": "(212) 555-0199", "source": "unsubscribe page",
                      "reason": "bought already"})");
  REQUIRE(r.status == 202);
  // Committed before the 202: kill at once and read the file.
  d.process->Stop(SIGKILL);
  auto body = json::parse(r.body);
  CHECK(body["opted_out"] ==
        json::array({{{"channel", "sms"}, {"address", kDanaPhone}, {"new", true}}}));
  CHECK(body["leads"] == 1);
  CHECK(body["cancelled_steps"] ==
        d.Count("SELECT count(*) FROM jobs WHERE kind = 'sequence.sms' AND "
                "state = 'cancelled' AND lead_id = " + std::to_string(lead)));
  CHECK(body["cancelled_steps"] >= 2);

  CHECK(d.JobState(sms1) == "cancelled");
  CHECK(d.JobState(sms2) == "cancelled");
  CHECK(d.Count("SELECT count(*) FROM jobs WHERE kind LIKE 'sequence.sms%' AND "
                "state = 'pending' AND lead_id = " + std::to_string(lead)) == 0);
  CHECK(d.JobState(email) == "pending");
  CHECK(d.JobState(remind) == "pending");
  CHECK(d.JobState(escalate) == "pending");
  CHECK(d.JobState(others_sms) == "pending");
  // The lead's Slack work reports to people; it is no message to Dana.
  CHECK(d.Count("SELECT count(*) FROM jobs WHERE kind LIKE 'slack.%' AND "
                "state = 'cancelled'") == 0);
  CHECK(d.OptOuts("channel = 'sms' AND address = '+12125550199' AND source = 'api' "
                  "AND detail = 'unsubscribe page: bought already'") == 1);
  CHECK(d.Count("SELECT count(*) FROM timeline_events WHERE kind = 'opted_out' AND "
                "lead_id = " + std::to_string(lead)) == 1);
}

TEST_CASE("an opt-out is not lifted by a later submission that ticks consent",
          "[integration][opt_out]") {
  OptOutDaemon d(false);
  HttpClient c(d.port);
  auto r = c.Send("POST", kOptOutPath, JsonAuth(),
                  std::string(R"({"email": "Dana.OConnell@Example.com", "phone": ")") +
                      kDanaPhone + "\"}");
  REQUIRE(r.status == 202);
  auto body = json::parse(r.body);
  CHECK(body["leads"] == 0);  // nobody yet: it binds the lead that comes
  CHECK(body["opted_out"].size() == 2);

  json lead = json::parse(Fixture("portal-nested.json"));
  lead["consent"] = {{"sms", true}, {"email", true}, {"privacy_policy_version", "v3"}};
  int64_t id = d.PostLead(c, lead.dump());
  auto again = c.Send("POST", "/v1/leads", JsonAuth(), lead.dump());
  REQUIRE(again.status == 202);
  CHECK(json::parse(again.body)["status"] == "duplicate");
  // Opting out again is no news.
  auto repeat = c.Send("POST", kOptOutPath, JsonAuth(),
                       std::string(R"({"phone": ")") + kDanaPhone + "\"}");
  REQUIRE(repeat.status == 202);
  CHECK(json::parse(repeat.body)["opted_out"][0]["new"] == false);
  CHECK(json::parse(repeat.body)["leads"] == 1);
  d.process->Stop(SIGTERM);

  CHECK(d.OptOuts("channel = 'sms' AND address = '+12125550199'") == 1);
  CHECK(d.OptOuts("channel = 'email' AND address = 'dana.oconnell@example.com'") == 1);
  // The form's consent is kept as it was stated, each time, with its source.
  const std::string of_lead = " AND lead_id = " + std::to_string(id);
  CHECK(d.Count("SELECT count(*) FROM consent_records WHERE flag = 'sms' AND "
                "granted = 1 AND source = 'Zillow Premier' AND policy_version = 'v3'" +
                of_lead) == 2);
  CHECK(d.Count("SELECT count(*) FROM timeline_events WHERE kind = 'consent_recorded'" +
                of_lead) == 2);
}

TEST_CASE("STOP texted to our number opts the sender out of SMS; START lifts it",
          "[integration][opt_out][twilio]") {
  OptOutDaemon d(true, std::string("[sms]\ninbound_url = \"") + kInboundUrl + "\"\n");
  HttpClient c(d.port);
  int64_t lead = d.PostLead(c, Fixture("portal-nested.json"));
  int64_t sms = d.AddJob("sequence.sms", lead);
  int64_t email = d.AddJob("sequence.email", lead);
  int64_t remind = d.AddJob("sla.remind", lead);

  SECTION("a forged or unsigned STOP changes nothing") {
    auto forged = PostTwilio(c, Inbound(kDanaPhone, "STOP"), kInboundUrl,
                             TwilioSignature("another-token", kInboundUrl,
                                             Inbound(kDanaPhone, "STOP")));
    CHECK(forged.status == 403);
    // Signed for the URL the daemon sees, not the one Twilio was given.
    auto wrong_url = PostTwilio(c, Inbound(kDanaPhone, "STOP"),
                                std::string("http://127.0.0.1") + kTwilioPath);
    CHECK(wrong_url.status == 403);
    auto unsigned_stop =
        c.Send("POST", kTwilioPath,
               {{"Content-Type", "application/x-www-form-urlencoded"}},
               "From=%2B12125550199&Body=STOP");
    CHECK(unsigned_stop.status == 403);
    d.process->Stop(SIGTERM);
    CHECK(d.OptOuts("1") == 0);
    CHECK(d.JobState(sms) == "pending");
  }

  SECTION("a signed STOP, then START") {
    auto stop = PostTwilio(c, Inbound(kDanaPhone, "  Stop \n"), kInboundUrl);
    CHECK(stop.status == 200);
    CHECK(stop.Header("Content-Type").find("text/xml") == 0);
    CHECK(stop.body.find("<Response/>") != std::string::npos);
    CHECK(d.OptOuts("channel = 'sms' AND address = '+12125550199' AND "
                    "source = 'twilio' AND detail = 'keyword STOP'") == 1);
    CHECK(d.JobState(sms) == "cancelled");
    CHECK(d.JobState(email) == "pending");
    CHECK(d.JobState(remind) == "pending");

    // A second inquiry from the same person does not lift it.
    auto again = c.Send("POST", "/v1/leads", JsonAuth(), Fixture("portal-nested.json"));
    REQUIRE(again.status == 202);
    CHECK(d.OptOuts("channel = 'sms' AND address = '+12125550199'") == 1);

    auto start = PostTwilio(c, Inbound(kDanaPhone, "START"), kInboundUrl);
    CHECK(start.status == 200);
    CHECK(start.body.find("<Response/>") != std::string::npos);
    d.process->Stop(SIGTERM);
    CHECK(d.OptOuts("1") == 0);
    const std::string of_lead = " AND lead_id = " + std::to_string(lead);
    CHECK(d.Count("SELECT count(*) FROM consent_records WHERE flag = 'sms' AND "
                  "granted = 1 AND source = 'twilio'" + of_lead) == 1);
    CHECK(d.Count("SELECT count(*) FROM timeline_events WHERE kind = 'opted_in'" +
                  of_lead) == 1);
    // What START cannot do: bring back a step already cancelled.
    CHECK(d.JobState(sms) == "cancelled");
  }

  SECTION("an ordinary reply is kept on the lead and opts nobody out") {
    auto reply = PostTwilio(c, Inbound(kDanaPhone, "Yes, Saturday at 10 works"),
                            kInboundUrl);
    CHECK(reply.status == 200);
    d.process->Stop(SIGTERM);
    CHECK(d.OptOuts("1") == 0);
    CHECK(d.JobState(sms) == "pending");
    CHECK(d.Count("SELECT count(*) FROM timeline_events WHERE kind = 'sms_reply' AND "
                  "detail LIKE '%Saturday at 10 works%' AND lead_id = " +
                  std::to_string(lead)) == 1);
  }
}

TEST_CASE("without inbound_url the signed URL is the request's own",
          "[integration][opt_out][twilio]") {
  OptOutDaemon d(true);
  HttpClient c(d.port);
  // The test client sends "Host: 127.0.0.1".
  auto r = PostTwilio(c, Inbound("(212) 555-0199", "unsubscribe"),
                      std::string("http://127.0.0.1") + kTwilioPath);
  CHECK(r.status == 200);
  auto no_from = PostTwilio(c, {{"Body", "STOP"}},
                            std::string("http://127.0.0.1") + kTwilioPath);
  CHECK(no_from.status == 400);
  CHECK(FieldOf(no_from) == "From");
  d.process->Stop(SIGTERM);
  CHECK(d.OptOuts("channel = 'sms' AND address = '+12125550199' AND "
                  "detail = 'keyword UNSUBSCRIBE'") == 1);
}

TEST_CASE("without TWILIO_AUTH_TOKEN the Twilio webhook is refused with 503",
          "[integration][opt_out][twilio]") {
  OptOutDaemon d(false);
  HttpClient c(d.port);
  auto r = PostTwilio(c, Inbound(kDanaPhone, "STOP"),
                      std::string("http://127.0.0.1") + kTwilioPath);
  CHECK(r.status == 503);
  CHECK(json::parse(r.body).value("error", "").find("TWILIO_AUTH_TOKEN") !=
        std::string::npos);
  d.process->Stop(SIGTERM);
  CHECK(d.OptOuts("1") == 0);
}
