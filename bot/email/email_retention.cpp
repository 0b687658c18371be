#include "bot/email/email_retention.h"

#include "bot/daemon/log.h"
#include "bot/routing/outbox_plan.h"
#include "bot/runtime/job_kinds.h"
#include "bot/runtime/job_runner.h"
#include "bot/runtime/storage_writer.h"
#include "storage/alert_store.h"
#include "storage/database.h"
#include "storage/inbound_email_store.h"
#include "storage/job_store.h"

namespace leadrouter {
namespace {

constexpr char kNotALead[] = "not_a_lead";

void Schedule(storage::Database& db, SystemTime due, SystemTime now, const Config& config) {
  storage::JobStore(db.db()).Enqueue(MakeJob(std::nullopt, EmailRetentionJob{}, due, config),
                                     now);
}

bool Pending(storage::Database& db) {
  return storage::AlertStore(db.db()).HasPendingJob(kJobEmailRetention);
}

}  // namespace

int RunEmailRetention(storage::Database& db, SystemTime now, const Config& config) {
  const auto keep = config.inbound_email.keep_not_leads;
  if (keep.count() <= 0) return 0;
  storage::InboundEmailStore store(db.db());
  const int purged = store.PurgeRaw(kNotALead, now - keep, now);
  // What is left came after now - keep, so its time is still to come. The
  // running job is not pending: this writes its successor once, even when
  // a crash makes it run twice.
  std::optional<SystemTime> oldest = store.OldestKept(kNotALead);
  if (oldest && !Pending(db)) Schedule(db, *oldest + keep, now, config);
  return purged;
}

void NoteNotALeadKept(storage::Database& db, SystemTime now, const Config& config) {
  const auto keep = config.inbound_email.keep_not_leads;
  if (keep.count() > 0 && !Pending(db)) Schedule(db, now + keep, now, config);
}

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
      [now, &config](storage::Database& db) {
        // A pending run may have been timed by a longer keep_not_leads.
        if (storage::InboundEmailStore(db.db()).OldestKept(kNotALead)) {
          Schedule(db, now, now, config);
        }
      },
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
