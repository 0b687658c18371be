// CheckpointReport: what the admin is told of SQLite's WAL checkpoints. One
// that fails (a full or failing disk) leaves the WAL to grow with every
// commit, and reads to slow with it, while leads are still taken in: easy to
// miss. The first failure of a run is logged as an error, then each time the
// run doubles, so a disk that stays full is neither silent nor a line a
// commit; the checkpoint that ends a run says so. Every checkpoint is
// counted in leadrouter_sqlite_checkpoints_total.
// Thread-safe: called on the checkpointer's thread or the writer's.
#pragma once

#include "storage/wal_checkpointer.h"

namespace leadrouter {

void ReportCheckpoint(const storage::WalCheckpointer::Report& report);

}  // namespace leadrouter
