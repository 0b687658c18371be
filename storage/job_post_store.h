// JobPostStore: what each posting job did in Slack, so that a job run again
// (after a crash, a lost answer, a retry) posts at most once. A job writes
// its intent (the channel) before it calls Slack, and the message (ts) once
// Slack accepted it. A job that finds its message recorded is done; one that
// finds only its intent may have posted without hearing the answer, and
// looks the message up in Slack (by the job id in its metadata) before
// posting again.
// Thread rule: storage writer thread only; borrows its connection. Runs
// inside the caller's transaction and never opens one itself. Every method
// throws SQLite::Exception on a database failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/time_point.h"

namespace SQLite {
class Database;
}

namespace leadrouter::storage {

struct JobPost {
  int64_t job_id = 0;
  std::string channel;
  std::string ts;  // "" while only the intent is recorded
  TimePoint intent_at;
  bool posted() const { return !ts.empty(); }
};

class JobPostStore {
 public:
  // `db` must outlive this object.
  explicit JobPostStore(SQLite::Database& db) : db_(db) {}

  std::optional<JobPost> Get(int64_t job_id);

  // Returns what an earlier run of the job recorded, if anything; when
  // nothing, records the intent to post to `channel` at `now` and returns
  // nullopt. An earlier intent is left as it is (its time bounds the
  // lookup), but takes `channel` if it named another one.
  std::optional<JobPost> Intend(int64_t job_id, const std::string& channel,
                                TimePoint now);

  // Forgets the job's intent when Slack answered that it did not post (a
  // 429, an error code): the next try need not look for a message. A
  // recorded message is kept.
  void Withdraw(int64_t job_id);

  // Records that the job's message is (channel, ts); recording it again is
  // harmless. Works with or without an intent before it.
  void RecordPosted(int64_t job_id, const std::string& channel,
                    const std::string& ts, TimePoint now);

 private:
  SQLite::Database& db_;
};

}  // namespace leadrouter::storage
