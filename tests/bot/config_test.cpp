#include "bot/config.h"

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
