// ChildProcess: a program the demo starts and owns (slack-sim, the daemon),
// with its stdout and stderr in a log file and an environment made only of
// what the caller passes. The child dies with the demo (PR_SET_PDEATHSIG),
// so even a killed demo leaves nothing running; it runs in its own process
// group, so a Ctrl-C at the terminal reaches only the demo.
// Thread rule: one thread; not copyable.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace leadrouter::demo {

class ChildProcess {
 public:
  ChildProcess() = default;
  // SIGTERM, then SIGKILL if it has not exited within a few seconds.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts `argv[0]` (a path) with `argv` and exactly `env`, its output
  // appended to `log_path`. Returns false with `error` set when it cannot
  // fork; a failed exec shows as exit code 127. REQUIRES: not running.
  bool Start(const std::vector<std::string>& argv,
             const std::map<std::string, std::string>& env,
             const std::string& log_path, std::string* error);

  bool running();
  // Exit code (128 + signal when killed); -1 while it runs or never ran.
  int exit_code() const { return exit_code_; }
  // Sends `signal`, waits up to `timeout`, then SIGKILL. Returns the exit
  // code. Harmless when not running.
  int Stop(int signal, std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace leadrouter::demo
