// What the benchmark reports about where it ran: the machine, and the
// resident memory of a process. Linux only (/proc). For tests/bench only.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace leadrouter::bench {

// One line: CPU model, online cores, total memory, kernel, load average
// (the machine may be shared, and the figures mean little under load).
std::string DescribeMachine();

// The file system holding `path` ("ext4", "tmpfs", …, or its magic number
// in hex): SQLite's fsync on commit costs what that file system makes it.
std::string FileSystemType(const std::string& path);

// A "kB" field of /proc/PID/status ("VmRSS", "VmHWM") in kibibytes;
// nullopt when the process or the field is gone.
std::optional<long> ProcStatusKb(pid_t pid, const std::string& field);

}  // namespace leadrouter::bench
