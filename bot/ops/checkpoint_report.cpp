#include "bot/ops/checkpoint_report.h"

#include "bot/daemon/log.h"
#include "bot/metrics/metrics.h"

namespace leadrouter {
namespace {

bool PowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

}  // namespace

void ReportCheckpoint(const storage::WalCheckpointer::Report& report) {
  const char* by = report.on_commit ? "commit" : "thread";
  metrics::Global().Checkpoint(by, !report.ok        ? "failed"
                                   : report.complete ? "complete"
                                                     : "partial");
  if (!report.ok && PowerOfTwo(report.failures_in_a_row)) {
    logging::Error("storage.checkpoint_failed",
                   {{"error", report.error},
                    {"failures_in_a_row", report.failures_in_a_row},
                    {"wal_pages", report.wal_pages},
                    {"by", by},
                    {"detail",
                     "the WAL grows with every commit until a checkpoint copies it into "
                     "the database file: check the disk's free space and its errors"}});
  } else if (report.ok && report.failures_before > 0) {
    logging::Info("storage.checkpoint_recovered",
                  {{"failures_before", report.failures_before},
                   {"wal_pages", report.wal_pages},
                   {"by", by}});
  }
}

}  // namespace leadrouter
