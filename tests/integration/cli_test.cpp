// The command line, as an operator uses it: the real binary, real files.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/daemon_process.h"

using leadrouter::testing::ReadFile;
using leadrouter::testing::RunBinary;
using leadrouter::testing::TempDir;
using leadrouter::testing::WriteFile;

namespace {
const std::string kExample = LEADROUTER_SOURCE_DIR "/manifests/leadrouter.example.toml";
std::string Fixture(const std::string& name) {
  return std::string(LEADROUTER_FIXTURES_DIR) + "/" + name;
}
}  // namespace

TEST_CASE("check-config accepts the example and prints a summary", "[integration][cli]") {
  auto r = RunBinary({"check-config", "--config", kExample});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("OK") != std::string::npos);
  CHECK(r.out.find("C0123SHARK") != std::string::npos);
  CHECK(r.out.find("LEADROUTER_INTAKE_TOKEN not set") != std::string::npos);
}

TEST_CASE("check-config exits 2 and names every bad key", "[integration][cli]") {
  TempDir dir;
  WriteFile(dir.File("bad.toml"),
            "[slack]\nclaim_timeout = \"5x\"\nshark_tank_channel = \"hot-leads\"\n"
            "[server]\nlisen = \"127.0.0.1:1\"\n");
  auto r = RunBinary({"check-config", "--config", dir.File("bad.toml")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("3 errors") != std::string::npos);
  CHECK(r.err.find("slack.claim_timeout") != std::string::npos);
  CHECK(r.err.find("slack.shark_tank_channel") != std::string::npos);
  CHECK(r.err.find("server.lisen") != std::string::npos);
}

TEST_CASE("check-config never prints a secret", "[integration][cli]") {
  auto r = RunBinary({"check-config", "--config", kExample},
                     {{"SLACK_BOT_TOKEN", "xoxb-fake_secret_value"}});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("SLACK_BOT_TOKEN set") != std::string::npos);
  CHECK((r.out + r.err).find("fake_secret_value") == std::string::npos);
}

TEST_CASE("process prints the processed lead as JSON and writes nothing",
          "[integration][cli]") {
  TempDir dir;
  WriteFile(dir.File("c.toml"), "[storage]\npath = \"" + dir.File("never.db") + "\"\n");
  auto r = RunBinary({"process", "--config", dir.File("c.toml"), Fixture("portal-nested.json")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto lead = nlohmann::json::parse(r.out);
  CHECK(lead["phone"]["e164"] == "+12125550199");
  CHECK(lead["name"]["full"] == "Dana O'Connell");
  CHECK(lead["email"] == "dana.oconnell@example.com");
  CHECK(lead["segment"]["name"] == "HOT_BUYER");
  CHECK_FALSE(lead["score"]["reasons"].empty());
  CHECK(lead["dedupe_keys"].size() == 2);
  CHECK(ReadFile(dir.File("never.db")).empty());
}

TEST_CASE("process reads a payload from standard input", "[integration][cli]") {
  auto r = RunBinary({"process", "--config", kExample, "-"}, {},
                     ReadFile(Fixture("webform-flat.json")));
  REQUIRE(r.exit_code == 0);
  auto lead = nlohmann::json::parse(r.out);
  CHECK(lead["name"]["full"] == "Marcus Webb");
  CHECK(lead["segment"]["name"] == "NURTURE_LONGTERM");
  CHECK(lead["message"].get<std::string>().find("<p>") == std::string::npos);
}

TEST_CASE("process explains a rejected lead with the field", "[integration][cli]") {
  auto r = RunBinary({"process", "--config", kExample, Fixture("invalid-missing-contact.json")});
  CHECK(r.exit_code == 1);
  auto err = nlohmann::json::parse(r.out);
  CHECK(err["field"] == "contact");
  auto junk = RunBinary({"process", "--config", kExample, "-"}, {}, "not json");
  CHECK(junk.exit_code == 1);
  CHECK(nlohmann::json::parse(junk.out)["field"] == "body");
}

TEST_CASE("usage errors exit 2 with help", "[integration][cli]") {
  CHECK(RunBinary({"serve"}).exit_code == 2);
  CHECK(RunBinary({"frobnicate", "--config", kExample}).exit_code == 2);
  auto r = RunBinary({"process", "--config"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("usage:") != std::string::npos);
  CHECK(RunBinary({"--help"}).exit_code == 0);
}

TEST_CASE("check-config rejects an unknown time zone by its key",
          "[integration][cli]") {
  TempDir dir;
  WriteFile(dir.File("tz.toml"),
            "[rotation]\ntimezone = \"America/Nowhere\"\n"
            "[[agents]]\nslack_id = \"U0123ANA\"\nname = \"Ana\"\n"
            "timezone = \"Europe/Londn\"\n");
  auto r = RunBinary({"check-config", "--config", dir.File("tz.toml")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("rotation.timezone") != std::string::npos);
  CHECK(r.err.find("agents[0].timezone") != std::string::npos);
}
