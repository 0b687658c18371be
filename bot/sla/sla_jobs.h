// SlaJobs: the executors of the first-contact SLA timers (sla.remind,
// sla.escalate, written by bot/sla/sla_clock). Each decides inside one storage
// transaction whether the timer still applies (same owner, same assignment,
// no contact recorded, not taken over in the CRM) and writes its Slack
// effects as jobs: a reminder DM; an ops alert, a thread note and, when the
// segment says so, a reassignment through the rotation.
// Thread rule: SlaJobs on the loop thread; the Run* functions on the storage
// writer thread, inside the caller's transaction.
#pragma once

#include <optional>
#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/runtime/job_runner.h"

namespace leadrouter {
namespace storage {
class Database;
}

class StorageWriter;

struct SlaOutcome {
  bool acted = false;   // false: the timer no longer applied
  std::string skipped;  // why not, when !acted ("first contact was recorded")
  std::optional<std::string> reassigned_to;  // escalation only
};

// An sla.remind timer at `now`: a kJobDmNote {agent, text} to the owner and
// an `sla_reminder` timeline event {agent, waited_s}. Throws
// SQLite::Exception on a database failure (the caller rolls back).
SlaOutcome RunSlaReminder(storage::Database& db, const storage::Job& job,
                          SystemTime now, const Config& config);

// An sla.escalate timer at `now`: when the segment's reassign_on_escalation
// is set, AssignRoundRobin with why "SLA escalation", passing over the
// owner (who keeps the lead when nobody else is available); then a
// kJobOpsAlert {title, detail} naming the owner and the wait (when
// slack.ops_channel is set), a kJobThreadNote {text}, and on reassignment a
// kJobUpdateLeadPost {status_line} and a kJobDmNote {agent, text} to the
// previous owner; an `sla_escalated` timeline event {agent, waited_s,
// reassigned_to, reason}. Throws SQLite::Exception on a database failure.
SlaOutcome RunSlaEscalation(storage::Database& db, const storage::Job& job,
                            SystemTime now, const Config& config);

class SlaJobs {
 public:
  // Every reference must outlive this object and the runner's use of it.
  SlaJobs(StorageWriter& writer, JobRunner& runner, const Config& config,
          const Clock& clock);

  void Register();

 private:
  using Run = SlaOutcome (*)(storage::Database&, const storage::Job&,
                             SystemTime, const Config&);
  void Execute(Run run, const storage::Job& job, JobDone done);

  StorageWriter& writer_;
  JobRunner& runner_;
  const Config& config_;
  const Clock& clock_;
};

}  // namespace leadrouter
