#include "bot/ops/slack_outage_alert.h"

#include <catch2/catch.hpp>

using leadrouter::DescribeSlackOutage;
using leadrouter::SlackOutageFacts;
using leadrouter::SystemTime;
using namespace std::chrono_literals;

namespace {

// 2026-03-14 14:02:10 EDT.
const SystemTime kDown = SystemTime(1773511330s);

SlackOutageFacts Outage(int64_t leads, int64_t pending = 0, int64_t dead = 0) {
  SlackOutageFacts f;
  f.from = kDown;
  f.to = kDown + 4min;
  f.zone = "America/New_York";
  f.leads = leads;
  f.pending = pending;
  f.dead = dead;
  return f;
}

}  // namespace

TEST_CASE("an outage that is over says what happened, not that Slack is down",
          "[bot][ops][slack_outage]") {
  const auto w = DescribeSlackOutage(Outage(153));
  CHECK(w.title == "Slack was unreachable");
  CHECK(w.detail ==
        "Slack was unreachable 14:02–14:06 EDT; 153 leads waited and were all delivered.");
  CHECK(w.detail.find("down") == std::string::npos);
}

TEST_CASE("the outage summary counts what is still going out and what died",
          "[bot][ops][slack_outage]") {
  // Table: leads, pending, dead -> the words after the span.
  struct Row {
    int64_t leads, pending, dead;
    const char* tail;
  };
  const Row rows[] = {
      {0, 0, 0, "no lead was waiting for it."},
      {1, 0, 0, "1 lead waited and was delivered."},
      {10, 3, 0, "10 leads waited: 7 delivered so far, 3 going out now."},
      {10, 0, 2, "10 leads waited: 8 delivered so far, 2 in the dead letters (/leads dlq)."},
  };
  for (const Row& r : rows) {
    const auto w = DescribeSlackOutage(Outage(r.leads, r.pending, r.dead));
    CHECK(w.detail == std::string("Slack was unreachable 14:02–14:06 EDT; ") + r.tail);
  }
}
