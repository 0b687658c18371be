#include "bot/email/email_retention_tx.h"

#include "bot/routing/outbox_plan.h"
#include "bot/runtime/job_kinds.h"
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

void ScheduleEmailRetentionNow(storage::Database& db, SystemTime now, const Config& config) {
  // A pending run may have been timed by a longer keep_not_leads.
  if (storage::InboundEmailStore(db.db()).OldestKept(kNotALead)) {
    Schedule(db, now, now, config);
  }
}

void NoteNotALeadKept(storage::Database& db, SystemTime now, const Config& config) {
  const auto keep = config.inbound_email.keep_not_leads;
  if (keep.count() > 0 && !Pending(db)) Schedule(db, now + keep, now, config);
}

}  // namespace leadrouter
