#include "storage/job_post_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "storage/database.h"
#include "tests/storage/storage_test_support.h"

using namespace std::chrono_literals;
using leadrouter::storage::Database;
using leadrouter::storage::JobPostStore;
using leadrouter::storage::testing::kT0;
using leadrouter::storage::testing::TempDbFile;

TEST_CASE("a job's first try records its intent; a later try sees it",
          "[storage][job_post_store]") {
  auto db = Database::Open(":memory:");
  JobPostStore posts(db->db());
  CHECK_FALSE(posts.Get(7).has_value());
  CHECK_FALSE(posts.Intend(7, "C0SHARK001", kT0).has_value());

  auto again = posts.Intend(7, "C0SHARK001", kT0 + 5s);
  REQUIRE(again.has_value());
  CHECK_FALSE(again->posted());
  CHECK(again->channel == "C0SHARK001");
  CHECK(again->intent_at == kT0);  // the first intent bounds the lookup

  SECTION("once posted, every later try finds the message") {
    posts.RecordPosted(7, "C0SHARK001", "1700000000.000100", kT0 + 6s);
    auto done = posts.Intend(7, "C0SHARK001", kT0 + 9s);
    REQUIRE(done.has_value());
    CHECK(done->posted());
    CHECK(done->ts == "1700000000.000100");
  }
  SECTION("an intent for another channel (a DM reopened) takes the new one") {
    auto moved = posts.Intend(7, "D0NEWDM001", kT0 + 9s);
    REQUIRE(moved.has_value());
    CHECK(moved->channel == "D0NEWDM001");
    CHECK(posts.Get(7)->channel == "D0NEWDM001");
  }
  SECTION("a withdrawn intent (Slack said no) is a fresh start") {
    posts.Withdraw(7);
    CHECK_FALSE(posts.Get(7).has_value());
    CHECK_FALSE(posts.Intend(7, "C0SHARK001", kT0 + 9s).has_value());
  }
  SECTION("withdrawing never forgets a posted message") {
    posts.RecordPosted(7, "C0SHARK001", "1700000000.000100", kT0 + 6s);
    posts.Withdraw(7);
    CHECK(posts.Get(7)->posted());
  }
  SECTION("other jobs are not affected") {
    CHECK_FALSE(posts.Intend(8, "C0SHARK001", kT0).has_value());
  }
}

TEST_CASE("a post recorded without an intent (a job from before) still counts",
          "[storage][job_post_store]") {
  auto db = Database::Open(":memory:");
  JobPostStore posts(db->db());
  posts.RecordPosted(3, "D0AGENT001", "1700000000.000200", kT0);
  posts.RecordPosted(3, "D0AGENT001", "1700000000.000200", kT0 + 1s);
  auto got = posts.Get(3);
  REQUIRE(got.has_value());
  CHECK(got->posted());
  CHECK(got->channel == "D0AGENT001");
}

TEST_CASE("intents and posts survive reopening the file", "[storage][job_post_store]") {
  TempDbFile file;
  {
    auto db = Database::Open(file.path());
    JobPostStore(db->db()).Intend(11, "C0OPS00001", kT0);
  }
  auto db = Database::Open(file.path());
  auto got = JobPostStore(db->db()).Get(11);
  REQUIRE(got.has_value());
  CHECK_FALSE(got->posted());
}
