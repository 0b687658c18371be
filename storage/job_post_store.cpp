#include "storage/job_post_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "storage/cached_statement.h"

namespace leadrouter::storage {

std::optional<JobPost> JobPostStore::Get(int64_t job_id) {
  CachedStatement q(
      db_, "SELECT channel, ts, intent_at FROM job_posts WHERE job_id = ?");
  q.bind(1, job_id);
  if (!q.executeStep()) return std::nullopt;
  JobPost post;
  post.job_id = job_id;
  post.channel = q.getColumn(0).getString();
  if (!q.isColumnNull(1)) post.ts = q.getColumn(1).getString();
  post.intent_at = FromMillis(q.getColumn(2).getInt64());
  return post;
}

std::optional<JobPost> JobPostStore::Intend(int64_t job_id,
                                            const std::string& channel,
                                            TimePoint now) {
  std::optional<JobPost> before = Get(job_id);
  if (before) {
    if (!before->posted() && before->channel != channel) {
      CachedStatement update(
          db_, "UPDATE job_posts SET channel = ? WHERE job_id = ?");
      update.bind(1, channel);
      update.bind(2, job_id);
      update.exec();
      before->channel = channel;
    }
    return before;
  }
  CachedStatement insert(
      db_,
      "INSERT INTO job_posts (job_id, channel, intent_at) VALUES (?, ?, ?)");
  insert.bind(1, job_id);
  insert.bind(2, channel);
  insert.bind(3, ToMillis(now));
  insert.exec();
  return std::nullopt;
}

void JobPostStore::Withdraw(int64_t job_id) {
  CachedStatement drop(db_, "DELETE FROM job_posts WHERE job_id = ? AND ts IS NULL");
  drop.bind(1, job_id);
  drop.exec();
}

void JobPostStore::RecordPosted(int64_t job_id, const std::string& channel,
                                const std::string& ts, TimePoint now) {
  CachedStatement upsert(
      db_,
      "INSERT INTO job_posts (job_id, channel, ts, intent_at, posted_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET "
      "channel = excluded.channel, ts = excluded.ts, "
      "posted_at = excluded.posted_at");
  upsert.bind(1, job_id);
  upsert.bind(2, channel);
  upsert.bind(3, ts);
  upsert.bind(4, ToMillis(now));
  upsert.bind(5, ToMillis(now));
  upsert.exec();
}

}  // namespace leadrouter::storage
