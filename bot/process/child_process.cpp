#include "bot/process/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace leadrouter {
namespace {

// How long a child gets to exit after SIGTERM before it is killed.
constexpr std::chrono::seconds kGraceOnDestroy{5};
// How often a wait looks whether the child has exited.
constexpr std::chrono::milliseconds kPollInterval{10};

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// In the child: puts `path` (or /dev/null) on `target`; false when it
// cannot be opened.
bool Redirect(const char* path, int flags, int target) {
  const int fd = ::open(path, flags, 0600);
  if (fd < 0) return false;
  if (fd != target) {
    ::dup2(fd, target);
    ::close(fd);
  }
  return true;
}

}  // namespace

ChildProcess::~ChildProcess() { Stop(SIGTERM, kGraceOnDestroy); }

bool ChildProcess::Start(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env,
                         const std::string& log_path, std::string* error) {
  ChildOptions options;
  options.argv = argv;
  options.env = env;
  options.stdout_path = log_path;
  return Start(options, error);
}

bool ChildProcess::Start(const ChildOptions& options, std::string* error) {
  // Everything the child needs is built before fork: only async-signal-safe
  // calls may run between fork and exec.
  std::vector<std::string> args = options.argv;
  std::vector<std::string> vars;
  for (const auto& [key, value] : options.env) vars.push_back(key + "=" + value);
  std::vector<char*> c_args = CStrings(args);
  std::vector<char*> c_vars = CStrings(vars);
  const std::string in = options.stdin_path.empty() ? "/dev/null" : options.stdin_path;
  const std::string out =
      options.stdout_path.empty() ? "/dev/null" : options.stdout_path;
  const bool separate_err =
      !options.stderr_path.empty() && options.stderr_path != options.stdout_path;
  const int out_flags = O_WRONLY | O_CREAT | (options.append ? O_APPEND : O_TRUNC);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    // The parent may have died before prctl took effect.
    if (::getppid() != parent) ::_exit(127);
    ::setpgid(0, 0);
    if (!Redirect(in.c_str(), O_RDONLY, STDIN_FILENO) ||
        !Redirect(out.c_str(), out_flags, STDOUT_FILENO)) {
      ::_exit(127);
    }
    if (separate_err) {
      if (!Redirect(options.stderr_path.c_str(), out_flags, STDERR_FILENO)) ::_exit(127);
    } else {
      ::dup2(STDOUT_FILENO, STDERR_FILENO);
    }
    ::execve(c_args[0], c_args.data(), c_vars.data());
    ::_exit(127);
  }
  pid_ = pid;
  exit_code_ = -1;
  return true;
}

void ChildProcess::Reaped(int status) {
  exit_code_ = DecodeStatus(status);
  pid_ = -1;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    Reaped(status);
    return false;
  }
  if (r < 0 && errno == ECHILD) {
    exit_code_ = -1;
    pid_ = -1;
    return false;
  }
  return true;
}

int ChildProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(kPollInterval);
  }
  return exit_code_;
}

int ChildProcess::WaitForExit() {
  if (pid_ <= 0) return exit_code_;
  int status = 0;
  pid_t r = 0;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    Reaped(status);
  } else {
    exit_code_ = -1;
    pid_ = -1;
  }
  return exit_code_;
}

int ChildProcess::Stop(int signal, std::chrono::milliseconds timeout) {
  if (!running()) return exit_code_;
  ::kill(pid_, signal);
  if (Wait(timeout) == -1 && running()) {
    ::kill(pid_, SIGKILL);
    WaitForExit();
  }
  return exit_code_;
}

}  // namespace leadrouter
