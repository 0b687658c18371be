#include "bot/interactions/dlq_email_replay.h"

#include <catch2/catch.hpp>

#include "bot/email/inbound_email_tx.h"
#include "bot/interactions/slash_leads.h"
#include "bot/runtime/job_kinds.h"
#include "storage/database.h"
#include "storage/inbound_email_store.h"
#include "storage/job_store.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using leadrouter::ApplyDlqEmailReplay;
using leadrouter::Click;
using leadrouter::Config;
using leadrouter::SlashCommand;
using leadrouter::storage::Database;
using leadrouter::storage::InboundEmailStore;
using leadrouter::storage::Job;
using leadrouter::storage::JobState;
using leadrouter::storage::JobStore;
using leadrouter::storage::testing::kT0;

namespace {

constexpr char kManager[] = "U0123MGR";

struct Fixture {
  Fixture() : db(Database::Open(":memory:")) {
    config.slack.managers = {kManager};
    InboundEmailStore store(db->db());
    email_id = store.Store("lead-1@realtor.com", "From: leads@email.realtor.com\r\n\r\nhi",
                           "mailgun", kT0)
                   .id;
    store.RecordOutcome(email_id, "dead_letter", "Realtor.com", "no name", std::nullopt, kT0);
  }

  Click ClickBy(const std::string& user, const std::string& value) const {
    return {user, "C0123OPS", "1700000000.000100", value};
  }

  std::vector<Job> Pending(const char* kind) {
    std::vector<Job> out;
    for (Job& j : JobStore(db->db()).List(JobState::kPending, 1000)) {
      if (j.kind == kind) out.push_back(std::move(j));
    }
    return out;
  }
  std::string LastEphemeralText() {
    auto jobs = Pending(leadrouter::kJobEphemeral);
    return jobs.empty() ? "" : jobs.back().payload.value("text", "");
  }
  std::string Outcome() { return InboundEmailStore(db->db()).Get(email_id)->outcome; }

  std::unique_ptr<Database> db;
  Config config;
  int64_t email_id = 0;
};

}  // namespace

TEST_CASE("/leads dlq lists a dead-lettered e-mail with a Replay button",
          "[bot][handlers][dlq][email]") {
  Fixture f;
  SlashCommand cmd{"/leads", "dlq", kManager, "C0123OPS", true};
  auto reply = leadrouter::RunLeadsCommand(*f.db, cmd, kT0 + 1h, f.config);
  REQUIRE(reply.blocks);
  const std::string blocks = reply.blocks->dump();
  CHECK_THAT(blocks, Contains("E-mail #" + std::to_string(f.email_id)));
  CHECK_THAT(blocks, Contains("dlq_email_replay"));
  CHECK_THAT(blocks, Contains("Realtor.com"));
}

TEST_CASE("a manager's Replay on a dead-lettered e-mail queues its parse once",
          "[bot][handlers][dlq][email]") {
  Fixture f;
  const std::string id = std::to_string(f.email_id);
  ApplyDlqEmailReplay(*f.db, f.ClickBy(kManager, id), kT0 + 1h, f.config);
  CHECK(f.Outcome() == "pending");
  auto parses = f.Pending(leadrouter::kJobParseEmail);
  REQUIRE(parses.size() == 1);
  CHECK(parses[0].payload["email_id"] == f.email_id);
  CHECK(parses[0].due_at == kT0 + 1h);
  CHECK_THAT(f.LastEphemeralText(), Contains("Replayed e-mail #" + id));

  SECTION("a second click finds nothing to replay") {
    ApplyDlqEmailReplay(*f.db, f.ClickBy(kManager, id), kT0 + 2h, f.config);
    CHECK(f.Pending(leadrouter::kJobParseEmail).size() == 1);
    CHECK_THAT(f.LastEphemeralText(), Contains("not a dead letter any more"));
  }
}

TEST_CASE("Replay on an e-mail is refused to a non-manager and for a bad value",
          "[bot][handlers][dlq][email]") {
  Fixture f;
  SECTION("not a manager") {
    ApplyDlqEmailReplay(*f.db, f.ClickBy("U0123ANA", std::to_string(f.email_id)), kT0,
                        f.config);
    CHECK_THAT(f.LastEphemeralText(), Contains("Only managers"));
  }
  SECTION("no such e-mail") {
    ApplyDlqEmailReplay(*f.db, f.ClickBy(kManager, "999"), kT0, f.config);
    CHECK_THAT(f.LastEphemeralText(), Contains("not a dead letter any more"));
  }
  CHECK(f.Outcome() == "dead_letter");
  CHECK(f.Pending(leadrouter::kJobParseEmail).empty());
}
