// Real-format portal e-mails (tests/fixtures/email/) through the rules of
// tests/fixtures/email/sources.toml: what each one becomes, and why.
#include <chrono>
#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

#include "bot/daemon/config.h"
#include "pipeline/email_lead.h"

using namespace leadrouter::pipeline;

namespace {

const TimePoint kNow = std::chrono::sys_days{
    std::chrono::year{2026} / std::chrono::month{3} / std::chrono::day{15}};

std::string FixturePath(const std::string& name) {
  return std::string(LEADROUTER_FIXTURES_DIR) + "/email/" + name;
}

const leadrouter::Config& FixtureConfig() {
  static const leadrouter::ConfigLoad load =
      leadrouter::LoadConfigFile(FixturePath("sources.toml"));
  REQUIRE(load.ok());
  return load.config;
}

EmailResult Run(const std::string& name) {
  std::ifstream in(FixturePath(name), std::ios::binary);
  REQUIRE(in);
  const std::string raw{std::istreambuf_iterator<char>(in), {}};
  const leadrouter::Config& config = FixtureConfig();
  auto r = ProcessEmail(raw, config.inbound_email.rules, config.rules, kNow);
  REQUIRE(r.ok());
  return r.value();
}

const ProcessedLead& Lead(const EmailResult& r) {
  INFO(r.verdict.why);
  REQUIRE(r.verdict.outcome == EmailOutcome::kLead);
  REQUIRE(r.lead);
  REQUIRE(r.lead->ok());
  return r.lead->value();
}

}  // namespace

TEST_CASE("Zillow: quoted-printable multipart with a List-Unsubscribe is a hot lead",
          "[bot][email][fixtures]") {
  auto r = Run("zillow-qp.eml");
  const ProcessedLead& lead = Lead(r);
  CHECK(r.verdict.source == "Zillow");
  CHECK(lead.source == "Zillow");
  CHECK(lead.name.full == "Dana O'Connell");
  // Her per-conversation relay address, from Reply-To: replies reach her.
  CHECK(lead.email == "k7x2m4p9q1@convo.zillow.com");
  CHECK(lead.phone.e164 == "+12125550199");
  CHECK(lead.property.address == "48 West 21st St, Apt 5B, New York, NY 10010");
  CHECK(lead.property.price == 1250000);
  CHECK(lead.message.find("Saturday morning") != std::string::npos);
  CHECK(lead.segment == Segment::kHotBuyer);
  CHECK(lead.raw["inbound_email"]["message_id"] ==
        "20260314221741.7731.premier@mail.zillow.com");
}

TEST_CASE("Realtor.com: base64, an encoded subject and a non-ASCII name",
          "[bot][email][fixtures]") {
  auto r = Run("realtor-base64.eml");
  const ProcessedLead& lead = Lead(r);
  CHECK(lead.source == "Realtor.com");
  CHECK(lead.name.first == "Zo\xC3\xAB");
  CHECK(lead.name.last == "\xC3\x85ngstr\xC3\xB6m-N\xC3\xBA\xC3\xB1" "ez");
  CHECK(lead.phone.e164 == "+13125550148");
  CHECK(lead.property.address == "1640 N Wells St #2, Chicago, IL 60614");
  CHECK(lead.message.find("tour next week") != std::string::npos);
}

TEST_CASE("Realtor.com after a template change: a dead letter that says why",
          "[bot][email][fixtures]") {
  auto r = Run("realtor-template-changed.eml");
  CHECK(r.verdict.outcome == EmailOutcome::kDeadLetter);
  CHECK(r.verdict.source == "Realtor.com");
  CHECK(r.verdict.why.find("no name") != std::string::npos);
  CHECK(r.verdict.why.find("template") != std::string::npos);
  CHECK_FALSE(r.lead);
}

TEST_CASE("Homes.com: HTML only, ISO-8859-1, read through the sanitizer",
          "[bot][email][fixtures]") {
  auto r = Run("homes-html-only.eml");
  const ProcessedLead& lead = Lead(r);
  CHECK(lead.source == "Homes.com");
  CHECK(lead.name.full == "Jos\xC3\xA9 Mu\xC3\xB1oz");
  CHECK(lead.email == "jose.munoz@example.net");
  CHECK(lead.phone.e164 == "+13055550113");
  CHECK(lead.message.find("\xC2\xBF" "Est\xC3\xA1 disponible?") != std::string::npos);
  CHECK(lead.message.find("HOA fees") != std::string::npos);
  CHECK(lead.message.find("&amp;") == std::string::npos);
  CHECK(lead.message.find("<") == std::string::npos);
}

TEST_CASE("Trulia: a relay address and no phone is still a lead; the attachment is ignored",
          "[bot][email][fixtures]") {
  auto r = Run("trulia-relay.eml");
  const ProcessedLead& lead = Lead(r);
  CHECK(lead.source == "Trulia");
  CHECK(lead.email == "7f3k2m9q.priya@convo.trulia.com");
  CHECK(lead.email_valid);
  CHECK(lead.phone.raw.empty());
  CHECK(lead.name.full == "Priya Raman");
}

TEST_CASE("StreetEasy: lead metadata tags, when the sender is authenticated",
          "[bot][email][fixtures]") {
  auto r = Run("streeteasy-metadata.eml");
  const ProcessedLead& lead = Lead(r);
  CHECK(r.verdict.why.find("lead metadata tags") != std::string::npos);
  CHECK(lead.name.full == "Marcus Webb");
  CHECK(lead.email == "marcus.webb@example.com");
  CHECK(lead.phone.e164 == "+17185550142");
  CHECK(lead.property.address == "72-30 45th Avenue #411, Woodside, NY 11377");
  SECTION("the same message with failing authentication is not StreetEasy's") {
    auto forged = Run("streeteasy-forged.eml");
    CHECK(forged.verdict.outcome == EmailOutcome::kUnknownSender);
    CHECK(forged.verdict.why.find("no DMARC or SPF pass") != std::string::npos);
    CHECK_FALSE(forged.lead);
  }
}

TEST_CASE("an ADF/XML body is a lead with the customer's contact", "[bot][email][fixtures]") {
  auto r = Run("adf-lead.eml");
  const ProcessedLead& lead = Lead(r);
  CHECK(r.verdict.why.find("ADF") != std::string::npos);
  CHECK(lead.source == "HomeLeadExchange");
  CHECK(lead.name.full == "Grace Okafor");
  CHECK(lead.email == "grace.okafor@example.com");
  CHECK(lead.phone.e164 == "+16145550177");
  CHECK(lead.message.find("Cash buyer") != std::string::npos);
}

TEST_CASE("a forwarded Zillow lead is Zillow's; the forwarder is recorded, not taken",
          "[bot][email][fixtures]") {
  auto r = Run("forwarded-zillow.eml");
  const ProcessedLead& lead = Lead(r);
  CHECK(r.verdict.source == "Zillow");
  CHECK(r.verdict.forwarded_by == "ana.agent@gmail.com");
  CHECK(lead.name.full == "Ben Carter");
  CHECK(lead.email == "ben.carter@example.com");
  CHECK(lead.raw["inbound_email"]["forwarded_by"] == "ana.agent@gmail.com");
}

TEST_CASE("a contact form's visitor comes from Reply-To, not the website's address",
          "[bot][email][fixtures]") {
  auto r = Run("contact-form.eml");
  const ProcessedLead& lead = Lead(r);
  CHECK(lead.source == "Website");
  CHECK(lead.email == "lena.fischer@example.de");
  CHECK(lead.name.full == "Lena Fischer");
  CHECK(lead.phone.e164 == "+14155550132");
}

TEST_CASE("a portal newsletter is not a lead", "[bot][email][fixtures]") {
  auto r = Run("newsletter-zillow.eml");
  CHECK(r.verdict.outcome == EmailOutcome::kNotALead);
  CHECK_FALSE(r.lead);
}

TEST_CASE("a forwarding confirmation is not a lead and keeps its code",
          "[bot][email][fixtures]") {
  auto r = Run("gmail-forwarding-confirmation.eml");
  CHECK(r.verdict.outcome == EmailOutcome::kNotALead);
  CHECK(r.verdict.confirmation_code == "512448901");
}

TEST_CASE("a message from nobody we know is an unknown sender", "[bot][email][fixtures]") {
  auto r = Run("unknown-sender.eml");
  CHECK(r.verdict.outcome == EmailOutcome::kUnknownSender);
  CHECK(r.verdict.why.find("bob@unknown-vendor.example") != std::string::npos);
  auto json = ToJson(r);
  CHECK(json["outcome"] == "unknown_sender");
  CHECK(json["source"].is_null());
  CHECK(json["lead"].is_null());
}
