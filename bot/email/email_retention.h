// Keeping not-a-lead mail only as long as inbound_email.keep_not_leads
// says: a job empties the raw bodies of older not-a-lead messages
// (newsletters, bulk mail, forwarding confirmations). Their rows stay, so
// they are still counted (/healthz, `leadrouter_emails_total`) and a
// redelivery is still recognised by its key. Leads, dead letters and
// unknown senders are never purged: someone may still act on them.
//
// The job is a timer, due when the oldest kept body runs out: the first
// not-a-lead message writes it, each run writes the next while bodies
// remain, and a daemon with nothing to purge has no such job at all.
// Thread rule: EmailRetention lives on the loop; its transactions are in
// bot/email/email_retention_tx.h.
#pragma once

#include <memory>

#include "bot/daemon/config.h"
#include "bot/runtime/clock.h"

namespace leadrouter {
namespace storage {
class Database;
}
class JobRunner;
class StorageWriter;

class EmailRetention {
 public:
  // Every reference must outlive this object and the runner's use of it.
  EmailRetention(StorageWriter& writer, JobRunner& runner, const Config& config,
                 const Clock& clock);
  ~EmailRetention();
  EmailRetention(const EmailRetention&) = delete;
  EmailRetention& operator=(const EmailRetention&) = delete;

  // Registers the executor and, when bodies are kept, writes a run due now
  // so that a keep_not_leads shortened since the last start applies at
  // once. Does nothing when keep_not_leads is zero (kept forever).
  void Start();

 private:
  StorageWriter& writer_;
  JobRunner& runner_;
  const Config& config_;
  const Clock& clock_;
  std::shared_ptr<bool> alive_;  // expires when this object goes
};

}  // namespace leadrouter
