#include "bot/daemon/config.h"

#include <algorithm>
#include <cstdlib>

#include <catch2/catch.hpp>

using leadrouter::ConfigLoad;
using leadrouter::LoadConfigFile;
using leadrouter::LoadConfigString;

namespace {

// True when some error names exactly `key` and mentions `words`.
bool HasError(const ConfigLoad& load, const std::string& key,
              const std::string& words = "") {
  return std::any_of(load.errors.begin(), load.errors.end(), [&](const auto& e) {
    return e.key == key && e.message.find(words) != std::string::npos;
  });
}

std::string AllErrors(const ConfigLoad& load) {
  std::string out;
  for (const auto& e : load.errors) out += e.ToString() + "\n";
  return out;
}

}  // namespace

TEST_CASE("the shipped example config is valid and says what it sets", "[bot][config]") {
  ConfigLoad load = LoadConfigFile(LEADROUTER_SOURCE_DIR "/manifests/leadrouter.example.toml");
  INFO(AllErrors(load));
  REQUIRE(load.ok());
  CHECK(load.config.server.listen == "127.0.0.1:8080");
  CHECK(load.config.slack.shark_tank_channel == "C0123SHARK");
  CHECK(load.config.slack.claim_timeout == std::chrono::minutes(5));
  CHECK(load.config.agents.size() == 2);
  CHECK(load.config.rules.field_mappings.size() == 1);
  CHECK(load.config.rules.field_mappings[0].fields.at("email") == "/lead/mail");
  CHECK(load.config.rules.keyword_rules.size() == 2);
  std::string summary = leadrouter::SummarizeConfig(load.config);
  CHECK(summary.find("C0123SHARK") != std::string::npos);
  CHECK(summary.find("claim timeout 5m") != std::string::npos);
}

TEST_CASE("an empty config is valid and uses the defaults", "[bot][config]") {
  ConfigLoad load = LoadConfigString("");
  REQUIRE(load.ok());
  CHECK(load.config.storage.path == "leadrouter.db");
  CHECK(load.config.rules.default_region == "US");
  CHECK(load.config.server.body_limit == 64 * 1024);
}

TEST_CASE("config errors name the key path and what is wrong", "[bot][config]") {
  SECTION("an unknown key, even nested") {
    ConfigLoad load = LoadConfigString("[slack]\nclaim_timeuot = \"5m\"\n");
    CHECK(HasError(load, "slack.claim_timeuot", "unknown key"));
  }
  SECTION("an unknown top-level table") {
    ConfigLoad load = LoadConfigString("[slak]\napi_url = \"x\"\n");
    CHECK(HasError(load, "slak", "unknown key"));
  }
  SECTION("a bad duration") {
    ConfigLoad load = LoadConfigString("[slack]\nclaim_timeout = \"5x\"\n");
    CHECK(HasError(load, "slack.claim_timeout", "\"5x\" is not a duration"));
  }
  SECTION("a wrong type") {
    ConfigLoad load = LoadConfigString("[server]\nbody_limit = \"big\"\n");
    CHECK(HasError(load, "server.body_limit", "must be an integer"));
  }
  SECTION("a channel id that cannot be a Slack id") {
    ConfigLoad load = LoadConfigString("[slack]\nshark_tank_channel = \"#hot-leads\"\n");
    CHECK(HasError(load, "slack.shark_tank_channel", "cannot be a Slack channel id"));
  }
  SECTION("a manager that is not a user id") {
    ConfigLoad load = LoadConfigString("[slack]\nmanagers = [\"U0123MGR\", \"ana\"]\n");
    CHECK(HasError(load, "slack.managers[1]", "cannot be a Slack user id"));
    CHECK_FALSE(HasError(load, "slack.managers[0]"));
  }
  SECTION("an agent entry with problems points at that entry") {
    ConfigLoad load = LoadConfigString(
        "[[agents]]\nslack_id = \"U0123ANA\"\nname = \"Ana\"\n"
        "[[agents]]\nslack_id = \"U0123ANA\"\nname = \"\"\nweight = 0\n");
    CHECK(HasError(load, "agents[1].slack_id", "listed twice"));
    CHECK(HasError(load, "agents[1].name", "required"));
    CHECK(HasError(load, "agents[1].weight", "between 1 and 100"));
  }
  SECTION("a field mapping that is not a JSON pointer") {
    ConfigLoad load = LoadConfigString(
        "[[intake.mappings]]\nname = \"x\"\nfields = { email = \"lead.mail\" }\n");
    CHECK(HasError(load, "intake.mappings[0].fields.email", "JSON pointer"));
  }
  SECTION("a region that is not a region code") {
    ConfigLoad load = LoadConfigString("[phone]\ndefault_region = \"USA\"\n");
    CHECK(HasError(load, "phone.default_region"));
  }
  SECTION("every error is reported, not only the first") {
    ConfigLoad load = LoadConfigString(
        "[slack]\nclaim_timeout = \"soon\"\nops_channel = \"ops\"\n[jobs]\nmax_attempts = 0\n");
    CHECK(load.errors.size() == 3);
  }
}

TEST_CASE("a TOML syntax error says the line", "[bot][config]") {
  ConfigLoad load = LoadConfigString("[server]\nlisten = \n");
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0].line == 2);
}

TEST_CASE("a missing config file is an error, not a crash", "[bot][config]") {
  ConfigLoad load = LoadConfigFile("/nonexistent/leadrouter.toml");
  REQUIRE_FALSE(load.ok());
  CHECK(load.errors[0].message.find("cannot read") != std::string::npos);
}

TEST_CASE("secrets come from the environment only", "[bot][config]") {
  setenv("LEADROUTER_INTAKE_TOKEN", "intake-secret-123", 1);
  unsetenv("SLACK_BOT_TOKEN");
  auto secrets = leadrouter::Secrets::FromEnvironment();
  CHECK(secrets.intake_token == "intake-secret-123");
  CHECK_FALSE(secrets.slack_bot_token.has_value());
  CHECK(secrets.All() == std::vector<std::string>{"intake-secret-123"});
  // A config file cannot carry one.
  ConfigLoad load = LoadConfigString("[slack]\nbot_token = \"xoxb-1\"\n");
  CHECK(HasError(load, "slack.bot_token", "unknown key"));
  unsetenv("LEADROUTER_INTAKE_TOKEN");
}

TEST_CASE("the rotation table sets the team's zone, the rejoin policy and who "
          "may claim",
          "[bot][config]") {
  SECTION("defaults") {
    ConfigLoad load = LoadConfigString("");
    REQUIRE(load.ok());
    CHECK(load.config.rotation.timezone == "America/New_York");
    CHECK(load.config.rotation.rejoin == leadrouter::RejoinPolicy::kOldPlace);
    CHECK(load.config.rotation.claim_requires_rotation);
  }
  SECTION("set") {
    ConfigLoad load = LoadConfigString(
        "[rotation]\ntimezone = \"Europe/London\"\nrejoin = \"back\"\n"
        "claim_requires_rotation = false\n");
    INFO(AllErrors(load));
    REQUIRE(load.ok());
    CHECK(load.config.rotation.timezone == "Europe/London");
    CHECK(load.config.rotation.rejoin == leadrouter::RejoinPolicy::kBack);
    CHECK_FALSE(load.config.rotation.claim_requires_rotation);
    CHECK(leadrouter::SummarizeConfig(load.config).find("team time Europe/London") !=
          std::string::npos);
  }
  SECTION("errors") {
    ConfigLoad load = LoadConfigString(
        "[rotation]\ntimezone = \"Mars/Olympus_Mons\"\nrejoin = \"front\"\n"
        "claim_requires_rotation = \"yes\"\nrejion = \"back\"\n");
    CHECK(HasError(load, "rotation.timezone", "Mars/Olympus_Mons"));
    CHECK(HasError(load, "rotation.rejoin", "\"old_place\" or \"back\""));
    CHECK(HasError(load, "rotation.claim_requires_rotation", "true or false"));
    CHECK(HasError(load, "rotation.rejion", "unknown key"));
    CHECK(HasError(LoadConfigString("[rotation]\ntimezone = \"\"\n"),
                   "rotation.timezone", "must not be empty"));
  }
}

TEST_CASE("agents' zones, working hours and days are checked", "[bot][config]") {
  ConfigLoad ok = LoadConfigString(
      "[[agents]]\nslack_id = \"U0123ANA\"\nname = \"Ana\"\n"
      "timezone = \"Asia/Tokyo\"\nwork_hours = \"22:00-06:00\"\n"
      "work_days = [\"mon\", \"fri\"]\n");
  INFO(AllErrors(ok));
  REQUIRE(ok.ok());
  CHECK(ok.config.agents[0].work_start_minute == 22 * 60);
  CHECK(ok.config.agents[0].work_end_minute == 6 * 60);
  CHECK(ok.config.agents[0].work_days == ((1 << 1) | (1 << 5)));

  ConfigLoad bad = LoadConfigString(
      "[[agents]]\nslack_id = \"U0123ANA\"\nname = \"Ana\"\n"
      "[[agents]]\nslack_id = \"U0123BEN\"\nname = \"Ben\"\n"
      "timezone = \"America/New_Yrok\"\nwork_hours = \"9-5\"\n"
      "work_days = [\"mon\", \"funday\"]\n"
      "[[agents]]\nslack_id = \"U0123CY\"\nname = \"Cy\"\nwork_days = []\n");
  CHECK(HasError(bad, "agents[1].timezone", "America/New_Yrok"));
  CHECK(HasError(bad, "agents[1].work_hours", "\"9-5\""));
  CHECK(HasError(bad, "agents[1].work_days[1]", "funday"));
  CHECK(HasError(bad, "agents[2].work_days", "at least one day"));
  CHECK(bad.errors.size() == 4);
}
TEST_CASE("the Socket Mode liveness limits are read and checked", "[bot][config]") {
  SECTION("defaults: a ping every 5 s, dead after 30 s of silence") {
    ConfigLoad load = LoadConfigString("");
    CHECK(load.config.slack.socket_ping_interval == std::chrono::seconds(5));
    CHECK(load.config.slack.socket_silence_limit == std::chrono::seconds(30));
  }
  SECTION("short values for a stand-in") {
    ConfigLoad load = LoadConfigString(
        "[slack]\nsocket_ping_interval = \"200ms\"\nsocket_silence_limit = \"1s\"\n");
    INFO(AllErrors(load));
    REQUIRE(load.ok());
    CHECK(load.config.slack.socket_ping_interval == std::chrono::milliseconds(200));
    CHECK(load.config.slack.socket_silence_limit == std::chrono::seconds(1));
  }
  SECTION("a silence limit no longer than the ping interval could never be met") {
    ConfigLoad load = LoadConfigString(
        "[slack]\nsocket_ping_interval = \"5s\"\nsocket_silence_limit = \"5s\"\n");
    CHECK(HasError(load, "slack.socket_silence_limit", "longer than socket_ping_interval"));
  }
  SECTION("a zero ping interval") {
    ConfigLoad load = LoadConfigString("[slack]\nsocket_ping_interval = \"0s\"\n");
    CHECK(HasError(load, "slack.socket_ping_interval", "longer than zero"));
  }
}

TEST_CASE("the first-contact SLA has defaults for hot and warm leads only",
          "[bot][config][sla]") {
  ConfigLoad load = LoadConfigString("");
  REQUIRE(load.ok());
  const leadrouter::SlaPolicy* hot =
      leadrouter::SlaFor(load.config, "HOT_BUYER");
  REQUIRE(hot);
  CHECK(hot->remind_after == std::chrono::minutes(5));
  CHECK(hot->escalate_after == std::chrono::minutes(15));
  CHECK(hot->reassign_on_escalation);
  const leadrouter::SlaPolicy* warm =
      leadrouter::SlaFor(load.config, "WARM_BUYER");
  REQUIRE(warm);
  CHECK(warm->remind_after == std::chrono::hours(1));
  CHECK(warm->escalate_after == std::chrono::hours(4));
  CHECK_FALSE(warm->reassign_on_escalation);
  CHECK_FALSE(leadrouter::SlaFor(load.config, "NURTURE_LONGTERM"));
  CHECK_FALSE(leadrouter::SlaFor(load.config, "LOW_QUALITY"));
}

TEST_CASE("an [sla.SEGMENT] table changes only the keys it sets",
          "[bot][config][sla]") {
  ConfigLoad load = LoadConfigString(
      "[sla.HOT_BUYER]\nremind_after = \"2m\"\n"
      "[sla.WARM_BUYER]\nremind_after = \"off\"\nescalate_after = \"off\"\n"
      "[sla.NURTURE_LONGTERM]\nescalate_after = \"3d\"\n"
      "reassign_on_escalation = true\n");
  INFO(AllErrors(load));
  REQUIRE(load.ok());
  const leadrouter::SlaPolicy* hot =
      leadrouter::SlaFor(load.config, "HOT_BUYER");
  REQUIRE(hot);
  CHECK(hot->remind_after == std::chrono::minutes(2));
  CHECK(hot->escalate_after == std::chrono::minutes(15));
  CHECK_FALSE(leadrouter::SlaFor(load.config, "WARM_BUYER"));
  const leadrouter::SlaPolicy* nurture =
      leadrouter::SlaFor(load.config, "NURTURE_LONGTERM");
  REQUIRE(nurture);
  CHECK_FALSE(nurture->remind_after);
  CHECK(nurture->escalate_after == std::chrono::hours(72));
  CHECK(nurture->reassign_on_escalation);
  CHECK_THAT(leadrouter::SummarizeConfig(load.config),
             Catch::Matchers::Contains("HOT_BUYER remind 2m, escalate 15m "
                                       "and reassign"));
}

TEST_CASE("SLA config errors name the segment and the key",
          "[bot][config][sla]") {
  SECTION("an unknown segment") {
    ConfigLoad load = LoadConfigString("[sla.HOT]\nremind_after = \"5m\"\n");
    CHECK(HasError(load, "sla.HOT", "is not a segment"));
  }
  SECTION("a bad duration") {
    ConfigLoad load =
        LoadConfigString("[sla.HOT_BUYER]\nremind_after = \"soon\"\n");
    CHECK(HasError(load, "sla.HOT_BUYER.remind_after",
                   "\"soon\" is not a duration"));
  }
  SECTION("a zero duration") {
    ConfigLoad load =
        LoadConfigString("[sla.HOT_BUYER]\nremind_after = \"0s\"\n");
    CHECK(HasError(load, "sla.HOT_BUYER.remind_after", "longer than 0"));
  }
  SECTION("an escalation before the reminder") {
    ConfigLoad load = LoadConfigString(
        "[sla.WARM_BUYER]\nremind_after = \"2h\"\nescalate_after = \"1h\"\n");
    CHECK(HasError(load, "sla.WARM_BUYER.escalate_after",
                   "must be later than remind_after (2h)"));
  }
  SECTION("a typo in a key") {
    ConfigLoad load = LoadConfigString("[sla.HOT_BUYER]\nremind = \"5m\"\n");
    CHECK(HasError(load, "sla.HOT_BUYER.remind", "unknown key"));
  }
  SECTION("a segment that is not a table") {
    ConfigLoad load = LoadConfigString("[sla]\nHOT_BUYER = \"5m\"\n");
    CHECK(HasError(load, "sla.HOT_BUYER", "must be a table"));
  }
}

TEST_CASE("follow-up: without a word in the config every segment gets its "
          "built-in sequence and SMS wait for 08:00-21:00",
          "[bot][config][follow_up]") {
  ConfigLoad load = LoadConfigString("");
  REQUIRE(load.ok());
  const auto& seq = load.config.sequences.by_segment;
  CHECK(seq.at(leadrouter::pipeline::Segment::kHotBuyer).size() == 4);
  CHECK(seq.at(leadrouter::pipeline::Segment::kWarmBuyer).size() == 4);
  CHECK(seq.at(leadrouter::pipeline::Segment::kNurtureLongterm).size() == 12);
  CHECK(seq.count(leadrouter::pipeline::Segment::kLowQuality) == 0);
  CHECK(leadrouter::pipeline::ToString(load.config.send_window.rules.every_day) ==
        "08:00-21:00");
  CHECK(load.config.send_window.timezone == "America/New_York");
  CHECK(load.config.email.smtp_url == "smtp://127.0.0.1:25");
  SECTION("and check-config warns about what cannot go out yet") {
    CHECK(std::any_of(load.warnings.begin(), load.warnings.end(),
                      [](const auto& w) { return w.key == "company.name"; }));
    CHECK(std::any_of(load.warnings.begin(), load.warnings.end(),
                      [](const auto& w) { return w.key == "email.from"; }));
  }
}

TEST_CASE("follow-up: a segment written in the config replaces its default, "
          "others keep theirs",
          "[bot][config][follow_up]") {
  ConfigLoad load = LoadConfigString(R"(
[company]
name = "Elm Realty"
[sequences]
WARM_BUYER = []
[[sequences.HOT_BUYER]]
delay = "10m"
channel = "email"
subject = "About {address|your inquiry}"
template = "Hi {first_name|there}"
[[sequences.HOT_BUYER]]
delay = "2d"
channel = "sms"
template = "Still looking, {first_name|friend}?"
)");
  INFO(AllErrors(load));
  REQUIRE(load.ok());
  const auto& seq = load.config.sequences.by_segment;
  const auto& hot = seq.at(leadrouter::pipeline::Segment::kHotBuyer);
  REQUIRE(hot.size() == 2);
  CHECK(hot[0].delay == std::chrono::minutes(10));
  CHECK(hot[0].channel == leadrouter::pipeline::Channel::kEmail);
  CHECK(hot[0].subject == "About {address|your inquiry}");
  CHECK(hot[1].delay == std::chrono::hours(48));
  CHECK(hot[1].channel == leadrouter::pipeline::Channel::kSms);
  CHECK(seq.at(leadrouter::pipeline::Segment::kWarmBuyer).empty());
  CHECK(seq.at(leadrouter::pipeline::Segment::kNurtureLongterm).size() == 12);
  CHECK(load.config.company.name == "Elm Realty");
}

TEST_CASE("follow-up: a template naming an unknown field is an error at its key",
          "[bot][config][follow_up]") {
  ConfigLoad load = LoadConfigString(R"(
[[sequences.HOT_BUYER]]
channel = "sms"
template = "Hi {frist_name}, about {address}"
[[sequences.HOT_BUYER]]
delay = "1h"
channel = "email"
subject = "Hi {first_name"
template = "ok"
)");
  CHECK_FALSE(load.ok());
  CHECK(HasError(load, "sequences.HOT_BUYER[0].template", "unknown field {frist_name}"));
  CHECK(HasError(load, "sequences.HOT_BUYER[1].subject", "unbalanced '{'"));
  CHECK(AllErrors(load).find("sequences.HOT_BUYER[0].template (line 4): unknown "
                             "field {frist_name}") != std::string::npos);
}

TEST_CASE("follow-up: steps need a known channel, a template and, for e-mail, a subject",
          "[bot][config][follow_up]") {
  ConfigLoad load = LoadConfigString(R"(
[[sequences.WARM_BUYER]]
channel = "fax"
template = "x"
[[sequences.WARM_BUYER]]
channel = "email"
template = "x"
[[sequences.WARM_BUYER]]
channel = "sms"
subject = "x"
[[sequences.WARM_BUYER]]
channel = "webhook"
[[sequences.WARM_BUYER]]
channel = "email"
subject = """
two
lines"""
template = "x"
[[sequences.WARM_BUYER]]
channel = "sms"
template = "x"
html = "<p>x</p>"
[[sequences.WARM_BUYER]]
channel = "email"
subject = "x"
template = "x"
html = "<p>{frist_name}</p>"
[[sequences.SPAM]]
channel = "sms"
template = "x"
[[sequences.HOT_BUYERS]]
channel = "sms"
template = "x"
)");
  CHECK(HasError(load, "sequences.WARM_BUYER[0].channel", "not sms, email or webhook"));
  CHECK(HasError(load, "sequences.WARM_BUYER[1].subject", "required"));
  CHECK(HasError(load, "sequences.WARM_BUYER[2].template", "required"));
  CHECK(HasError(load, "sequences.WARM_BUYER[2].subject", "only email steps"));
  CHECK(HasError(load, "sequences.WARM_BUYER[3].channel", "webhook.url"));
  CHECK(HasError(load, "sequences.WARM_BUYER[4].subject", "one line"));
  CHECK(HasError(load, "sequences.WARM_BUYER[5].html", "only email steps"));
  CHECK(HasError(load, "sequences.WARM_BUYER[6].html", "first_name"));
  CHECK(HasError(load, "sequences.SPAM", "never followed up"));
  CHECK(HasError(load, "sequences.HOT_BUYERS", "not a segment"));
}

TEST_CASE("follow-up: an SMS template longer than Twilio takes is an error",
          "[bot][config][follow_up]") {
  const std::string long_text(1601, 'x');
  ConfigLoad load = LoadConfigString("[[sequences.HOT_BUYER]]\nchannel = \"sms\"\n"
                                     "template = \"" + long_text + "\"\n");
  CHECK(HasError(load, "sequences.HOT_BUYER[0].template", "1600"));
  load = LoadConfigString("[[sequences.HOT_BUYER]]\nchannel = \"email\"\n"
                          "subject = \"s\"\ntemplate = \"" + long_text + "\"\n");
  CHECK(load.ok());  // e-mail may be long
}

TEST_CASE("follow-up: the send window reads weekdays, holidays and state rules",
          "[bot][config][follow_up]") {
  using namespace std::chrono;
  ConfigLoad load = LoadConfigString(R"(
[send_window]
timezone = "America/Chicago"
hours = "09:00-20:00"
saturday = "10:00-18:00"
holidays = [2026-12-25, "2027-01-01"]
[send_window.states.TX]
sunday = "closed"
holidays = [2026-03-02]
holiday_hours = "12:00-17:00"
)");
  INFO(AllErrors(load));
  REQUIRE(load.ok());
  const auto& w = load.config.send_window;
  CHECK(w.timezone == "America/Chicago");
  CHECK(leadrouter::pipeline::ToString(w.rules.every_day) == "09:00-20:00");
  REQUIRE(w.rules.weekdays[6]);
  CHECK(leadrouter::pipeline::ToString(*w.rules.weekdays[6]) == "10:00-18:00");
  CHECK(w.rules.holidays ==
        std::vector<year_month_day>{2026y / December / 25, 2027y / January / 1});
  const auto& tx = w.rules.states.at("TX");
  REQUIRE(tx.weekdays[0]);
  CHECK(tx.weekdays[0]->closed());
  CHECK(tx.holidays == std::vector<year_month_day>{2026y / March / 2});
  CHECK(leadrouter::pipeline::ToString(tx.holiday_hours) == "12:00-17:00");
}

TEST_CASE("follow-up: bad hours, dates and states name their key",
          "[bot][config][follow_up]") {
  ConfigLoad load = LoadConfigString(R"(
[send_window]
hours = "21:00-08:00"
funday = "10:00-12:00"
holidays = ["2026-02-30", "tomorrow"]
[send_window.states.XX]
sunday = "closed"
[send_window.states.TX]
sunday = "noon"
)");
  CHECK(HasError(load, "send_window.hours", "08:00-21:00"));
  CHECK(HasError(load, "send_window.funday", "unknown key"));
  CHECK(HasError(load, "send_window.holidays[0]", "date"));
  CHECK(HasError(load, "send_window.holidays[1]", "date"));
  CHECK(HasError(load, "send_window.states.XX", "US state"));
  CHECK(HasError(load, "send_window.states.TX.sunday"));
}

TEST_CASE("follow-up: e-mail and SMS settings are read and checked",
          "[bot][config][follow_up]") {
  ConfigLoad good = LoadConfigString(R"(
[email]
from = "Elm Realty <homes@elmrealty.example>"
smtp_url = "smtps://mail.elmrealty.example:465"
username = "homes"
require_tls = true
timeout = "10s"
[sms]
twilio_base_url = "http://127.0.0.1:9999/"
account_sid = "AC0123456789abcdef0123456789abcdef"
from = "+13125550100"
)");
  INFO(AllErrors(good));
  REQUIRE(good.ok());
  CHECK(good.config.email.from == "Elm Realty <homes@elmrealty.example>");
  CHECK(good.config.email.require_tls);
  CHECK(good.config.email.timeout == std::chrono::seconds(10));
  CHECK(good.config.sms.twilio_base_url == "http://127.0.0.1:9999");
  CHECK(good.config.sms.from == "+13125550100");
  ConfigLoad clear = LoadConfigString("[email]\nusername = \"homes\"\n");
  REQUIRE(clear.ok());
  CHECK(std::any_of(clear.warnings.begin(), clear.warnings.end(),
                    [](const auto& w) { return w.key == "email.require_tls"; }));
  ConfigLoad bad = LoadConfigString(R"(
[email]
from = "nobody"
smtp_url = "http://mail"
[sms]
account_sid = "XY123"
from = "555"
twilio_base_url = "api.twilio.com"
)");
  CHECK(HasError(bad, "email.from"));
  CHECK(HasError(bad, "email.smtp_url", "smtp://"));
  CHECK(HasError(bad, "sms.account_sid"));
  CHECK(HasError(bad, "sms.from"));
  CHECK(HasError(bad, "sms.twilio_base_url"));
}

TEST_CASE("follow-up: the SMTP password and Twilio token are secrets the "
          "redactor masks",
          "[bot][config][follow_up]") {
  ::setenv("LEADROUTER_SMTP_PASSWORD", "smtp-pass-placeholder", 1);
  ::setenv("TWILIO_AUTH_TOKEN", "twilio-token-placeholder", 1);
  const leadrouter::Secrets s = leadrouter::Secrets::FromEnvironment();
  ::unsetenv("LEADROUTER_SMTP_PASSWORD");
  ::unsetenv("TWILIO_AUTH_TOKEN");
  CHECK(s.smtp_password == "smtp-pass-placeholder");
  CHECK(s.twilio_auth_token == "twilio-token-placeholder");
  const auto all = s.All();
  CHECK(std::count(all.begin(), all.end(), "smtp-pass-placeholder") == 1);
  CHECK(std::count(all.begin(), all.end(), "twilio-token-placeholder") == 1);
}

TEST_CASE("follow-up: the shipped example documents the follow-up settings",
          "[bot][config][follow_up]") {
  ConfigLoad load = LoadConfigFile(LEADROUTER_SOURCE_DIR "/manifests/leadrouter.example.toml");
  INFO(AllErrors(load));
  REQUIRE(load.ok());
  CHECK(load.config.company.name == "Elm Realty");
  CHECK(load.config.email.from == "Elm Realty <homes@elmrealty.example>");
  const auto& hot =
      load.config.sequences.by_segment.at(leadrouter::pipeline::Segment::kHotBuyer);
  REQUIRE(hot.size() == 4);
  CHECK(hot[1].body.rfind("Hi {first_name|there},\n", 0) == 0);
  CHECK(leadrouter::SummarizeConfig(load.config).find("HOT_BUYER 4") != std::string::npos);
}

TEST_CASE("follow-up: the send window's zone must be one the tz database knows",
          "[bot][config][follow_up]") {
  ConfigLoad load =
      LoadConfigString("[send_window]\ntimezone = \"America/Gotham\"\n");
  CHECK(HasError(load, "send_window.timezone", "is not a time zone"));
  CHECK(LoadConfigString("[send_window]\ntimezone = \"America/Chicago\"\n").ok());
}

TEST_CASE("the per-channel posting pace is read and checked", "[bot][config]") {
  ConfigLoad defaults = LoadConfigString("");
  CHECK(defaults.config.slack.post_interval == std::chrono::seconds(1));
  CHECK(defaults.config.slack.post_burst == 3);
  ConfigLoad set = LoadConfigString("[slack]\npost_interval = \"500ms\"\npost_burst = 5\n");
  REQUIRE(set.ok());
  CHECK(set.config.slack.post_interval == std::chrono::milliseconds(500));
  CHECK(HasError(LoadConfigString("[slack]\npost_interval = \"0s\"\n"),
                 "slack.post_interval", "longer than zero"));
  CHECK(HasError(LoadConfigString("[slack]\npost_burst = 0\n"), "slack.post_burst",
                 "between 1 and 100000"));
}

TEST_CASE("the job runner's limits and Slack's 429 retries are read and checked",
          "[bot][config]") {
  ConfigLoad defaults = LoadConfigString("");
  CHECK(defaults.config.jobs.max_in_flight == 64);
  CHECK(defaults.config.jobs.max_parked == 256);
  CHECK(defaults.config.slack.rate_limited_retries == 3);
  ConfigLoad set = LoadConfigString(
      "[jobs]\nmax_in_flight = 16\nmax_parked = 0\n[slack]\nrate_limited_retries = 0\n");
  INFO(AllErrors(set));
  REQUIRE(set.ok());
  CHECK(set.config.jobs.max_in_flight == 16);
  CHECK(set.config.jobs.max_parked == 0);
  CHECK(set.config.slack.rate_limited_retries == 0);
  CHECK(leadrouter::SummarizeConfig(set.config).find("16 at work at once, 0 more waiting") !=
        std::string::npos);
  CHECK(HasError(LoadConfigString("[jobs]\nmax_in_flight = 0\n"), "jobs.max_in_flight",
                 "between 1 and 4096"));
  CHECK(HasError(LoadConfigString("[jobs]\nmax_parked = -1\n"), "jobs.max_parked",
                 "between 0 and 100000"));
  CHECK(HasError(LoadConfigString("[slack]\nrate_limited_retries = 101\n"),
                 "slack.rate_limited_retries", "between 0 and 100"));
}

TEST_CASE("follow-up: consent rules per channel are read and checked",
          "[bot][config][follow_up]") {
  using leadrouter::pipeline::ConsentRule;
  ConfigLoad defaults = LoadConfigString("");
  REQUIRE(defaults.ok());
  CHECK(defaults.config.consent.sms == ConsentRule::kExplicit);
  CHECK(defaults.config.consent.email == ConsentRule::kMarketing);
  CHECK(defaults.config.consent.webhook == ConsentRule::kNone);
  ConfigLoad load = LoadConfigString("[consent]\nsms = \"marketing\"\nemail = \"explicit\"\n");
  INFO(AllErrors(load));
  REQUIRE(load.ok());
  CHECK(load.config.consent.sms == ConsentRule::kMarketing);
  CHECK(load.config.consent.email == ConsentRule::kExplicit);
  CHECK(HasError(LoadConfigString("[consent]\nsms = \"yes\"\n"), "consent.sms",
                 "is not explicit, marketing or none"));
  CHECK(HasError(LoadConfigString("[consent]\nfax = \"none\"\n"), "consent.fax", ""));
}

TEST_CASE("the URL Twilio signs inbound texts with is read and checked",
          "[bot][config][opt_out]") {
  CHECK(LoadConfigString("").config.sms.inbound_url.empty());
  ConfigLoad set = LoadConfigString(
      "[sms]\ninbound_url = \"https://leads.example.com/v1/twilio/inbound\"\n");
  REQUIRE(set.ok());
  CHECK(set.config.sms.inbound_url == "https://leads.example.com/v1/twilio/inbound");
  CHECK(HasError(LoadConfigString("[sms]\ninbound_url = \"leads.example.com/x\"\n"),
                 "sms.inbound_url", "full URL"));
}

TEST_CASE("volume watch entries are read with their business hours and days",
          "[bot][config][alerts]") {
  ConfigLoad ok = LoadConfigString(
      "[alerts]\nquiet_period = \"30m\"\nslack_down_after = \"90s\"\n"
      "[[volume_watch]]\nsource = \"Zillow Premier\"\nsilence = \"3h\"\n"
      "hours = \"08:00-20:00\"\ndays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\n"
      "[[volume_watch]]\nsource = \"Website\"\n");
  INFO(AllErrors(ok));
  REQUIRE(ok.ok());
  CHECK(ok.config.alerts.quiet_period == std::chrono::minutes(30));
  CHECK(ok.config.alerts.slack_down_after == std::chrono::seconds(90));
  REQUIRE(ok.config.volume_watch.size() == 2);
  const leadrouter::VolumeWatchConfig& zillow = ok.config.volume_watch[0];
  CHECK(zillow.source == "Zillow Premier");
  CHECK(zillow.silence == std::chrono::hours(3));
  CHECK(zillow.start_minute == 8 * 60);
  CHECK(zillow.end_minute == 20 * 60);
  CHECK(zillow.days == 0b0111110);
  // Defaults: 3 h, all day, every day.
  CHECK(ok.config.volume_watch[1].silence == std::chrono::hours(3));
  CHECK_FALSE(ok.config.volume_watch[1].start_minute);
  CHECK(ok.config.volume_watch[1].days == 0x7F);
  const std::string summary = leadrouter::SummarizeConfig(ok.config);
  CHECK(summary.find("Zillow Premier silent 3h in 08:00-20:00") != std::string::npos);
  CHECK(summary.find("closes after 30m") != std::string::npos);

  ConfigLoad none = LoadConfigString("");
  CHECK(none.config.alerts.quiet_period == std::chrono::minutes(15));
  CHECK(none.config.alerts.slack_down_after == std::chrono::minutes(2));
  CHECK(leadrouter::SummarizeConfig(none.config).find("volume watch      none") !=
        std::string::npos);
}

TEST_CASE("volume watch and alert errors name the key path", "[bot][config][alerts]") {
  ConfigLoad bad = LoadConfigString(
      "[alerts]\nquiet_period = \"0s\"\nslack_down_after = \"soon\"\n"
      "[[volume_watch]]\nsilence = \"3h\"\n"
      "[[volume_watch]]\nsource = \"Zillow Premier\"\nhours = \"8-20\"\n"
      "days = [\"mon\", \"funday\"]\nsilnce = \"3h\"\n"
      "[[volume_watch]]\nsource = \"zillow premier\"\nsilence = \"0m\"\ndays = []\n");
  CHECK(HasError(bad, "alerts.quiet_period", "longer than zero"));
  CHECK(HasError(bad, "alerts.slack_down_after", "not a duration"));
  CHECK(HasError(bad, "volume_watch[0].source", "is required"));
  CHECK(HasError(bad, "volume_watch[1].hours", "08:00-20:00"));
  CHECK(HasError(bad, "volume_watch[1].days[1]", "funday"));
  CHECK(HasError(bad, "volume_watch[1].silnce", "unknown key"));
  CHECK(HasError(bad, "volume_watch[2].source", "watched twice"));
  CHECK(HasError(bad, "volume_watch[2].silence", "longer than zero"));
  CHECK(HasError(bad, "volume_watch[2].days", "at least one day"));
}
