// DaemonProcess: runs the real `leadrouter` binary (or a stand-in) for
// integration tests, with a minimal environment and its output captured to
// a file the test can read. Starting and stopping is bot/process's
// ChildProcess, the same helper `leadrouter demo` uses.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bot/process/child_process.h"

namespace leadrouter::testing {

// A free TCP port on 127.0.0.1 (bound then released; good enough for tests).
uint16_t FreePort();

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& content);
std::string ReadFile(const std::string& path);

class DaemonProcess {
 public:
  // `args` follow the binary name; `env` is added to a minimal environment
  // (PATH and HOME only, so the developer's own tokens never leak in).
  DaemonProcess(std::vector<std::string> args,
                std::map<std::string, std::string> env,
                std::string log_path);
  // The same for any other program (the Slack stand-in, a local SMTP
  // server): `binary` is an absolute path.
  DaemonProcess(std::string binary, std::vector<std::string> args,
                std::map<std::string, std::string> env, std::string log_path);
  ~DaemonProcess();  // SIGKILL if still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Polls until something accepts connections on 127.0.0.1:port; false on
  // timeout or when the process exits first.
  bool WaitForPort(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Sends `signal` and waits for the exit; returns the exit status
  // (WEXITSTATUS) or 128+signal when killed by a signal. A process still
  // running after `timeout` is killed (SIGKILL, so 137).
  int Stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits for the process to exit by itself; -1 on timeout.
  int Wait(std::chrono::milliseconds timeout) { return child_.Wait(timeout); }
  bool running() { return child_.running(); }
  // The child's process id while it runs (e.g. for /proc/PID/status);
  // -1 once it has been reaped.
  pid_t pid() const { return child_.pid(); }
  std::string Log() const;

 private:
  ChildProcess child_;
  std::string log_path_;
};

// Waits for a stand-in that prints "PORT <n>" as its first line (the
// Python stand-ins in tests/support) and returns n. Throws
// std::runtime_error naming `what`, with its log, when the child exits or
// prints nothing within `timeout`.
uint16_t WaitForPrintedPort(DaemonProcess& child, const std::string& what,
                            std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Runs the binary to completion and returns {exit code, stdout+stderr}.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult RunBinary(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env = {},
                    const std::string& stdin_data = "");

}  // namespace leadrouter::testing
