#include "bot/interactions/dlq_actions.h"

#include <catch2/catch.hpp>

#include "bot/interactions/slash_leads.h"
#include "bot/routing/outbox_plan.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using leadrouter::ApplyDlqDrop;
using leadrouter::ApplyDlqReplay;
using leadrouter::Click;
using leadrouter::Config;
using leadrouter::SlashCommand;
using leadrouter::SlashReply;
using leadrouter::storage::Database;
using leadrouter::storage::Job;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::LeadStore;
using leadrouter::storage::NewJob;
using leadrouter::storage::Timeline;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::LeadWithEmail;

namespace {

constexpr char kManager[] = "U0123MGR";
constexpr char kAna[] = "U0123ANA";

struct Fixture {
  Fixture() : db(Database::Open(":memory:")) {
    config.slack.managers = {kManager};
    lead_id = LeadStore(db->db())
                  .Intake(LeadWithEmail("dana@example.com", "Dana"), kT0, 24h)
                  .lead_id;
  }

  // A job that ran out of attempts at `died`.
  int64_t DeadJob(std::optional<int64_t> lead, const std::string& error,
                  leadrouter::SystemTime died) {
    JobStore jobs(db->db());
    NewJob job;
    job.kind = leadrouter::kJobPostSharkTank;
    job.lead_id = lead;
    job.due_at = kT0;
    job.max_attempts = 1;
    const int64_t id = jobs.Enqueue(job, kT0);
    for (Job& claimed : jobs.ClaimDue(died, {job.kind}, 100)) {
      if (claimed.id != id) jobs.RetryAt(claimed.id, died + 1h, "later");
    }
    jobs.Kill(id, error, died);
    return id;
  }

  Click ClickBy(const std::string& user, int64_t job_id) const {
    return {user, "C0123OPS", "1700000000.000100", std::to_string(job_id)};
  }

  SlashReply Dlq(const std::string& user) {
    SlashCommand cmd{"/leads", "dlq", user, "C0123OPS", user == kManager};
    return leadrouter::RunLeadsCommand(*db, cmd, kT0 + 1h, config);
  }

  std::vector<Job> Ephemerals() {
    std::vector<Job> out;
    for (Job& j : JobStore(db->db()).List(JobState::kPending, 1000)) {
      if (j.kind == leadrouter::kJobEphemeral) out.push_back(std::move(j));
    }
    return out;
  }
  std::string LastEphemeralText() {
    auto jobs = Ephemerals();
    return jobs.empty() ? "" : jobs.back().payload.value("text", "");
  }

  std::unique_ptr<Database> db;
  Config config;
  int64_t lead_id = 0;
};

std::vector<std::string> ButtonValues(const nlohmann::json& blocks,
                                      const std::string& action_id) {
  std::vector<std::string> out;
  for (const nlohmann::json& block : blocks) {
    if (block["type"] != "actions") continue;
    for (const nlohmann::json& e : block["elements"]) {
      if (e["action_id"] == action_id) out.push_back(e["value"]);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("/leads dlq shows a manager the dead jobs newest first with buttons",
          "[bot][handlers][dlq]") {
  Fixture f;
  const int64_t older = f.DeadJob(f.lead_id, "channel_not_found", kT0 + 1min);
  const int64_t newer = f.DeadJob(std::nullopt, "invalid_auth", kT0 + 2min);

  const SlashReply reply = f.Dlq(kManager);
  REQUIRE(reply.blocks);
  CHECK_FALSE(reply.in_channel);
  CHECK_THAT(reply.text, Contains("2 dead letters"));
  const std::string dumped = reply.blocks->dump();
  CHECK_THAT(dumped, Contains("channel_not_found"));
  CHECK_THAT(dumped, Contains("lead #" + std::to_string(f.lead_id)));
  CHECK(ButtonValues(*reply.blocks, "dlq_replay") ==
        std::vector<std::string>{std::to_string(newer), std::to_string(older)});
  CHECK(ButtonValues(*reply.blocks, "dlq_drop").size() == 2);
}

TEST_CASE("/leads dlq with nothing dead says so", "[bot][handlers][dlq]") {
  Fixture f;
  const SlashReply reply = f.Dlq(kManager);
  CHECK_THAT(reply.text, Contains("No dead letters"));
  REQUIRE(reply.blocks);
  CHECK(ButtonValues(*reply.blocks, "dlq_replay").empty());
}

TEST_CASE("/leads dlq is refused to anyone but a manager",
          "[bot][handlers][dlq]") {
  Fixture f;
  f.DeadJob(f.lead_id, "channel_not_found", kT0);
  const SlashReply reply = f.Dlq(kAna);
  CHECK_THAT(reply.text, Contains("Only managers"));
  CHECK_FALSE(reply.blocks);
}

TEST_CASE("a manager's Replay click revives the job and notes it on the lead",
          "[bot][handlers][dlq]") {
  Fixture f;
  const int64_t id = f.DeadJob(f.lead_id, "channel_not_found", kT0);
  ApplyDlqReplay(*f.db, f.ClickBy(kManager, id), kT0 + 1h, f.config);

  std::optional<Job> job = JobStore(f.db->db()).Get(id);
  CHECK(job->state == JobState::kPending);
  CHECK(job->attempts == 0);
  CHECK(job->due_at == kT0 + 1h);
  const auto events = Timeline(f.db->db()).List(f.lead_id);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().kind == "dead_letter_replayed");
  CHECK(events.back().detail["job_id"] == id);
  CHECK(events.back().detail["by"] == kManager);
  CHECK_THAT(f.LastEphemeralText(), Contains("Replayed job #" +
                                             std::to_string(id)));
  CHECK(f.Ephemerals().back().payload["user"] == kManager);

  SECTION("a second click finds nothing to replay and changes nothing") {
    ApplyDlqReplay(*f.db, f.ClickBy(kManager, id), kT0 + 2h, f.config);
    CHECK(JobStore(f.db->db()).Get(id)->due_at == kT0 + 1h);
    CHECK_THAT(f.LastEphemeralText(), Contains("not a dead letter any more"));
    CHECK(Timeline(f.db->db()).List(f.lead_id).size() == events.size());
  }
}

TEST_CASE("a manager's Drop click cancels the job for good",
          "[bot][handlers][dlq]") {
  Fixture f;
  const int64_t id = f.DeadJob(f.lead_id, "channel_not_found", kT0);
  ApplyDlqDrop(*f.db, f.ClickBy(kManager, id), kT0 + 1h, f.config);
  CHECK(JobStore(f.db->db()).Get(id)->state == JobState::kCancelled);
  CHECK(Timeline(f.db->db()).List(f.lead_id).back().kind ==
        "dead_letter_dropped");
  CHECK_THAT(f.LastEphemeralText(), Contains("Dropped job #"));
  ApplyDlqReplay(*f.db, f.ClickBy(kManager, id), kT0 + 2h, f.config);
  CHECK(JobStore(f.db->db()).Get(id)->state == JobState::kCancelled);
}

TEST_CASE("a job without a lead is replayed without a timeline event",
          "[bot][handlers][dlq]") {
  Fixture f;
  const int64_t id = f.DeadJob(std::nullopt, "invalid_auth", kT0);
  const size_t before = Timeline(f.db->db()).List(f.lead_id).size();
  ApplyDlqReplay(*f.db, f.ClickBy(kManager, id), kT0 + 1h, f.config);
  CHECK(JobStore(f.db->db()).Get(id)->state == JobState::kPending);
  CHECK(Timeline(f.db->db()).List(f.lead_id).size() == before);
}

TEST_CASE("Replay and Drop clicks by a non-manager change nothing",
          "[bot][handlers][dlq]") {
  Fixture f;
  const int64_t id = f.DeadJob(f.lead_id, "channel_not_found", kT0);
  SECTION("replay") {
    ApplyDlqReplay(*f.db, f.ClickBy(kAna, id), kT0 + 1h, f.config);
  }
  SECTION("drop") {
    ApplyDlqDrop(*f.db, f.ClickBy(kAna, id), kT0 + 1h, f.config);
  }
  CHECK(JobStore(f.db->db()).Get(id)->state == JobState::kDead);
  CHECK_THAT(f.LastEphemeralText(), Contains("Only managers"));
  CHECK(f.Ephemerals().back().payload["user"] == kAna);
}

TEST_CASE("a Replay click with a forged value changes nothing",
          "[bot][handlers][dlq]") {
  Fixture f;
  const int64_t id = f.DeadJob(f.lead_id, "channel_not_found", kT0);
  Click click = f.ClickBy(kManager, id);
  click.value = std::to_string(id) + " OR 1=1";
  ApplyDlqReplay(*f.db, click, kT0 + 1h, f.config);
  CHECK(JobStore(f.db->db()).Get(id)->state == JobState::kDead);
  CHECK_THAT(f.LastEphemeralText(), Contains("not a dead letter"));
}
