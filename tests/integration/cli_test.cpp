// The command line, as an operator uses it: the real binary, real files.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "storage/database.h"
#include "storage/job_store.h"
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
  // The phone geocoder is a module the daemon loads only when needed;
  // check-config proves it can be found.
  CHECK(r.out.find("geocoder          loads") != std::string::npos);
  // So is libcurl, for the example's e-mail.
  CHECK(r.out.find("e-mail transfer   loads") != std::string::npos);
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

TEST_CASE("check-config refuses a listen port out of range, naming the key",
          "[integration][cli]") {
  TempDir dir;
  WriteFile(dir.File("port.toml"), "[server]\nlisten = \"127.0.0.1:80800\"\n");
  auto r = RunBinary({"check-config", "--config", dir.File("port.toml")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("server.listen") != std::string::npos);
  CHECK(r.err.find("port 80800") != std::string::npos);
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

namespace {

using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;

const leadrouter::storage::TimePoint kDied{std::chrono::seconds(1773526743)};

// A config naming `db`, and a database there with two dead jobs (ids
// returned oldest death first) and one pending, made the way the runner
// makes them.
struct DeadLetterFile {
  DeadLetterFile() {
    WriteFile(config, "[storage]\npath = \"" + db + "\"\n");
    auto database = leadrouter::storage::Database::Open(db);
    JobStore jobs(database->db());
    auto add = [&](const std::string& kind, const std::string& error,
                   leadrouter::storage::TimePoint died) {
      leadrouter::storage::NewJob job;
      job.kind = kind;
      job.due_at = died;
      const int64_t id = jobs.Enqueue(job, died);
      jobs.Kill(id, error, died);
      return id;
    };
    older = add("slack.post_shark_tank", "channel_not_found", kDied);
    newer = add("slack.ops_alert", "line one\nline two", kDied + std::chrono::minutes(5));
    leadrouter::storage::NewJob pending;
    pending.kind = "slack.ephemeral";
    pending.due_at = kDied;
    jobs.Enqueue(pending, kDied);
  }
  JobState State(int64_t id) {
    auto database = leadrouter::storage::Database::Open(db);
    return JobStore(database->db()).Get(id)->state;
  }

  TempDir dir;
  std::string db = dir.File("lr.db");
  std::string config = dir.File("c.toml");
  int64_t older = 0;
  int64_t newer = 0;
};

}  // namespace

TEST_CASE("dlq list prints the dead jobs as a table, most recent first",
          "[integration][cli][dlq]") {
  DeadLetterFile f;
  auto r = RunBinary({"dlq", "list", "--config", f.config});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto newer = r.out.find("slack.ops_alert");
  const auto older = r.out.find("slack.post_shark_tank");
  REQUIRE(newer != std::string::npos);
  REQUIRE(older != std::string::npos);
  CHECK(newer < older);
  CHECK(r.out.find("channel_not_found") != std::string::npos);
  CHECK(r.out.find("2026-03-14 22:19:03") != std::string::npos);
  CHECK(r.out.find("line one line two") != std::string::npos);  // one row
  CHECK(r.out.find("slack.ephemeral") == std::string::npos);   // not dead
  CHECK(r.out.find("2 dead jobs") != std::string::npos);
}

TEST_CASE("dlq list --json gives every field of every dead job",
          "[integration][cli][dlq]") {
  DeadLetterFile f;
  auto r = RunBinary({"dlq", "list", "--json", "--config", f.config});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto jobs = nlohmann::json::parse(r.out);
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0]["id"] == f.newer);
  CHECK(jobs[0]["last_error"] == "line one\nline two");
  CHECK(jobs[1]["kind"] == "slack.post_shark_tank");
  CHECK(jobs[1]["died_at"] == "2026-03-14T22:19:03Z");
  CHECK(jobs[1]["lead_id"].is_null());
}

TEST_CASE("dlq replay and drop change one dead job and say so",
          "[integration][cli][dlq]") {
  DeadLetterFile f;
  SECTION("replay") {
    auto r = RunBinary({"dlq", "replay", std::to_string(f.older), "--config", f.config});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Replayed job #" + std::to_string(f.older)) != std::string::npos);
    CHECK(f.State(f.older) == JobState::kPending);
    CHECK(f.State(f.newer) == JobState::kDead);
  }
  SECTION("drop") {
    auto r = RunBinary({"dlq", "drop", std::to_string(f.newer), "--config", f.config});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(f.State(f.newer) == JobState::kCancelled);
    auto list = RunBinary({"dlq", "list", "--json", "--config", f.config});
    CHECK(nlohmann::json::parse(list.out).size() == 1);
  }
}

TEST_CASE("dlq replay of a job that is not dead exits 1 and changes nothing",
          "[integration][cli][dlq]") {
  DeadLetterFile f;
  REQUIRE(RunBinary({"dlq", "drop", std::to_string(f.older), "--config", f.config})
              .exit_code == 0);
  auto again = RunBinary({"dlq", "replay", std::to_string(f.older), "--config", f.config});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("no dead job #" + std::to_string(f.older)) != std::string::npos);
  CHECK(f.State(f.older) == JobState::kCancelled);
  auto unknown = RunBinary({"dlq", "drop", "9999", "--config", f.config});
  CHECK(unknown.exit_code == 1);
}

TEST_CASE("dlq usage mistakes exit 2 and touch nothing", "[integration][cli][dlq]") {
  DeadLetterFile f;
  for (std::vector<std::string> args :
       {std::vector<std::string>{"dlq", "--config", f.config},
        {"dlq", "revive", "1", "--config", f.config},
        {"dlq", "replay", "--config", f.config},
        {"dlq", "replay", "12abc", "--config", f.config},
        {"dlq", "list"}}) {
    auto r = RunBinary(args);
    INFO(args[1]);
    CHECK(r.exit_code == 2);
  }
  CHECK(f.State(f.older) == JobState::kDead);
}

TEST_CASE("dlq never creates a database that is not there", "[integration][cli][dlq]") {
  TempDir dir;
  WriteFile(dir.File("c.toml"), "[storage]\npath = \"" + dir.File("none.db") + "\"\n");
  auto r = RunBinary({"dlq", "list", "--config", dir.File("c.toml")});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("no database") != std::string::npos);
  CHECK(ReadFile(dir.File("none.db")).empty());
}

TEST_CASE("email parse prints what a message would become and writes nothing",
          "[integration][cli][email]") {
  TempDir dir;
  std::string toml = ReadFile(Fixture("email/sources.toml"));
  const std::string relative = "path = \"never-written.db\"";
  toml.replace(toml.find(relative), relative.size(),
               "path = \"" + dir.File("never.db") + "\"");
  const std::string config = dir.File("sources.toml");
  WriteFile(config, toml);
  auto r = RunBinary({"email", "parse", "--config", config, Fixture("email/zillow-qp.eml")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto out = nlohmann::json::parse(r.out);
  CHECK(out["outcome"] == "lead");
  CHECK(out["source"] == "Zillow");
  CHECK_FALSE(out["why"].get<std::string>().empty());
  // The lead exactly as `process` prints it for the same fields.
  WriteFile(dir.File("fields.json"), out["fields"].dump());
  auto processed = RunBinary({"process", "--config", config, dir.File("fields.json")});
  REQUIRE(processed.exit_code == 0);
  auto expected = nlohmann::json::parse(processed.out);
  auto lead = out["lead"];
  CHECK(lead == expected);
  CHECK(lead["phone"]["e164"] == "+12125550199");

  SECTION("every outcome exits 0, from a file or standard input") {
    auto dead = RunBinary({"email", "parse", "--config", config, "-"}, {},
                          ReadFile(Fixture("email/realtor-template-changed.eml")));
    CHECK(dead.exit_code == 0);
    CHECK(nlohmann::json::parse(dead.out)["outcome"] == "dead_letter");
    auto news = RunBinary(
        {"email", "parse", "--config", config, Fixture("email/newsletter-zillow.eml")});
    CHECK(news.exit_code == 0);
    CHECK(nlohmann::json::parse(news.out)["outcome"] == "not_a_lead");
    auto unknown =
        RunBinary({"email", "parse", "--config", config, Fixture("email/unknown-sender.eml")});
    CHECK(unknown.exit_code == 0);
    CHECK(nlohmann::json::parse(unknown.out)["outcome"] == "unknown_sender");
  }
  SECTION("a bad config exits 2 naming the key") {
    WriteFile(dir.File("bad.toml"),
              "[[inbound_email.sources]]\nname = \"Zillow\"\nfrom = []\n");
    auto bad = RunBinary({"email", "parse", "--config", dir.File("bad.toml"),
                          Fixture("email/zillow-qp.eml")});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("inbound_email.sources[0].from") != std::string::npos);
  }
  SECTION("something that is not a message exits 65") {
    auto junk = RunBinary({"email", "parse", "--config", config, "-"}, {}, "{\"json\": 1}");
    CHECK(junk.exit_code == 65);
    CHECK(nlohmann::json::parse(junk.out)["field"] == "message");
  }
  CHECK(ReadFile(dir.File("never.db")).empty());
}
