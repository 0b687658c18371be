// [inbound_email] as check-config and serve read it.
#include <algorithm>
#include <chrono>

#include <catch2/catch.hpp>

#include "bot/daemon/config.h"

using leadrouter::ConfigLoad;
using leadrouter::LoadConfigString;

namespace {

bool HasError(const ConfigLoad& load, const std::string& key, const std::string& words = "") {
  return std::any_of(load.errors.begin(), load.errors.end(), [&](const auto& e) {
    return e.key == key && e.message.find(words) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("inbound e-mail sources are read with the contract's keys",
          "[bot][config][email]") {
  ConfigLoad load = LoadConfigString(R"(
[inbound_email]
max_size = 2097152

[[inbound_email.sources]]
name = "Realtor.com"
from = ["*@email.realtor.com"]
subject = "New realtor.com lead*"
body_contains = "realtor.com"
required = ["name", "email_or_phone"]
not_a_lead_subjects = ["Your weekly*"]
require_auth = true
[inbound_email.sources.fields]
full_name = ["Name", "Contact Name"]
first_name = []
email = ["Email", "E-mail"]
phone = ["Phone", "Phone Number"]
address = ["Property", "Property Address"]
price = ["Price", "List Price"]
message = ["Message", "Comments"]
)");
  INFO((load.errors.empty() ? "" : load.errors.front().ToString()));
  REQUIRE(load.ok());
  const auto& in = load.config.inbound_email;
  CHECK(in.max_size == 2097152);
  REQUIRE(in.rules.sources.size() == 1);
  const auto& s = in.rules.sources[0];
  CHECK(s.name == "Realtor.com");
  CHECK(s.from == std::vector<std::string>{"*@email.realtor.com"});
  CHECK(s.subject == "New realtor.com lead*");
  CHECK(s.body_contains == "realtor.com");
  CHECK(s.required == std::vector<std::string>{"name", "email_or_phone"});
  CHECK(s.not_a_lead_subjects == std::vector<std::string>{"Your weekly*"});
  CHECK(s.require_auth);
  CHECK(s.fields.first_name.empty());
  CHECK(s.fields.phone == std::vector<std::string>{"Phone", "Phone Number"});
  // A list not given keeps its default.
  CHECK(s.fields.last_name == std::vector<std::string>{"Last Name"});
}

TEST_CASE("inbound e-mail defaults: 10 MiB, no sources, e-mail or phone required",
          "[bot][config][email]") {
  ConfigLoad load = LoadConfigString(
      "[[inbound_email.sources]]\nname = \"Zillow\"\nfrom = [\"*@zillow.com\"]\n");
  REQUIRE(load.ok());
  CHECK(load.config.inbound_email.max_size == 10 * 1024 * 1024);
  CHECK(load.config.inbound_email.rules.sources[0].required ==
        std::vector<std::string>{"email_or_phone"});
  // Sources without any SMTP settings are a valid config: nothing is said
  // of them (outgoing follow-up e-mail may warn of its own settings).
  for (const auto& warning : load.warnings) {
    INFO(warning.ToString());
    CHECK(warning.key.rfind("inbound_email", 0) == std::string::npos);
  }
  CHECK(LoadConfigString("").config.inbound_email.rules.sources.empty());
}

TEST_CASE("inbound e-mail config errors name the key", "[bot][config][email]") {
  ConfigLoad load = LoadConfigString(R"(
[inbound_email]
max_size = 10
maxsize = 1

[[inbound_email.sources]]
from = []
required = ["fax"]
[inbound_email.sources.fields]
name = ["Name"]

[[inbound_email.sources]]
name = "Zillow"
from = ["*@zillow.com"]
require_auth = "yes"

[[inbound_email.sources]]
name = "Zillow"
from = [""]
)");
  CHECK(HasError(load, "inbound_email.max_size", "between"));
  CHECK(HasError(load, "inbound_email.maxsize", "unknown key"));
  CHECK(HasError(load, "inbound_email.sources[0].name", "required"));
  CHECK(HasError(load, "inbound_email.sources[0].from", "at least one"));
  CHECK(HasError(load, "inbound_email.sources[0].required[0]", "\"fax\""));
  CHECK(HasError(load, "inbound_email.sources[0].fields.name", "unknown key"));
  CHECK(HasError(load, "inbound_email.sources[1].require_auth", "true or false"));
  CHECK(HasError(load, "inbound_email.sources[2].name", "twice"));
  CHECK(HasError(load, "inbound_email.sources[2].from[0]", "empty"));
}

TEST_CASE("the webhooks' settings and the not-a-lead retention are read, with defaults",
          "[bot][config][email]") {
  SECTION("defaults") {
    ConfigLoad load = LoadConfigString("");
    REQUIRE(load.ok());
    CHECK(load.config.inbound_email.keep_not_leads == std::chrono::hours(24 * 30));
    CHECK(load.config.inbound_email.webhooks.mailgun_max_age == std::chrono::minutes(15));
    CHECK(load.config.inbound_email.webhooks.postmark_username == "postmark");
  }
  SECTION("set") {
    ConfigLoad load = LoadConfigString(R"(
[inbound_email]
keep_not_leads = "7d"
[inbound_email.webhooks]
mailgun_max_age = "1h"
postmark_username = "inbound"
)");
    REQUIRE(load.ok());
    CHECK(load.config.inbound_email.keep_not_leads == std::chrono::hours(24 * 7));
    CHECK(load.config.inbound_email.webhooks.mailgun_max_age == std::chrono::hours(1));
    CHECK(load.config.inbound_email.webhooks.postmark_username == "inbound");
  }
  SECTION("refused, naming the key") {
    ConfigLoad load = LoadConfigString(R"(
[inbound_email]
keep_not_leads = "a month"
[inbound_email.webhooks]
mailgun_max_age = "5s"
postmark_username = "a:b"
signing_key = "never in the file"
)");
    CHECK(HasError(load, "inbound_email.keep_not_leads", "not a duration"));
    CHECK(HasError(load, "inbound_email.webhooks.mailgun_max_age", "at least 30s"));
    CHECK(HasError(load, "inbound_email.webhooks.postmark_username", "without ':'"));
    CHECK(HasError(load, "inbound_email.webhooks.signing_key", "unknown key"));
  }
}
