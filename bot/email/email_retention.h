// Keeping not-a-lead mail only as long as inbound_email.keep_not_leads
// says: a periodic job empties the raw bodies of older not-a-lead messages
// (newsletters, bulk mail, forwarding confirmations). Their rows stay, so
// they are still counted (/healthz, `leadrouter_emails_total`) and a
// redelivery is still recognised by its key. Leads, dead letters and
// unknown senders are never purged: someone may still act on them.
// Thread rule: the free functions run on the storage writer inside its
// transaction (`now` passed in); EmailRetention lives on the loop.
#pragma once

#include <chrono>
#include <memory>

#include "bot/daemon/config.h"
#include "bot/runtime/clock.h"

namespace leadrouter {
namespace storage {
class Database;
}
class JobRunner;
class StorageWriter;

// How often the purge runs: the retention is counted in days, so an hour
// late is no harm, and an idle daemon wakes only once an hour for it.
inline constexpr std::chrono::hours kEmailRetentionInterval{1};

// Empties the raw body of every not-a-lead message received before
// now - keep_not_leads and writes the next kJobEmailRetention at now +
// kEmailRetentionInterval unless one is pending. Returns how many bodies
// were emptied. Throws SQLite::Exception on a database failure.
int RunEmailRetention(storage::Database& db, SystemTime now, const Config& config);

// Writes a kJobEmailRetention due at `due` unless one is pending; returns
// whether it wrote one. Throws SQLite::Exception.
bool ScheduleEmailRetention(storage::Database& db, SystemTime due, SystemTime now,
                            const Config& config);

class EmailRetention {
 public:
  // Every reference must outlive this object and the runner's use of it.
  EmailRetention(StorageWriter& writer, JobRunner& runner, const Config& config,
                 const Clock& clock);
  ~EmailRetention();
  EmailRetention(const EmailRetention&) = delete;
  EmailRetention& operator=(const EmailRetention&) = delete;

  // Registers the executor and writes the first run unless one is pending.
  // Does nothing when keep_not_leads is zero (kept forever).
  void Start();

 private:
  StorageWriter& writer_;
  JobRunner& runner_;
  const Config& config_;
  const Clock& clock_;
  std::shared_ptr<bool> alive_;  // expires when this object goes
};

}  // namespace leadrouter
