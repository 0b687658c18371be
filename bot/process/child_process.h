// ChildProcess: a program started and owned by this process (slack-sim and
// the daemon for `leadrouter demo`; the daemon and the stand-ins for the
// end-to-end tests), with its output in files and an environment made only
// of what the caller passes. The child dies with the thread that started it
// (PR_SET_PDEATHSIG), so even a killed parent leaves nothing running; it
// runs in its own process group, so a Ctrl-C at the terminal reaches only
// the parent, which then stops its children itself, in order.
// Thread rule: one thread; not copyable.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace leadrouter {

struct ChildOptions {
  std::vector<std::string> argv;           // argv[0] is the program's path
  std::map<std::string, std::string> env;  // the child's whole environment
  std::string stdin_path;                  // empty: /dev/null
  std::string stdout_path;                 // empty: /dev/null
  std::string stderr_path;                 // empty: the same file as stdout
  bool append = true;                      // false: the files start empty
};

class ChildProcess {
 public:
  ChildProcess() = default;
  // SIGTERM, then SIGKILL if it has not exited within a few seconds.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts `options.argv[0]`. Returns false with `error` set when it cannot
  // fork; a failed exec (or an output file that cannot be opened) shows as
  // exit code 127. REQUIRES: not running, argv not empty.
  bool Start(const ChildOptions& options, std::string* error);
  // The same with stdout and stderr appended to `log_path`.
  bool Start(const std::vector<std::string>& argv,
             const std::map<std::string, std::string>& env,
             const std::string& log_path, std::string* error);

  bool running();
  // The child's process id while it runs; -1 once it has been reaped.
  pid_t pid() const { return pid_; }
  // Exit code (128 + signal when killed); -1 while it runs or never ran.
  int exit_code() const { return exit_code_; }
  // Waits up to `timeout` for the child to exit by itself. Returns its exit
  // code, or -1 when it still runs.
  int Wait(std::chrono::milliseconds timeout);
  // Waits however long the child takes. Returns its exit code.
  int WaitForExit();
  // Sends `signal`, waits up to `timeout`, then SIGKILL. Returns the exit
  // code. Harmless when not running.
  int Stop(int signal, std::chrono::milliseconds timeout);

 private:
  void Reaped(int status);

  pid_t pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace leadrouter
