#include "pipeline/email_rules.h"

#include <catch2/catch.hpp>

using namespace leadrouter::pipeline;

namespace {

EmailMessage Message(std::string from, std::string subject, std::string text) {
  EmailMessage m;
  m.from.address = std::move(from);
  m.subject = std::move(subject);
  m.text = std::move(text);
  m.headers = {{"From", m.from.address}, {"Subject", m.subject}};
  return m;
}

EmailRules SourceRules() {
  EmailSource realtor;
  realtor.name = "Realtor.com";
  realtor.from = {"*@email.realtor.com"};
  realtor.subject = "New realtor.com lead*";
  realtor.required = {"name", "email_or_phone"};
  realtor.not_a_lead_subjects = {"*market update*"};
  EmailSource zillow;
  zillow.name = "Zillow";
  zillow.from = {"*@zillow.com"};
  zillow.require_auth = true;
  return {{realtor, zillow}};
}

}  // namespace

TEST_CASE("globs match sender addresses and subjects", "[pipeline][email_rules]") {
  CHECK(GlobMatch("*@email.realtor.com", "leads@EMAIL.realtor.com"));
  CHECK_FALSE(GlobMatch("*@email.realtor.com", "leads@email.realtor.com.evil.example"));
  CHECK(GlobMatch("New ?ealtor.com lead*", "New realtor.com lead - Zoë"));
  CHECK(GlobMatch("*", ""));
  CHECK_FALSE(GlobMatch("a*b*c", std::string(5000, 'a')));
}

TEST_CASE("a known source with what it requires is a lead", "[pipeline][email_rules]") {
  auto v = ClassifyEmail(Message("leads@email.realtor.com", "New realtor.com lead - Zoë",
                                 "Name: Zoë Park\nPhone: 312-555-0148\n"),
                         SourceRules());
  CHECK(v.outcome == EmailOutcome::kLead);
  CHECK(v.source == "Realtor.com");
  CHECK(v.payload["source"] == "Realtor.com");
  CHECK(v.payload["contact"]["full_name"] == "Zoë Park");
  CHECK(v.payload["contact"]["phone"] == "312-555-0148");
  CHECK_FALSE(v.payload["contact"].contains("email"));
}

TEST_CASE("a known source without what it requires is a dead letter, with why",
          "[pipeline][email_rules]") {
  auto v = ClassifyEmail(Message("leads@email.realtor.com", "New realtor.com lead",
                                 "Name: Zoë Park\nA buyer wrote to you.\n"),
                         SourceRules());
  CHECK(v.outcome == EmailOutcome::kDeadLetter);
  CHECK(v.source == "Realtor.com");
  CHECK(v.why.find("no phone or e-mail") != std::string::npos);
  SECTION("the sender's own From address never counts as the person's") {
    auto w = ClassifyEmail(Message("leads@email.realtor.com", "New realtor.com lead",
                                   "Name: Zoë Park\n"),
                           SourceRules());
    CHECK(w.outcome == EmailOutcome::kDeadLetter);
  }
}

TEST_CASE("a subject the source lists as not a lead is not a lead",
          "[pipeline][email_rules]") {
  auto v = ClassifyEmail(Message("leads@email.realtor.com",
                                 "New realtor.com lead market update", "Phone: 1\n"),
                         SourceRules());
  CHECK(v.outcome == EmailOutcome::kNotALead);
  CHECK(v.why.find("not a lead") != std::string::npos);
}

TEST_CASE("a subject that does not match the source's glob is not that source",
          "[pipeline][email_rules]") {
  auto v = ClassifyEmail(Message("leads@email.realtor.com", "Your invoice", "Phone: 1\n"),
                         SourceRules());
  CHECK(v.outcome == EmailOutcome::kUnknownSender);
  CHECK(v.why.find("leads@email.realtor.com") != std::string::npos);
}

TEST_CASE("the visitor's address comes from Reply-To unless nobody reads it",
          "[pipeline][email_rules]") {
  auto form = Message("leads@email.realtor.com", "New realtor.com lead", "Name: Zoë Park\n");
  form.reply_to.address = "zoe@example.org";
  auto v = ClassifyEmail(form, SourceRules());
  CHECK(v.outcome == EmailOutcome::kLead);
  CHECK(v.payload["contact"]["email"] == "zoe@example.org");
  form.reply_to.address = "No-Reply@email.realtor.com";
  CHECK(ClassifyEmail(form, SourceRules()).outcome == EmailOutcome::kDeadLetter);
}

TEST_CASE("bulk mail is not a lead unless it carries a lead", "[pipeline][email_rules]") {
  auto newsletter = Message("news@email.realtor.com", "New realtor.com lead? no: news", "Hi\n");
  newsletter.headers.emplace_back("Precedence", "bulk");
  auto v = ClassifyEmail(newsletter, SourceRules());
  CHECK(v.outcome == EmailOutcome::kNotALead);
  CHECK(v.why.find("Precedence: bulk") != std::string::npos);

  auto stranger = Message("deals@shop.example", "Sale", "Hi\n");
  stranger.headers.emplace_back("List-Unsubscribe", "<mailto:u@shop.example>");
  CHECK(ClassifyEmail(stranger, SourceRules()).outcome == EmailOutcome::kNotALead);

  // Portals put List-Unsubscribe on their lead notifications too.
  auto lead = Message("leads@email.realtor.com", "New realtor.com lead",
                      "Name: Zoë Park\nEmail: zoe@example.org\n");
  lead.headers.emplace_back("List-Unsubscribe", "<https://realtor.com/u>");
  CHECK(ClassifyEmail(lead, SourceRules()).outcome == EmailOutcome::kLead);
}

TEST_CASE("require_auth trusts a sender only with DMARC or SPF pass for its domain",
          "[pipeline][email_rules]") {
  auto m = Message("no-reply@zillow.com", "New lead", "Name: Ben\nPhone: 617-555-0166\n");
  SECTION("no Authentication-Results: not Zillow") {
    auto v = ClassifyEmail(m, SourceRules());
    CHECK(v.outcome == EmailOutcome::kUnknownSender);
    CHECK(v.why.find("no DMARC or SPF pass") != std::string::npos);
  }
  SECTION("DMARC pass for the From domain") {
    m.headers.emplace_back("Authentication-Results",
                           "mx.example; dkim=pass header.d=zillow.com; dmarc=pass header.from=zillow.com");
    CHECK(ClassifyEmail(m, SourceRules()).outcome == EmailOutcome::kLead);
  }
  SECTION("SPF pass for a subdomain of the From domain") {
    m.headers.emplace_back("Authentication-Results",
                           "mx.example; spf=pass smtp.mailfrom=bounce@mail.zillow.com");
    CHECK(ClassifyEmail(m, SourceRules()).outcome == EmailOutcome::kLead);
  }
  SECTION("a pass for another domain, or a pass below the receiving server's header") {
    m.headers.emplace_back("Authentication-Results",
                           "mx.example; spf=pass smtp.mailfrom=x@zillow.com.evil.example; "
                           "dmarc=fail header.from=zillow.com");
    m.headers.emplace_back("Authentication-Results",
                           "forged.example; dmarc=pass header.from=zillow.com");
    CHECK(ClassifyEmail(m, SourceRules()).outcome == EmailOutcome::kUnknownSender);
  }
}

TEST_CASE("a forwarding confirmation is not a lead and carries its code",
          "[pipeline][email_rules]") {
  auto v = ClassifyEmail(
      Message("forwarding-noreply@google.com",
              "(#512448901) Gmail Forwarding Confirmation - Receive Mail from ana@gmail.com",
              "Confirmation code: 512448901\n"),
      SourceRules());
  CHECK(v.outcome == EmailOutcome::kNotALead);
  CHECK(v.confirmation_code == "512448901");
  CHECK(v.why.find("512448901") != std::string::npos);
}

TEST_CASE("outcomes have their contract names", "[pipeline][email_rules]") {
  CHECK(ToString(EmailOutcome::kLead) == "lead");
  CHECK(ToString(EmailOutcome::kNotALead) == "not_a_lead");
  CHECK(ToString(EmailOutcome::kDeadLetter) == "dead_letter");
  CHECK(ToString(EmailOutcome::kUnknownSender) == "unknown_sender");
  CHECK(IsKnownRequirement("email_or_phone"));
  CHECK_FALSE(IsKnownRequirement("fax"));
}
