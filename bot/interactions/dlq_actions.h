// Dead letters, for the people who fix them: `/leads dlq` lists the dead
// jobs with a Replay and a Drop button each, and the buttons act on them.
// The same replay and drop back the `leadrouter dlq` shell command, so a
// job revived from Slack or from a shell leaves the same trace.
// Thread rule: storage writer thread, inside the caller's transaction (see
// bot/interactions/slash_command.h); every function throws SQLite::Exception on
// a database failure (the caller rolls back).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/runtime/system_time.h"
#include "bot/daemon/config.h"
#include "bot/interactions/lead_actions.h"
#include "bot/interactions/slash_command.h"
#include "storage/job_store.h"

namespace leadrouter {
namespace storage {
class Database;
}

// Dead jobs to put on one screen, the most recent death first: at most
// `limit` of them and how many there are in all.
struct DeadLetters {
  std::vector<storage::Job> jobs;
  int64_t total = 0;
};
DeadLetters ListDeadLetters(storage::Database& db, size_t limit);

// Replays dead job `job_id` (pending again, attempts reset, due at `now`)
// and, when the job belongs to a lead that still exists, appends a
// 'dead_letter_replayed' timeline event {job_id, kind, by}. `by` is a Slack
// user id or "shell". Returns the job as it was before, or nullopt (and
// changes nothing) when `job_id` names no dead job.
std::optional<storage::Job> ReplayDeadLetter(storage::Database& db,
                                             int64_t job_id,
                                             const std::string& by,
                                             SystemTime now);

// The same for Drop: the job is cancelled for good, and the timeline event
// is 'dead_letter_dropped'.
std::optional<storage::Job> DropDeadLetter(storage::Database& db,
                                           int64_t job_id,
                                           const std::string& by,
                                           SystemTime now);

// `/leads dlq`: for a manager, the Block Kit list (bot/slack/block_kit.h
// DeadLetterList) with a short text fallback; for anyone else a refusal.
// Reads only.
SlashReply RunDlqList(storage::Database& db, const SlashCommand& cmd,
                      SystemTime now, const Config& config);

// The Replay and Drop buttons (value = job id). A manager's click acts and
// gets an ephemeral confirmation; a click on a job that is no longer dead
// (someone was quicker) says so and changes nothing; anyone else gets an
// ephemeral refusal and nothing changes. The dispatcher wakes the job
// runner after the commit, so a replayed job runs at once.
void ApplyDlqReplay(storage::Database& db, const Click& click, SystemTime now,
                    const Config& config);
void ApplyDlqDrop(storage::Database& db, const Click& click, SystemTime now,
                  const Config& config);

// What every dead-letter button shares: whether `user` is one of
// slack.managers, the id a button's value carries (nullopt unless a
// positive decimal), and an ephemeral answer to the clicker (a job).
bool IsDlqManager(const Config& config, const std::string& user);
std::optional<int64_t> DlqIdOf(const std::string& value);
void TellClicker(storage::Database& db, const Click& click, const std::string& text,
                 SystemTime now, const Config& config);

}  // namespace leadrouter
