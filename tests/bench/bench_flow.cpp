// bench_flow: the hot-lead flow end to end on 127.0.0.1, against slack-sim
// and the real `leadrouter serve` with a temp database. Prints
//   (1) POST of a hot lead -> slack-sim receiving its chat.postMessage
//       (p50/p90/p99, leads sent one after another, times from the sim's
//       own call log),
//   (2) intake throughput with N requests in flight on keep-alive
//       connections (202s per second),
//   (3) the daemon's resident memory idle and after the run,
// and the machine. Not part of the pass/fail suite: exits 1 when a figure
// could not be produced, 2 on bad arguments.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/bench_support.h"
#include "tests/bench/machine.h"
#include "tests/slack_sim/sim_test_client.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"

namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using leadrouter::test::ClientResponse;
using leadrouter::bench::IntakeHeaders;
using leadrouter::bench::kAppToken;
using leadrouter::bench::kBotToken;
using leadrouter::bench::kIntakeToken;
using leadrouter::bench::NowMicros;
using leadrouter::bench::Percentiles;
using leadrouter::test::HttpClient;
using leadrouter::testing::DaemonProcess;
using leadrouter::testing::FreePort;
using leadrouter::testing::TempDir;
using leadrouter::testing::WriteFile;

constexpr char kSharkChannel[] = "C0BENCHSHARK";

// Far above anything the run sends: the sim's per-channel chat.postMessage
// limit (Slack's ~1/s) would otherwise be what (1) measures.
constexpr char kSimPostRate[] = "100000/s";
constexpr char kSimPostBurst[] = "100000";

struct Options {
  int latency_leads = 200;
  int throughput_leads = 4000;
  int in_flight = 16;
  std::chrono::milliseconds first_post_timeout{15000};  // Socket Mode, warm-up
  std::chrono::milliseconds post_timeout{5000};
  std::chrono::milliseconds idle_settle{2000};
  std::string log_level = "info";
  std::string daemon_log;  // copy the daemon's log here at the end
};

constexpr char kUsage[] =
    "usage: bench_flow [--latency-leads N (>= 200)] [--throughput-leads N "
    "(>= 4000)]\n"
    "                  [--in-flight N] [--post-timeout MS] "
    "[--first-post-timeout MS]\n"
    "                  [--idle-settle MS] [--log-level LEVEL] "
    "[--daemon-log PATH]\n"
    "Smaller counts are accepted for a quick try, and flagged in the "
    "output.\n";

std::optional<Options> ParseArgs(int argc, char** argv) {
  Options o;
  int post_timeout = static_cast<int>(o.post_timeout.count());
  int first_post_timeout = static_cast<int>(o.first_post_timeout.count());
  int idle_settle = static_cast<int>(o.idle_settle.count());
  if (!leadrouter::bench::ParseFlags(argc, argv,
                                     {{"--latency-leads", &o.latency_leads},
                                      {"--throughput-leads", &o.throughput_leads},
                                      {"--in-flight", &o.in_flight},
                                      {"--post-timeout", &post_timeout},
                                      {"--first-post-timeout", &first_post_timeout},
                                      {"--idle-settle", &idle_settle}},
                                     {{"--log-level", &o.log_level},
                                      {"--daemon-log", &o.daemon_log}})) {
    return std::nullopt;
  }
  o.post_timeout = std::chrono::milliseconds(post_timeout);
  o.first_post_timeout = std::chrono::milliseconds(first_post_timeout);
  o.idle_settle = std::chrono::milliseconds(idle_settle);
  return o;
}

// A hot lead (pre-approved, cash, a fresh listing) whose e-mail and phone
// are unique to `n`, so no two leads of a run dedupe into one.
std::string HotLead(int n) {
  char phone[32];
  std::snprintf(phone, sizeof phone, "+1 (212) %03d-%04d", 300 + n / 10000,
                n % 10000);
  json lead = {
      {"lead_source", "Zillow Premier"},
      {"contact",
       {{"full_name", "Dana O'Connell"},
        {"email", "bench-" + std::to_string(n) + "@example.com"},
        {"phone", phone}}},
      {"property_inquiry",
       {{"mls_id", "NY-2291837"},
        {"address", "48 West 21st St, Apt 5B, New York, NY 10010"},
        {"price", 1250000},
        {"days_on_market", 6}}},
      {"notes",
       "Pre-approved with Chase, cash offer possible. Can we see it Saturday "
       "morning?"}};
  return lead.dump();
}

std::string Mb(std::optional<long> kb) {
  if (!kb) return "unknown";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f MB",
                static_cast<double>(*kb) / 1024.0);
  return buffer;
}

// The sim's time (µs) of the first successful chat.postMessage to the shark
// tank in its call log, or nullopt. Counts the 429s it passes on the way.
std::optional<int64_t> SharkPostTime(const json& calls, int& rate_limited) {
  if (!calls.is_array()) return std::nullopt;
  for (const json& call : calls) {
    if (call.value("method", "") != "chat.postMessage") continue;
    const json& params = call.value("params", json::object());
    if (!params.is_object() || params.value("channel", "") != kSharkChannel) {
      continue;
    }
    if (call.value("status", 0) == 429) {
      ++rate_limited;
      continue;
    }
    const json& response = call.value("response", json::object());
    if (call.value("status", 0) == 200 && response.is_object() &&
        response.value("ok", false)) {
      return call.value("time_us", int64_t{0});
    }
  }
  return std::nullopt;
}

// (1): one hot lead at a time, each waiting for its post before the next.
// Returns false (with the reason printed) when no post arrives in time.
bool MeasurePostLatency(const Options& o, uint16_t daemon_port,
                        uint16_t sim_port, int& next_lead) {
  std::cout << "\n(1) hot lead POST -> chat.postMessage at slack-sim, "
            << o.latency_leads << " leads one after another"
            << (o.latency_leads < 200 ? " (fewer than the 200 asked for)" : "")
            << "\n    slack-sim runs with --post-rate " << kSimPostRate
            << " --post-burst " << kSimPostBurst
            << " and leadrouter with slack.post_interval = \"1ms\", so neither"
            << " side's per-channel chat.postMessage limit (Slack's ~1/s) is"
            << " what this measures\n";
  HttpClient intake(daemon_port);
  HttpClient sim(sim_port);
  std::vector<double> to_post_ms;
  std::vector<double> to_202_ms;
  int rate_limited = 0;
  for (int i = 0; i < o.latency_leads; ++i) {
    // An empty call log per lead keeps every poll small and makes the first
    // shark-tank post in it this lead's.
    sim.Send("POST", "/_sim/reset", {{"Content-Type", "application/json"}},
             "{}");
    std::string body = HotLead(next_lead++);
    int64_t sent_us = NowMicros();
    ClientResponse r = intake.Send("POST", "/v1/leads", IntakeHeaders(kIntakeToken), body);
    int64_t answered_us = NowMicros();
    if (r.status != 202) {
      std::cout << "    FAILED: lead " << i + 1 << " got HTTP " << r.status
                << ": " << r.body << "\n";
      return false;
    }
    to_202_ms.push_back(static_cast<double>(answered_us - sent_us) / 1000.0);

    auto timeout = i == 0 ? o.first_post_timeout : o.post_timeout;
    auto deadline = SteadyClock::now() + timeout;
    std::optional<int64_t> posted_us;
    while (!posted_us && SteadyClock::now() < deadline) {
      ClientResponse calls = sim.Send("GET", "/_sim/calls");
      posted_us =
          SharkPostTime(json::parse(calls.body, nullptr, false), rate_limited);
      if (!posted_us)
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    if (!posted_us) {
      std::cout << "    FAILED: timeout: no chat.postMessage to "
                << kSharkChannel << " reached slack-sim within "
                << timeout.count() << " ms of lead " << i + 1
                << "'s POST (its 202 came back). Are the Socket Mode client "
                   "and the Slack job executors (slack.post_shark_tank) in "
                   "this build?\n";
      return false;
    }
    to_post_ms.push_back(static_cast<double>(*posted_us - sent_us) / 1000.0);
  }
  std::cout << "    POST -> chat.postMessage: " << Percentiles(to_post_ms)
            << "\n    POST -> 202 (for reference): " << Percentiles(to_202_ms)
            << "\n";
  if (rate_limited > 0) {
    std::cout << "    note: " << rate_limited
              << " chat.postMessage calls were answered 429 on the way\n";
  }
  return true;
}

// (2): `in_flight` threads, each with one keep-alive connection, take lead
// numbers from a shared counter until `throughput_leads` are sent.
bool MeasureThroughput(const Options& o, uint16_t daemon_port, int& next_lead) {
  std::cout << "\n(2) intake throughput: " << o.throughput_leads
            << " hot leads, " << o.in_flight
            << " requests in flight on keep-alive connections"
            << (o.throughput_leads < 4000 ? " (fewer than the 4,000 asked for)"
                                          : "")
            << "\n";
  std::vector<std::string> bodies;
  bodies.reserve(static_cast<size_t>(o.throughput_leads));
  for (int i = 0; i < o.throughput_leads; ++i)
    bodies.push_back(HotLead(next_lead++));

  std::atomic<int> next{0};
  std::atomic<int> accepted{0};
  std::atomic<int> other{0};
  std::atomic<int> connections{0};
  std::mutex first_error_mu;
  std::string first_error;
  std::latch ready(o.in_flight + 1);
  std::latch go(1);
  std::vector<std::thread> threads;
  for (int t = 0; t < o.in_flight; ++t) {
    threads.emplace_back([&] {
      HttpClient client(daemon_port, "127.0.0.1", std::chrono::seconds(30));
      try {
        client.Send("GET", "/healthz");  // connect before the clock starts
      } catch (const std::exception&) {
      }
      ready.count_down();
      go.wait();
      for (int i = next++; i < o.throughput_leads; i = next++) {
        try {
          ClientResponse r = client.Send("POST", "/v1/leads", IntakeHeaders(kIntakeToken),
                                         bodies[static_cast<size_t>(i)]);
          if (r.status == 202) {
            ++accepted;
            continue;
          }
          ++other;
          std::lock_guard<std::mutex> lock(first_error_mu);
          if (first_error.empty()) {
            first_error = "HTTP " + std::to_string(r.status) + ": " + r.body;
          }
        } catch (const std::exception& e) {
          ++other;
          std::lock_guard<std::mutex> lock(first_error_mu);
          if (first_error.empty()) first_error = e.what();
        }
      }
      connections += client.connections_opened();
    });
  }
  ready.arrive_and_wait();
  SteadyClock::time_point start = SteadyClock::now();
  go.count_down();
  for (std::thread& t : threads) t.join();
  double seconds =
      std::chrono::duration<double>(SteadyClock::now() - start).count();

  char line[160];
  std::snprintf(line, sizeof line,
                "    %d x 202 in %.3f s: %.0f leads/s (%d TCP connections)\n",
                accepted.load(), seconds, accepted.load() / seconds,
                connections.load());
  std::cout << line;
  if (other > 0) {
    std::cout << "    FAILED: " << other.load()
              << " requests were not answered 202; first: " << first_error
              << "\n";
    return false;
  }
  return true;
}

std::string Config(uint16_t port, uint16_t sim_port, const std::string& db,
                   const std::string& log_level) {
  // Our own per-channel pacing (Slack's ~1/s) lifted too, for the same
  // reason as the sim's: (1) measures our path, not the channel limit.
  return leadrouter::bench::DaemonConfig(port, sim_port, db, kSharkChannel, log_level,
                                         "post_interval = \"1ms\"\npost_burst = 100000\n") +
         "[[agents]]\nslack_id = \"U0BENCHANA\"\nname = \"Ana\"\n"
         "[[agents]]\nslack_id = \"U0BENCHBEN\"\nname = \"Ben\"\n";
}

int Run(const Options& o) {
  std::cout << "leadrouter bench_flow (" << LEADROUTER_BUILD_TYPE
            << " build)\nmachine: " << leadrouter::bench::DescribeMachine()
            << "\n";
  // The children are forked: what is still buffered would be written twice.
  std::cout.flush();
  std::fflush(stdout);

  slack_sim_test::SimProcess sim({"--bot-token", kBotToken, "--app-token",
                                  kAppToken, "--post-rate", kSimPostRate,
                                  "--post-burst", kSimPostBurst});
  TempDir dir;
  uint16_t port = FreePort();
  std::unique_ptr<DaemonProcess> started = leadrouter::bench::StartDaemon(
      dir, Config(port, sim.port(), dir.File("bench.db"), o.log_level));
  DaemonProcess& daemon = *started;
  if (!daemon.WaitForPort(port)) {
    std::cout << "FAILED: leadrouter serve did not start:\n"
              << daemon.Log() << "\n";
    return 1;
  }
  std::cout << "daemon: leadrouter serve, log level " << o.log_level
            << " (JSON to a file); SQLite file on "
            << leadrouter::bench::FileSystemType(dir.path()) << " in "
            << dir.path()
            << " (every commit waits for its fsync; set TMPDIR to move it)"
            << "\nslack-sim on 127.0.0.1:" << sim.port() << "\n";

  std::this_thread::sleep_for(o.idle_settle);
  std::optional<long> idle_kb =
      leadrouter::bench::ProcStatusKb(daemon.pid(), "VmRSS");

  int next_lead = 0;
  bool latency_ok = MeasurePostLatency(o, port, sim.port(), next_lead);
  bool throughput_ok = MeasureThroughput(o, port, next_lead);

  std::optional<long> after_kb =
      leadrouter::bench::ProcStatusKb(daemon.pid(), "VmRSS");
  std::optional<long> peak_kb =
      leadrouter::bench::ProcStatusKb(daemon.pid(), "VmHWM");
  std::cout << "\n(3) daemon resident memory (VmRSS): idle " << Mb(idle_kb)
            << " (" << o.idle_settle.count()
            << " ms after start), after the run " << Mb(after_kb) << ", peak "
            << Mb(peak_kb) << "\n";

  bool alive = daemon.running();
  if (!alive) std::cout << "FAILED: the daemon died:\n" << daemon.Log() << "\n";
  bool ok = latency_ok && throughput_ok && alive && idle_kb && after_kb;
  std::cout << "\n"
            << (ok ? "all figures produced"
                   : "some figures missing (see FAILED above)")
            << "\n";
  daemon.Stop(SIGTERM);
  if (!o.daemon_log.empty()) WriteFile(o.daemon_log, daemon.Log());
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return leadrouter::bench::Main(argc, argv, kUsage, ParseArgs, Run);
}
