#include "bot/runtime/waiting_jobs.h"

#include "bot/runtime/job_runner.h"
#include "bot/daemon/log.h"
#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/job_store.h"

namespace leadrouter {

WaitingJobs::WaitingJobs(StorageWriter& writer, JobRunner& runner,
                         const Clock& clock)
    : writer_(writer),
      runner_(runner),
      clock_(clock),
      alive_(std::make_shared<bool>(true)) {}

WaitingJobs::~WaitingJobs() { alive_.reset(); }

void WaitingJobs::ServiceBack(const std::string& service,
                              const std::string& why) {
  const SystemTime now = clock_.Now();
  std::weak_ptr<bool> alive = alive_;
  writer_.Call<int>(
      [service, now](storage::Database& db) {
        return storage::JobStore(db.db()).WakeWaiting(service, now);
      },
      [this, alive, service, why](Result<int> woken) {
        if (alive.expired()) return;
        if (!woken.ok()) {
          logging::Error("jobs.wake_failed", {{"service", service},
                                              {"error", woken.status().message()}});
          return;
        }
        if (woken.value() > 0) {
          logging::Info("jobs.woken", {{"service", service},
                                       {"count", woken.value()},
                                       {"why", why}});
        }
        runner_.Wake();
      });
}

}  // namespace leadrouter
