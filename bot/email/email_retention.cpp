#include "bot/email/email_retention.h"

#include "bot/email/email_retention_tx.h"

#include "bot/daemon/log.h"
#include "bot/runtime/job_kinds.h"
#include "bot/runtime/job_runner.h"
#include "bot/runtime/storage_writer.h"

namespace leadrouter {

EmailRetention::EmailRetention(StorageWriter& writer, JobRunner& runner,
                               const Config& config, const Clock& clock)
    : writer_(writer),
      runner_(runner),
      config_(config),
      clock_(clock),
      alive_(std::make_shared<bool>(true)) {}

EmailRetention::~EmailRetention() { alive_.reset(); }

void EmailRetention::Start() {
  if (config_.inbound_email.keep_not_leads.count() <= 0) return;
  std::weak_ptr<bool> alive = alive_;
  runner_.Register(kJobEmailRetention, [this, alive](const storage::Job&, JobDone done) {
    const SystemTime now = clock_.Now();
    const Config& config = config_;
    writer_.Call<int>(
        [now, &config](storage::Database& db) { return RunEmailRetention(db, now, config); },
        [this, alive, done](Result<int> purged) {
          if (alive.expired()) return;  // shutting down: it runs again at start
          if (!purged.ok()) return done(JobOutcome::Retry(purged.status().message()));
          if (purged.value() > 0) {
            logging::Info("email.retention", {{"purged", purged.value()}});
          }
          done(JobOutcome::Done());
        });
  });
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  writer_.Submit(
      [now, &config](storage::Database& db) { ScheduleEmailRetentionNow(db, now, config); },
      [this, alive](const std::string& error) {
        if (alive.expired()) return;
        if (!error.empty()) {
          logging::Error("email.retention_schedule_failed", {{"error", error}});
          return;
        }
        runner_.Wake();
      });
}

}  // namespace leadrouter
