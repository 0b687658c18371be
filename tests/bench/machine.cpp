#include "tests/bench/machine.h"

#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace leadrouter::bench {
namespace {

// The value after "key:" on the first line of `path` that starts with
// `key`, trimmed; "" when there is none.
std::string ProcField(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    std::string::size_type colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    std::string::size_type start = value.find_first_not_of(" \t");
    return start == std::string::npos ? "" : value.substr(start);
  }
  return "";
}

}  // namespace

std::string DescribeMachine() {
  std::ostringstream out;
  std::string cpu = ProcField("/proc/cpuinfo", "model name");
  out << (cpu.empty() ? "unknown CPU" : cpu) << ", "
      << sysconf(_SC_NPROCESSORS_ONLN) << " cores online";
  std::string mem = ProcField("/proc/meminfo", "MemTotal");
  if (!mem.empty()) {
    std::istringstream kb(mem);
    long total = 0;
    kb >> total;
    out.setf(std::ios::fixed);
    out.precision(1);
    out << ", " << static_cast<double>(total) / (1024.0 * 1024.0)
        << " GiB memory";
  }
  utsname u{};
  if (uname(&u) == 0) out << ", " << u.sysname << " " << u.release;
  std::ifstream load("/proc/loadavg");
  double one = 0;
  if (load >> one) out << ", load average " << one << " at start";
  return out.str();
}

std::string FileSystemType(const std::string& path) {
  struct statfs fs {};
  if (statfs(path.c_str(), &fs) != 0) return "unknown";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53UL:
      return "ext4";
    case 0x01021994UL:
      return "tmpfs";
    case 0x9123683EUL:
      return "btrfs";
    case 0x58465342UL:
      return "xfs";
    case 0x794C7630UL:
      return "overlayfs";
    default: {
      std::ostringstream hex;
      hex << "fs 0x" << std::hex << static_cast<unsigned long>(fs.f_type);
      return hex.str();
    }
  }
}

std::optional<long> ProcStatusKb(pid_t pid, const std::string& field) {
  if (pid <= 0) return std::nullopt;
  std::string value =
      ProcField("/proc/" + std::to_string(pid) + "/status", field + ":");
  if (value.empty()) return std::nullopt;
  std::istringstream in(value);
  long kb = 0;
  if (!(in >> kb)) return std::nullopt;
  return kb;
}

}  // namespace leadrouter::bench
