// A flood of idle connections against a daemon with few descriptors: the
// real `leadrouter serve` started under `ulimit -n`, 1,100 connections that
// never send a byte, then a real lead.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/intake_daemon.h"

namespace {

using namespace std::chrono_literals;
using leadrouter::test::HttpClient;
using leadrouter::test::RawConnection;
using leadrouter::testing::DaemonProcess;
using leadrouter::testing::Fixture;
using leadrouter::testing::FreePort;
using leadrouter::testing::JsonAuth;
using leadrouter::testing::TempDir;
using leadrouter::testing::WriteFile;

// utime + stime of a process, in seconds, from /proc/PID/stat.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start at ") ".
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 13; ++i) rest >> field;  // state … cmajflt
  double utime = 0, stime = 0;
  rest >> utime >> stime;
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The test's own side needs more than the 1,100 sockets.
void RaiseOwnDescriptorLimit() {
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  limit.rlim_cur = limit.rlim_max;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
  REQUIRE(limit.rlim_cur >= 1300);
}

}  // namespace

TEST_CASE("1,100 idle connections against 512 descriptors: a lead still gets "
          "its 202 at once and the daemon does not spin",
          "[integration][intake][descriptors]") {
  RaiseOwnDescriptorLimit();
  TempDir dir;
  const uint16_t port = FreePort();
  WriteFile(dir.File("leadrouter.toml"),
            "[server]\nlisten = \"127.0.0.1:" + std::to_string(port) +
                "\"\n[storage]\npath = \"" + dir.File("leads.db") + "\"\n");
  // The shell lowers the limit, then becomes the daemon (same process id).
  DaemonProcess daemon(
      "/bin/sh",
      {"-c", "ulimit -n 512 && exec \"$0\" \"$@\"", LEADROUTER_BINARY, "serve",
       "--config", dir.File("leadrouter.toml"), "--log-format", "json"},
      {{"LEADROUTER_INTAKE_TOKEN", leadrouter::testing::kIntakeToken}},
      dir.File("daemon.log"));
  REQUIRE(daemon.WaitForPort(port));
  // The cap comes from the limit, with room kept for everything else.
  const std::string log = daemon.Log();
  CHECK(log.find("\"descriptor_limit\":512") != std::string::npos);
  CHECK(log.find("\"max_connections\":192") != std::string::npos);

  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 1100; ++i) {
    idle.push_back(std::make_unique<RawConnection>(port));
  }
  // The last of the flood is answered: the daemon has taken the whole
  // listen queue in (the oldest idle connections making room), not spun
  // on it.
  idle.back()->Write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(idle.back()->ReadUntil("\r\n\r\n", 15s).find("200 OK") !=
          std::string::npos);
  const auto sent = std::chrono::steady_clock::now();
  HttpClient client(port);
  auto r = client.Send("POST", "/v1/leads", JsonAuth(),
                       Fixture("portal-nested.json"));
  const auto waited = std::chrono::steady_clock::now() - sent;
  REQUIRE(r.status == 202);
  CHECK(nlohmann::json::parse(r.body)["status"] == "accepted");
  CHECK(waited < 2s);
  // The oldest idle connections made room.
  idle.front()->ReadUntilClosed(2s);
  CHECK(idle.front()->peer_closed());

  // With the flood still open, the daemon sits nearly still.
  const double cpu_before = CpuSeconds(daemon.pid());
  std::this_thread::sleep_for(1s);
  CHECK(CpuSeconds(daemon.pid()) - cpu_before < 0.3);
  CHECK(daemon.Log().find("out of file descriptors") == std::string::npos);
  // Still taking leads.
  HttpClient later(port);
  CHECK(later.Send("POST", "/v1/leads", JsonAuth(),
                   Fixture("webform-flat.json"))
            .status == 202);
}
