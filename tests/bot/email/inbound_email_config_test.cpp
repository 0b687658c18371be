// [inbound_email] as check-config and serve read it, [inbound_email.imap]
// included: defaults, the secrets' variable names, errors that name the key.
#include <algorithm>
#include <cstdlib>
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

// [inbound_email.imap] with `body` as its keys.
ConfigLoad Imap(const std::string& body) {
  return LoadConfigString("[inbound_email.imap]\n" + body);
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

TEST_CASE("an IMAP mailbox is read with its defaults", "[bot][config][imap]") {
  ConfigLoad load = Imap(R"(
url = "imaps://imap.gmail.com"
username = "leads@elmrealty.example"
)");
  INFO((load.errors.empty() ? "" : load.errors.front().ToString()));
  REQUIRE(load.ok());
  const auto& m = load.config.inbound_email.imap;
  CHECK(m.enabled);
  CHECK(m.folder == "INBOX");
  CHECK(m.poll_interval == std::chrono::seconds(30));
  CHECK(m.flag == "$Leadrouter");
  CHECK(m.move_to.empty());
  CHECK(m.password_env == "LEADROUTER_IMAP_PASSWORD");
  CHECK(m.bearer_env == "LEADROUTER_IMAP_BEARER");
  CHECK(m.alert_after == std::chrono::seconds(150));  // five intervals
  CHECK_FALSE(LoadConfigString("").config.inbound_email.imap.enabled);
}

TEST_CASE("an IMAP mailbox takes every key", "[bot][config][imap]") {
  ConfigLoad load = Imap(R"(
url = "imaps://outlook.office365.com:993"
username = "leads@elmrealty.example"
password_env = "LEADS_APP_PASSWORD"
bearer_env = "LEADS_OAUTH_TOKEN"
folder = "Portal leads"
poll_interval = "1m"
flag = "\\Seen"
move_to = "Portal leads/Done"
ca_file = "/etc/ssl/certs/ca-certificates.crt"
timeout = "20s"
alert_after = "10m"
max_per_poll = 10
)");
  INFO((load.errors.empty() ? "" : load.errors.front().ToString()));
  REQUIRE(load.ok());
  const auto& m = load.config.inbound_email.imap;
  CHECK(m.folder == "Portal leads");
  CHECK(m.poll_interval == std::chrono::minutes(1));
  CHECK(m.flag == "\\Seen");
  CHECK(m.move_to == "Portal leads/Done");
  CHECK(m.alert_after == std::chrono::minutes(10));
  CHECK(m.max_per_poll == 10);
  CHECK(m.timeout == std::chrono::seconds(20));
}

TEST_CASE("a bad IMAP mailbox is refused naming the key", "[bot][config][imap]") {
  SECTION("no URL or user") {
    ConfigLoad load = Imap("");
    CHECK(HasError(load, "inbound_email.imap.url", "required"));
    CHECK(HasError(load, "inbound_email.imap.username", "required"));
  }
  SECTION("plain imap:// to another machine would send the password in the clear") {
    ConfigLoad load = Imap("url = \"imap://mail.example.com\"\nusername = \"u\"\n");
    CHECK(HasError(load, "inbound_email.imap.url", "unencrypted"));
    CHECK(Imap("url = \"imap://127.0.0.1:1143\"\nusername = \"u\"\n").ok());
    CHECK(Imap("url = \"imap://[::1]:1143\"\nusername = \"u\"\n").ok());
    CHECK(Imap("url = \"imap://localhost\"\nusername = \"u\"\n").ok());
  }
  SECTION("another scheme, a password in the URL, a mailbox in the URL") {
    CHECK(HasError(Imap("url = \"https://mail.example.com\"\nusername = \"u\"\n"),
                   "inbound_email.imap.url", "imaps://"));
    CHECK(HasError(Imap("url = \"imaps://u:secret@mail.example.com\"\nusername = \"u\"\n"),
                   "inbound_email.imap.url", "password"));
    CHECK(HasError(Imap("url = \"imaps://mail.example.com/INBOX\"\nusername = \"u\"\n"),
                   "inbound_email.imap.url", "folder"));
  }
  SECTION("a flag IMAP cannot store, a folder that cannot be quoted, a move to itself") {
    ConfigLoad load = Imap(R"(
url = "imaps://mail.example.com"
username = "u"
flag = "two words"
folder = "In\"box"
)");
    CHECK(HasError(load, "inbound_email.imap.flag"));
    CHECK(HasError(load, "inbound_email.imap.folder"));
    CHECK(HasError(Imap("url = \"imaps://m.example.com\"\nusername = \"u\"\nmove_to = \"INBOX\"\n"),
                   "inbound_email.imap.move_to", "differ"));
  }
  SECTION("intervals") {
    ConfigLoad load = Imap(R"(
url = "imaps://mail.example.com"
username = "u"
poll_interval = "0s"
alert_after = "10s"
)");
    CHECK(HasError(load, "inbound_email.imap.poll_interval"));
    CHECK(HasError(Imap("url = \"imaps://m.example.com\"\nusername = \"u\"\n"
                        "poll_interval = \"1m\"\nalert_after = \"30s\"\n"),
                   "inbound_email.imap.alert_after", "poll_interval"));
  }
  SECTION("an unknown key") {
    CHECK_FALSE(Imap("url = \"imaps://m.example.com\"\nusername = \"u\"\npassword = \"x\"\n").ok());
  }
}

TEST_CASE("the IMAP secret comes from the variable the config names", "[bot][config][imap]") {
  ConfigLoad load = Imap(R"(
url = "imaps://mail.example.com"
username = "u"
password_env = "LEADROUTER_TEST_IMAP_PW"
bearer_env = "LEADROUTER_TEST_IMAP_BEARER"
)");
  REQUIRE(load.ok());
  ::setenv("LEADROUTER_TEST_IMAP_PW", "app-password-91c2", 1);
  ::unsetenv("LEADROUTER_TEST_IMAP_BEARER");
  auto secrets = leadrouter::Secrets::FromEnvironment(load.config);
  REQUIRE(secrets.imap_password);
  CHECK(*secrets.imap_password == "app-password-91c2");
  CHECK_FALSE(secrets.imap_bearer);
  // The log redactor masks it like every other secret.
  const auto all = secrets.All();
  CHECK(std::find(all.begin(), all.end(), "app-password-91c2") != all.end());
  // Without the table, the variable is not read.
  CHECK_FALSE(leadrouter::Secrets::FromEnvironment(LoadConfigString("").config).imap_password);
  ::unsetenv("LEADROUTER_TEST_IMAP_PW");
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
