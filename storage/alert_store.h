// AlertStore: the durable state of the ops alert groups (see
// pipeline/alert_group.h), one row per group key ("dead_letters:slack",
// "crm_unmatched", "slack_connection", "volume:zillow premier"), so that
// a restart in the middle of an outage neither alerts again nor forgets to
// send the recovery note.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself. Every method
// throws SQLite::Exception on a database failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/alert_group.h"
#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct AlertGroup {
  std::string key;
  pipeline::AlertGroupState state;
  std::optional<int64_t> alert_job_id;  // the opening alert's job
  std::optional<TimePoint> closed_at;   // set while the group is closed
};

class AlertStore {
 public:
  // `db` must outlive this object.
  explicit AlertStore(SQLite::Database& db) : db_(db) {}

  // The group stored under `key`, open or closed; nullopt when the key was
  // never used. Times come back to the millisecond.
  std::optional<AlertGroup> Get(const std::string& key);

  // Writes `group` under its key, replacing what was there. `closed_at`
  // is stored only while the group is closed.
  void Put(const AlertGroup& group, TimePoint now);

  // The keys of every open group, sorted.
  std::vector<std::string> OpenKeys();

  // Whether a job of exactly `kind` is pending (an alert timer already set).
  bool HasPendingJob(const std::string& kind);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
