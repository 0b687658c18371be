// SlackOutageAlert: what the Slack connection's opening alert says at the
// moment it reaches Slack. It is written when the link has been down for
// alerts.slack_down_after, but while Slack is down it cannot be posted; it
// waits in the queue like every other Slack job. When it finally goes out
// the outage may be over, and "Slack connection down" would then be false:
// it says what happened instead ("Slack was unreachable 14:02–14:06 EDT;
// 153 leads waited and were all delivered"), waiting a little for the
// backlog to drain so the count is final. When the Web API answers but the
// link is not back yet, it waits a few seconds for the link first.
// Thread rule: PlanSlackOutageAlert runs on the storage writer thread,
// inside the caller's transaction; DescribeSlackOutage is pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"

namespace leadrouter {
namespace storage {
class Database;
struct Job;
}  // namespace storage

struct SlackOutageFacts {
  SystemTime from{};  // the link went down
  SystemTime to{};    // the link was back
  std::string zone;   // the team's (rotation.timezone)
  int64_t leads = 0;    // leads whose Slack work waited for it
  int64_t pending = 0;  // of those, still going out
  int64_t dead = 0;     // of those, given up on (dead letters)
};

struct AlertWords {
  std::string title;
  std::string detail;
};

// "Slack was unreachable 14:02–14:06 EDT; 153 leads waited and were all
// delivered."
AlertWords DescribeSlackOutage(const SlackOutageFacts& facts);

// The postponement's note, so a second run knows it has waited once.
inline constexpr char kAwaitingLinkNote[] =
    "Slack answers again; waiting a moment for the link before alerting";
// How long an alert waits for the link once the Web API answers again.
inline constexpr std::chrono::seconds kAwaitLink{15};
// After the outage, the summary waits in steps of kAwaitDrainStep for the
// leads still going out, for at most kAwaitDrain; then it says how many.
inline constexpr std::chrono::seconds kAwaitDrainStep{3};
inline constexpr std::chrono::minutes kAwaitDrain{2};

struct SlackAlertPlan {
  enum class Kind {
    kAsWritten,    // post the payload's words
    kWaitForLink,  // postpone by kAwaitLink
    kWaitForDrain, // postpone by kAwaitDrainStep
    kSummary,      // the outage is over: post `words` instead
  };
  Kind kind = Kind::kAsWritten;
  AlertWords words;
};

// For an ops alert job of the slack_connection group: reads the group and
// the leads that waited, and decides what to post now.
SlackAlertPlan PlanSlackOutageAlert(storage::Database& db, const storage::Job& job,
                                    SystemTime now, const Config& config);

}  // namespace leadrouter
