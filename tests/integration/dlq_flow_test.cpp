// Dead letters through the daemon's own parts, in one process: the
// envelope dispatcher, the job runner and the slack.* executors talking to
// a real slack-sim over HTTP. The Socket Mode leg is the only part left
// out (dead_letter_test.cpp covers it with the real daemon); the envelopes
// are handed to the dispatcher as the Socket Mode client would.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>

#include "bot/interactions/dispatch.h"
#include "bot/runtime/job_runner.h"
#include "bot/routing/outbox_plan.h"
#include "bot/slack/block_kit.h"
#include "bot/slack/web_api_client.h"
#include "bot/slack/slack_jobs.h"
#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "tests/slack_sim/sim_test_client.h"
#include "tests/storage/storage_test_support.h"
#include "tests/support/daemon_process.h"

using namespace std::chrono_literals;
using leadrouter::Config;
using leadrouter::testing::RunBinary;
using leadrouter::testing::TempDir;
using leadrouter::testing::WriteFile;
using nlohmann::json;

namespace {

constexpr char kShark[] = "C0SHARK001";
constexpr char kGeneral[] = "C0GENERAL1";
constexpr char kManager[] = "U0MANAGER1";

struct Flow {
  Flow()
      : db_path(dir.File("leads.db")),
        writer(loop, leadrouter::storage::Database::Open(db_path)),
        runner(loop, writer, clock, {}),
        api(loop, ApiOptions(sim.port())),
        slack_jobs(writer, api, config, clock),
        dispatcher(writer, runner, config, clock) {
    config.slack.api_url = ApiOptions(sim.port()).api_url;
    config.slack.shark_tank_channel = kShark;
    config.slack.ops_channel = "C0OPS00001";
    config.slack.managers = {kManager};
    config.storage.path = db_path;
    WriteFile(dir.File("c.toml"),
              "[storage]\npath = \"" + db_path + "\"\n");
    slack_jobs.RegisterWith(runner);
    runner.Start();
  }
  ~Flow() {
    runner.Stop();
    writer.Stop();
  }

  static leadrouter::slack::WebApiOptions ApiOptions(uint16_t port) {
    leadrouter::slack::WebApiOptions options;
    options.api_url = "http://127.0.0.1:" + std::to_string(port) + "/api/";
    options.bot_token = "xoxb-test";
    options.app_token = "xapp-test";
    return options;
  }

  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds deadline = 10s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
      if (std::chrono::steady_clock::now() > until) return false;
      loop.restart();
      loop.run_for(20ms);
    }
    return true;
  }

  std::string JobState(int64_t id) {
    auto db = leadrouter::storage::Database::Open(db_path);
    auto job = leadrouter::storage::JobStore(db->db()).Get(id);
    return job ? leadrouter::storage::ToString(job->state) : "";
  }

  // A hot lead whose shark-tank post dies on channel_not_found.
  int64_t DeadSharkTankPost() {
    slack_sim_test::Control(sim.port(), "fault",
                            {{"method", "chat.postMessage"},
                             {"count", 1},
                             {"error", "channel_not_found"}});
    int64_t job_id = 0;
    bool written = false;
    const auto now = clock.Now();
    const Config& c = config;
    writer.Submit(
        [&, now](leadrouter::storage::Database& db) {
          const int64_t lead =
              leadrouter::storage::LeadStore(db.db())
                  .Intake(leadrouter::storage::testing::LeadWithEmail(
                              "dana@example.com", "call me"),
                          now, 24h)
                  .lead_id;
          job_id = leadrouter::storage::JobStore(db.db()).Enqueue(
              leadrouter::MakeJob(lead, leadrouter::PostSharkTankJob{}, now, c),
              now);
        },
        [&](const std::string&) { written = true; });
    REQUIRE(RunUntil([&] { return written; }));
    runner.Wake();
    REQUIRE(RunUntil([&] { return JobState(job_id) == "dead"; }));
    return job_id;
  }

  json Shown(const std::string& channel) {
    return slack_sim_test::ControlGet(sim.port(), "messages?channel=" + channel);
  }

  bool SharkTankPosted() {
    const json shown = Shown(kShark);
    for (const json& m : shown["messages"]) {
      if (m.dump().find("claim_lead") != std::string::npos) return true;
    }
    return false;
  }

  TempDir dir;
  std::string db_path;
  slack_sim_test::SimProcess sim;
  boost::asio::io_context loop;
  leadrouter::SystemClock clock;
  Config config;
  leadrouter::StorageWriter writer;
  leadrouter::JobRunner runner;
  leadrouter::slack::WebApiClient api;
  leadrouter::SlackJobs slack_jobs;
  leadrouter::EnvelopeDispatcher dispatcher;
};

// The first button with `action_id` in Block Kit `blocks`.
json FindButton(const json& blocks, const std::string& action_id) {
  for (const json& block : blocks) {
    if (block.value("type", "") != "actions") continue;
    for (const json& e : block["elements"]) {
      if (e.value("action_id", "") == action_id) return e;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a manager replays a dead letter from /leads dlq and it succeeds",
          "[integration][dlq_flow]") {
  Flow f;
  const int64_t id = f.DeadSharkTankPost();
  CHECK_FALSE(f.SharkTankPosted());

  leadrouter::slack::Envelope command;
  command.envelope_id = "env-1";
  command.type = leadrouter::slack::EnvelopeType::kSlashCommands;
  command.payload = {{"command", "/leads"},
                     {"text", "dlq"},
                     {"user_id", kManager},
                     {"channel_id", kGeneral}};
  f.dispatcher.Handle(command);
  json list;
  bool found = f.RunUntil([&] {
    const json shown = f.Shown(kGeneral);
    for (const json& e : shown["ephemerals"]) {
      if (!FindButton(e["blocks"], "dlq_replay").is_null()) list = e;
    }
    return !list.is_null();
  });
  REQUIRE(found);
  CHECK(list["user"] == kManager);
  CHECK(list["blocks"].dump().find("channel_not_found") != std::string::npos);
  const json replay = FindButton(list["blocks"], "dlq_replay");
  CHECK(replay["value"] == std::to_string(id));

  leadrouter::slack::Envelope click;
  click.envelope_id = "env-2";
  click.type = leadrouter::slack::EnvelopeType::kInteractive;
  click.payload = {{"type", "block_actions"},
                   {"user", {{"id", kManager}}},
                   {"container",
                    {{"type", "message"},
                     {"message_ts", list["message_ts"]},
                     {"channel_id", kGeneral},
                     {"is_ephemeral", true}}},
                   {"channel", {{"id", kGeneral}}},
                   {"actions", json::array({replay})}};
  f.dispatcher.Handle(click);
  REQUIRE(f.RunUntil([&] { return f.SharkTankPosted(); }));
  REQUIRE(f.RunUntil([&] { return f.JobState(id) == "done"; }));
  CHECK(f.RunUntil([&] {
    return f.Shown(kGeneral)["ephemerals"].dump().find(
               "Replayed job #" + std::to_string(id)) != std::string::npos;
  }));
}

TEST_CASE("a dead letter replayed by the shell command runs without a wake-up",
          "[integration][dlq_flow]") {
  Flow f;
  const int64_t id = f.DeadSharkTankPost();
  auto r = RunBinary({"dlq", "replay", std::to_string(id), "--config",
                      f.dir.File("c.toml")});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // Nothing calls runner.Wake(): the runner notices the outside commit.
  REQUIRE(f.RunUntil([&] { return f.SharkTankPosted(); }, 8s));
  CHECK(f.RunUntil([&] { return f.JobState(id) == "done"; }));
}
