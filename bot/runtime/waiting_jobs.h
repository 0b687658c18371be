// WaitingJobs: when a service answers again (Slack's socket connects, or a
// Web API call succeeds after failures), the jobs that were waiting for it
// are made due now and the runner is woken, so the backlog drains at once
// instead of sitting out each job's backoff. The drain still goes at the
// service's pace (Slack's rate limits apply to every call).
// Thread rule: loop thread.
#pragma once

#include <memory>
#include <string>

#include "bot/runtime/clock.h"

namespace leadrouter {

class JobRunner;
class StorageWriter;

class WaitingJobs {
 public:
  // Every reference must outlive this object.
  WaitingJobs(StorageWriter& writer, JobRunner& runner, const Clock& clock);
  ~WaitingJobs();

  // `service` ("slack", "sms", …) answers again; `why` is for the log.
  void ServiceBack(const std::string& service, const std::string& why);

 private:
  StorageWriter& writer_;
  JobRunner& runner_;
  const Clock& clock_;
  std::shared_ptr<bool> alive_;
};

}  // namespace leadrouter
