// RoutingJobs: the executors of the route.* job kinds. They decide who owns
// a lead (the rotation, or the rotation after an unclaimed shark-tank post)
// inside one storage transaction, writing the Slack effects as jobs; they
// need no Slack connection, so leads are assigned even while Slack is away.
// Thread rule: loop thread only.
#pragma once

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/runtime/job_runner.h"

namespace leadrouter {

class StorageWriter;

class RoutingJobs {
 public:
  // Every reference must outlive this object and the runner's use of it.
  RoutingJobs(StorageWriter& writer, JobRunner& runner, const Config& config,
              const Clock& clock);

  void Register();

 private:
  void AssignRoundRobin(const storage::Job& job, JobDone done);
  void ClaimTimeout(const storage::Job& job, JobDone done);

  StorageWriter& writer_;
  JobRunner& runner_;
  const Config& config_;
  const Clock& clock_;
};

}  // namespace leadrouter
