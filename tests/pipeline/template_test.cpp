#include "pipeline/template.h"

#include <catch2/catch.hpp>

#include "tests/pipeline/test_leads.h"

using namespace leadrouter::pipeline;

namespace {

constexpr char kHotSms[] =
    "Hi {first_name}, got your inquiry for {address}… – {agent_name}, "
    "{company}";

ProcessedLead DanaOnElmStreet() {
  ProcessedLead lead =
      testing::WithPhone(testing::LeadSaying("hi"), "212-555-0199");
  lead.property.address = "12 Elm St, Springfield, IL 62704";
  lead.property.zip = "62704";
  lead.property.price = 1250000.4;
  lead.source = "Zillow Premier";
  return lead;
}

const TemplateOwner kAna{"Ana Lima", "ana@brokerage.example", "+13125550100"};

}  // namespace

TEST_CASE("template: the hot-lead text reads with the lead's and owner's facts",
          "[pipeline][template]") {
  REQUIRE(ValidateTemplate(kHotSms).empty());
  const RenderResult r =
      RenderTemplate(kHotSms, FieldsFor(DanaOnElmStreet(), kAna, "Elm Realty"));
  REQUIRE(r.ok());
  CHECK(r.text ==
        "Hi Dana, got your inquiry for 12 Elm St, Springfield, IL 62704… – "
        "Ana Lima, Elm Realty");
}

TEST_CASE("template: every documented field has a value for a complete lead",
          "[pipeline][template]") {
  const TemplateFields f = FieldsFor(DanaOnElmStreet(), kAna, "Elm Realty");
  for (const std::string& name : TemplateFieldNames()) {
    INFO(name);
    CHECK(f.count(name) == 1);
  }
  CHECK(f.at("full_name") == "Dana O'Connell");
  CHECK(f.at("phone") == "+12125550199");
  CHECK(f.at("city") == "Springfield");
  CHECK(f.at("state") == "IL");
  CHECK(f.at("price") == "$1,250,000");
  CHECK(f.at("source") == "Zillow Premier");
  CHECK(f.at("segment") == "WARM_BUYER");
  CHECK(f.at("agent_first_name") == "Ana");
  CHECK(f.at("agent_email") == "ana@brokerage.example");
}

TEST_CASE("template: an unknown field is reported by name with a suggestion",
          "[pipeline][template]") {
  const auto problems = ValidateTemplate(
      "Hi {frist_name}, about {adress} and {frist_name} – {xyzzy}");
  REQUIRE(problems.size() == 3);  // each unknown name once
  CHECK(problems[0] ==
        "unknown field {frist_name} (did you mean {first_name}?)");
  CHECK(problems[1] == "unknown field {adress} (did you mean {address}?)");
  CHECK(problems[2] == "unknown field {xyzzy}");
  SECTION("also inside a fallback") {
    const auto inner = ValidateTemplate("{agent_name|{compnay}}");
    REQUIRE(inner.size() == 1);
    CHECK(inner[0].find("unknown field {compnay}") != std::string::npos);
  }
}

TEST_CASE(
    "template: unbalanced and empty braces are reported with their offset",
    "[pipeline][template]") {
  CHECK(ValidateTemplate("Hi {first_name") ==
        std::vector<std::string>{"unbalanced '{' at offset 3"});
  CHECK(ValidateTemplate("Hi first_name}") ==
        std::vector<std::string>{"unbalanced '}' at offset 13"});
  CHECK(ValidateTemplate("Hi {}") ==
        std::vector<std::string>{"empty field name at offset 3"});
  const auto nested = ValidateTemplate("{first_name{last_name}}");
  REQUIRE(nested.size() == 1);
  CHECK(nested[0].find("brace inside the field name at offset 0") != std::string::npos);
}

TEST_CASE("template: doubled braces are literal braces",
          "[pipeline][template]") {
  const char* text = "{{first_name}} is {first_name}";
  REQUIRE(ValidateTemplate(text).empty());
  const RenderResult r = RenderTemplate(text, {{"first_name", "Dana"}});
  REQUIRE(r.ok());
  CHECK(r.text == "{first_name} is Dana");
}

TEST_CASE(
    "template: an empty field without a fallback fails the rendering and "
    "names the field",
    "[pipeline][template]") {
  ProcessedLead lead = DanaOnElmStreet();
  lead.name = {};
  lead.property.address.clear();
  const RenderResult r =
      RenderTemplate(kHotSms, FieldsFor(lead, kAna, "Elm Realty"));
  CHECK_FALSE(r.ok());
  CHECK(r.text.empty());  // never half a message
  CHECK(r.missing == std::vector<std::string>{"first_name", "address"});
  SECTION("a white-space-only value counts as empty") {
    CHECK_FALSE(RenderTemplate("Hi {first_name}", {{"first_name", "  "}}).ok());
  }
}

TEST_CASE(
    "template: a fallback stands in for an empty field, and may name "
    "other fields",
    "[pipeline][template]") {
  const char* text = "Hi {first_name|there} – {agent_name|{company}}{zip|}";
  REQUIRE(ValidateTemplate(text).empty());
  CHECK(FieldsRequiredBy(text).empty());
  const TemplateFields with = {{"first_name", "Dana"}, {"agent_name", "Ana"}};
  CHECK(RenderTemplate(text, with).text == "Hi Dana – Ana");
  const TemplateFields without = {{"company", "Elm Realty"}};
  CHECK(RenderTemplate(text, without).text == "Hi there – Elm Realty");
  SECTION("a fallback's own field must be there when it is used") {
    const RenderResult r = RenderTemplate(text, {});
    CHECK_FALSE(r.ok());
    CHECK(r.missing == std::vector<std::string>{"company"});
  }
}

TEST_CASE(
    "template: the fields a template needs without a fallback are listed once",
    "[pipeline][template]") {
  CHECK(FieldsRequiredBy(kHotSms) ==
        std::vector<std::string>{"first_name", "address", "agent_name",
                                 "company"});
  CHECK(FieldsRequiredBy("{company} {company|x} {company}") ==
        std::vector<std::string>{"company"});
}

TEST_CASE("template: the pipeline's placeholder source is not told to a lead",
          "[pipeline][template]") {
  ProcessedLead lead = DanaOnElmStreet();
  lead.source = "unknown";
  CHECK(FieldsFor(lead, kAna, "").at("source").empty());
}

TEST_CASE("template: dollars are whole and grouped by thousands",
          "[pipeline][template]") {
  CHECK(FormatDollars(0) == "$0");
  CHECK(FormatDollars(999.5) == "$1,000");
  CHECK(FormatDollars(450000) == "$450,000");
  CHECK(FormatDollars(1250000) == "$1,250,000");
}

TEST_CASE("template: fields for an HTML part are escaped, names kept",
          "[pipeline][template]") {
  const leadrouter::pipeline::TemplateFields escaped = leadrouter::pipeline::HtmlEscaped(
      {{"full_name", "Dana \"D\" O'Neil <dana@x>"}, {"address", "12 Elm & Oak"}});
  CHECK(escaped.at("full_name") == "Dana &quot;D&quot; O&#39;Neil &lt;dana@x&gt;");
  CHECK(escaped.at("address") == "12 Elm &amp; Oak");
}

