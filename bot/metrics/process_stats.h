// ProcessStats: this process's own figures from /proc (Linux), for the
// process_* metrics every Prometheus exporter reports.
#pragma once

#include <optional>

namespace leadrouter::metrics {

struct ProcessStats {
  double cpu_seconds = 0;        // user + system
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0; // since the Unix epoch
  double open_fds = 0;
  double max_fds = 0;            // RLIMIT_NOFILE's soft limit
};

// Reads /proc/self; nullopt where /proc is not there to read.
std::optional<ProcessStats> ReadProcessStats();

}  // namespace leadrouter::metrics
