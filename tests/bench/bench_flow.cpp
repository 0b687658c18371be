// bench_flow: the hot-lead flow end to end on 127.0.0.1, against slack-sim
// and the real `leadrouter serve` with a temp database. Prints
//   (1) POST of a hot lead -> slack-sim receiving its chat.postMessage
//       (p50/p90/p99, leads sent one after another, times from the sim's
//       own call log), with leadrouter's stage breakdown of the same leads
//       (GET /v1/testing/stages: request read, pipeline, commit, hand-over
//       to the job runner, request to Slack written, answer read),
//   (2) intake throughput with N and with 64 requests in flight on
//       keep-alive connections (202s per second),
//   (3) the daemon's resident memory idle and after the run,
// and the machine. With --peer-dir (or LEADROUTER_BOLT_PEER), the same
// figures for the Bolt peer (tests/bench/bolt_peer.h) against its own
// slack-sim in the same run, and the ratios. Not part of the pass/fail suite: exits 1 when a figure
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
#include "tests/bench/bolt_peer.h"
#include "tests/bench/machine.h"
#include "tests/slack_sim/sim_test_client.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "storage/percentile.h"

namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using leadrouter::test::ClientResponse;
using leadrouter::bench::HotLead;
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
  int in_flight_high = 64;
  std::chrono::milliseconds first_post_timeout{15000};  // Socket Mode, warm-up
  std::chrono::milliseconds post_timeout{5000};
  std::chrono::milliseconds idle_settle{2000};
  std::string log_level = "info";
  std::string daemon_log;  // copy the daemon's log here at the end
  std::string peer_dir;    // a prepared copy of the Bolt peer; "" skips it
};

constexpr char kUsage[] =
    "usage: bench_flow [--latency-leads N (>= 200)] [--throughput-leads N "
    "(>= 4000)]\n"
    "                  [--in-flight N] [--in-flight-high N] [--post-timeout MS] "
    "[--first-post-timeout MS]\n"
    "                  [--idle-settle MS] [--log-level LEVEL] "
    "[--daemon-log PATH]\n"
    "                  [--peer-dir DIR (a copy of peer-bolt.mjs with npm "
    "install done;\n"
    "                   default $LEADROUTER_BOLT_PEER; none: leadrouter alone)]\n"
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
                                      {"--in-flight-high", &o.in_flight_high},
                                      {"--post-timeout", &post_timeout},
                                      {"--first-post-timeout", &first_post_timeout},
                                      {"--idle-settle", &idle_settle}},
                                     {{"--log-level", &o.log_level},
                                      {"--daemon-log", &o.daemon_log},
                                      {"--peer-dir", &o.peer_dir}})) {
    return std::nullopt;
  }
  if (o.peer_dir.empty()) {
    if (const char* env = std::getenv("LEADROUTER_BOLT_PEER")) o.peer_dir = env;
  }
  o.post_timeout = std::chrono::milliseconds(post_timeout);
  o.first_post_timeout = std::chrono::milliseconds(first_post_timeout);
  o.idle_settle = std::chrono::milliseconds(idle_settle);
  return o;
}

// One side of the comparison: where its intake listens, the sim it posts
// to and the channel its hot leads go to.
struct Side {
  std::string name;
  uint16_t intake_port = 0;
  uint16_t sim_port = 0;
  std::string shark_channel;
  leadrouter::test::HeaderList headers;
  bool stages = false;  // serves GET /v1/testing/stages
  pid_t pid = -1;
};

// What a side measured; unset when it could not be.
struct Figures {
  std::optional<double> p50_ms, p99_ms;
  std::map<int, double> leads_per_s;  // by requests in flight
  std::optional<long> idle_kb, after_kb;
};

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

// The sim's time (µs) of the first successful chat.postMessage to
// `channel` in its call log, or nullopt. Counts the 429s on the way.
std::optional<int64_t> SharkPostTime(const json& calls, const std::string& channel,
                                     int& rate_limited) {
  if (!calls.is_array()) return std::nullopt;
  for (const json& call : calls) {
    if (call.value("method", "") != "chat.postMessage") continue;
    const json& params = call.value("params", json::object());
    if (!params.is_object() || params.value("channel", "") != channel) {
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

// leadrouter's stages, in order: the mark that ends each and its label.
constexpr std::pair<const char*, const char*> kStages[] = {
    {"request_read", "request read (client write + server read)"},
    {"pipeline_done", "pipeline"},
    {"committed", "commit (writer queue + transaction + fsync)"},
    {"handed_over", "job handed to the runner (thread hop)"},
    {"slack_written", "request to Slack written"},
    {"slack_answered", "answer read"},
};

// The stage durations (ms) of the lead sent at `sent_ns`, once its answer
// from Slack was read; nullopt when a stage is older than the lead (not
// passed by it) or the marks do not arrive within a second.
std::optional<std::vector<double>> ReadStages(HttpClient& daemon, int64_t sent_ns) {
  auto deadline = SteadyClock::now() + std::chrono::seconds(1);
  while (SteadyClock::now() < deadline) {
    json marks = json::parse(daemon.Send("GET", "/v1/testing/stages").body, nullptr, false);
    if (!marks.is_object()) return std::nullopt;
    if (marks.value("slack_answered", int64_t{0}) < sent_ns) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      continue;
    }
    std::vector<double> ms;
    int64_t previous = sent_ns;
    for (const auto& [mark, label] : kStages) {
      const int64_t at = marks.value(mark, int64_t{0});
      if (at < previous) return std::nullopt;
      ms.push_back(static_cast<double>(at - previous) / 1e6);
      previous = at;
    }
    return ms;
  }
  return std::nullopt;
}

// (1): one hot lead at a time, each waiting for its post before the next.
// Returns false (with the reason printed) when no post arrives in time.
bool MeasurePostLatency(const Options& o, const Side& side, int& next_lead,
                        Figures& figures) {
  std::cout << "\n(1) " << side.name << ": hot lead POST -> chat.postMessage at slack-sim, "
            << o.latency_leads << " leads one after another"
            << (o.latency_leads < 200 ? " (fewer than the 200 asked for)" : "") << "\n";
  HttpClient intake(side.intake_port);
  HttpClient sim(side.sim_port);
  std::optional<HttpClient> stages;
  if (side.stages) stages.emplace(side.intake_port);
  std::vector<double> to_post_ms;
  std::vector<double> to_202_ms;
  std::vector<std::vector<double>> stage_ms(std::size(kStages));
  std::vector<double> answered_to_sim_ms;
  int stages_missing = 0;
  int rate_limited = 0;
  for (int i = 0; i < o.latency_leads; ++i) {
    // An empty call log per lead keeps every poll small and makes the first
    // shark-tank post in it this lead's.
    sim.Send("POST", "/_sim/reset", {{"Content-Type", "application/json"}}, "{}");
    std::string body = HotLead(next_lead++);
    const int64_t sent_ns = SteadyNs();
    const int64_t sent_us = NowMicros();
    ClientResponse r = intake.Send("POST", "/v1/leads", side.headers, body);
    int64_t answered_us = NowMicros();
    if (r.status != 202) {
      std::cout << "    FAILED: lead " << i + 1 << " got HTTP " << r.status << ": " << r.body
                << "\n";
      return false;
    }
    to_202_ms.push_back(static_cast<double>(answered_us - sent_us) / 1000.0);

    auto timeout = i == 0 ? o.first_post_timeout : o.post_timeout;
    auto deadline = SteadyClock::now() + timeout;
    std::optional<int64_t> posted_us;
    while (!posted_us && SteadyClock::now() < deadline) {
      ClientResponse calls = sim.Send("GET", "/_sim/calls");
      posted_us = SharkPostTime(json::parse(calls.body, nullptr, false), side.shark_channel,
                                rate_limited);
      if (!posted_us) std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    if (!posted_us) {
      std::cout << "    FAILED: timeout: no chat.postMessage to " << side.shark_channel
                << " reached slack-sim within " << timeout.count() << " ms of lead " << i + 1
                << "'s POST (its 202 came back). Are the Socket Mode client "
                   "and the Slack job executors (slack.post_shark_tank) in "
                   "this build?\n";
      return false;
    }
    to_post_ms.push_back(static_cast<double>(*posted_us - sent_us) / 1000.0);
    if (stages && i > 0) {  // the first lead also waits for Socket Mode
      if (auto ms = ReadStages(*stages, sent_ns)) {
        for (size_t s = 0; s < ms->size(); ++s) stage_ms[s].push_back((*ms)[s]);
      } else {
        ++stages_missing;
      }
    }
  }
  using leadrouter::storage::Percentile;
  figures.p50_ms = *Percentile(to_post_ms, 50);
  figures.p99_ms = *Percentile(to_post_ms, 99);
  std::cout << "    POST -> chat.postMessage: " << Percentiles(to_post_ms)
            << "\n    POST -> 202 (for reference): " << Percentiles(to_202_ms) << "\n";
  if (stages) {
    std::cout << "    where the time goes (leadrouter's own marks, leads 2.." << o.latency_leads
              << "; each from the end of the one before, the first from the POST):\n";
    for (size_t s = 0; s < std::size(kStages); ++s) {
      if (stage_ms[s].empty()) continue;
      char line[200];
      std::snprintf(line, sizeof line, "      %-46s p50 %s  p99 %s\n", kStages[s].second,
                    leadrouter::bench::Ms(*Percentile(stage_ms[s], 50)).c_str(),
                    leadrouter::bench::Ms(*Percentile(stage_ms[s], 99)).c_str());
      std::cout << line;
    }
    if (stages_missing > 0) {
      std::cout << "      (" << stages_missing
                << " leads without every mark: not handed over, or marks overwritten)\n";
    }
  }
  if (rate_limited > 0) {
    std::cout << "    note: " << rate_limited
              << " chat.postMessage calls were answered 429 on the way\n";
  }
  return true;
}

// (2): `in_flight` threads, each with one keep-alive connection, take lead
// numbers from a shared counter until `throughput_leads` are sent.
bool MeasureThroughput(const Options& o, const Side& side, int in_flight, int& next_lead,
                       Figures& figures) {
  std::cout << "\n(2) " << side.name << ": intake throughput, " << o.throughput_leads
            << " hot leads, " << in_flight << " requests in flight on keep-alive connections"
            << (o.throughput_leads < 4000 ? " (fewer than the 4,000 asked for)" : "") << "\n";
  std::vector<std::string> bodies;
  bodies.reserve(static_cast<size_t>(o.throughput_leads));
  for (int i = 0; i < o.throughput_leads; ++i) bodies.push_back(HotLead(next_lead++));

  std::atomic<int> next{0};
  std::atomic<int> accepted{0};
  std::atomic<int> other{0};
  std::atomic<int> connections{0};
  std::mutex first_error_mu;
  std::string first_error;
  std::latch ready(in_flight + 1);
  std::latch go(1);
  std::vector<std::thread> threads;
  for (int t = 0; t < in_flight; ++t) {
    threads.emplace_back([&] {
      HttpClient client(side.intake_port, "127.0.0.1", std::chrono::seconds(30));
      try {
        client.Send("GET", side.stages ? "/healthz" : "/");  // connect before the clock
      } catch (const std::exception&) {
      }
      ready.count_down();
      go.wait();
      for (int i = next++; i < o.throughput_leads; i = next++) {
        try {
          ClientResponse r = client.Send("POST", "/v1/leads", side.headers,
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
  double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();

  char line[160];
  std::snprintf(line, sizeof line, "    %d x 202 in %.3f s: %.0f leads/s (%d TCP connections)\n",
                accepted.load(), seconds, accepted.load() / seconds, connections.load());
  std::cout << line;
  if (other > 0) {
    std::cout << "    FAILED: " << other.load()
              << " requests were not answered 202; first: " << first_error << "\n";
    return false;
  }
  figures.leads_per_s[in_flight] = accepted.load() / seconds;
  return true;
}

std::string Config(uint16_t port, uint16_t sim_port, const std::string& db,
                   const std::string& log_level) {
  // Our own per-channel pacing (Slack's ~1/s) lifted too, for the same
  // reason as the sim's: (1) measures our path, not the channel limit.
  return leadrouter::bench::DaemonConfig(port, sim_port, db, kSharkChannel, log_level,
                                         "post_interval = \"1ms\"\npost_burst = 100000\n") +
         "[testing]\nstage_trace = true\n"
         "[[agents]]\nslack_id = \"U0BENCHANA\"\nname = \"Ana\"\n"
         "[[agents]]\nslack_id = \"U0BENCHBEN\"\nname = \"Ben\"\n";
}

// (1), (2) at both in-flight counts and (3) for one side.
bool MeasureSide(const Options& o, const Side& side, Figures& figures) {
  std::this_thread::sleep_for(o.idle_settle);
  figures.idle_kb = leadrouter::bench::ProcStatusKb(side.pid, "VmRSS");
  int next_lead = 0;
  bool ok = MeasurePostLatency(o, side, next_lead, figures);
  ok = MeasureThroughput(o, side, o.in_flight, next_lead, figures) && ok;
  if (o.in_flight_high != o.in_flight) {
    ok = MeasureThroughput(o, side, o.in_flight_high, next_lead, figures) && ok;
  }
  figures.after_kb = leadrouter::bench::ProcStatusKb(side.pid, "VmRSS");
  std::optional<long> peak_kb = leadrouter::bench::ProcStatusKb(side.pid, "VmHWM");
  using leadrouter::bench::Mb;
  std::cout << "\n(3) " << side.name << ": resident memory (VmRSS): idle " << Mb(figures.idle_kb)
            << " (" << o.idle_settle.count() << " ms after start), after the run "
            << Mb(figures.after_kb) << ", peak " << Mb(peak_kb) << "\n";
  return ok && figures.idle_kb && figures.after_kb;
}

// "1.23" of ours / theirs, or "-".
std::string Ratio(std::optional<double> ours, std::optional<double> theirs) {
  if (!ours || !theirs || *theirs == 0) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2fx", *ours / *theirs);
  return buffer;
}

std::optional<double> Opt(const std::map<int, double>& m, int key) {
  auto it = m.find(key);
  return it == m.end() ? std::nullopt : std::optional<double>(it->second);
}

std::optional<double> Kb(std::optional<long> kb) {
  return kb ? std::optional<double>(static_cast<double>(*kb)) : std::nullopt;
}

void PrintComparison(const Options& o, const Figures& ours, const Figures& peer) {
  auto ms = [](std::optional<double> v) {
    return v ? leadrouter::bench::Ms(*v) : std::string("-");
  };
  auto rate = [](std::optional<double> v) {
    if (!v) return std::string("-");
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.0f/s", *v);
    return std::string(buffer);
  };
  auto mb = [](std::optional<long> kb) { return leadrouter::bench::Mb(kb); };
  std::cout << "\nside by side (ratio = leadrouter / Bolt: below 1 is better for times and "
               "memory, above 1 for throughput)\n";
  char line[200];
  auto row = [&](const std::string& what, const std::string& a, const std::string& b,
                 const std::string& r) {
    std::snprintf(line, sizeof line, "  %-36s %14s %14s %8s\n", what.c_str(), a.c_str(),
                  b.c_str(), r.c_str());
    std::cout << line;
  };
  row("", "leadrouter", "Bolt peer", "ratio");
  row("POST -> chat.postMessage p50", ms(ours.p50_ms), ms(peer.p50_ms),
      Ratio(ours.p50_ms, peer.p50_ms));
  row("POST -> chat.postMessage p99", ms(ours.p99_ms), ms(peer.p99_ms),
      Ratio(ours.p99_ms, peer.p99_ms));
  for (int n : {o.in_flight, o.in_flight_high}) {
    row("intake, " + std::to_string(n) + " in flight", rate(Opt(ours.leads_per_s, n)),
        rate(Opt(peer.leads_per_s, n)), Ratio(Opt(ours.leads_per_s, n), Opt(peer.leads_per_s, n)));
    if (o.in_flight_high == o.in_flight) break;
  }
  row("resident memory, idle", mb(ours.idle_kb), mb(peer.idle_kb),
      Ratio(Kb(ours.idle_kb), Kb(peer.idle_kb)));
  row("resident memory, after the run", mb(ours.after_kb), mb(peer.after_kb),
      Ratio(Kb(ours.after_kb), Kb(peer.after_kb)));
}

int Run(const Options& o) {
  std::cout << "leadrouter bench_flow (" << LEADROUTER_BUILD_TYPE
            << " build)\nmachine: " << leadrouter::bench::DescribeMachine() << "\n";
  // The children are forked: what is still buffered would be written twice.
  std::cout.flush();
  std::fflush(stdout);

  slack_sim_test::SimProcess sim({"--bot-token", kBotToken, "--app-token", kAppToken,
                                  "--post-rate", kSimPostRate, "--post-burst",
                                  kSimPostBurst});
  TempDir dir;
  uint16_t port = FreePort();
  std::unique_ptr<DaemonProcess> started = leadrouter::bench::StartDaemon(
      dir, Config(port, sim.port(), dir.File("bench.db"), o.log_level));
  DaemonProcess& daemon = *started;
  if (!daemon.WaitForPort(port)) {
    std::cout << "FAILED: leadrouter serve did not start:\n" << daemon.Log() << "\n";
    return 1;
  }
  std::cout << "daemon: leadrouter serve, log level " << o.log_level
            << " (JSON to a file); SQLite file on "
            << leadrouter::bench::FileSystemType(dir.path()) << " in " << dir.path()
            << " (every commit waits for its fsync; set TMPDIR to move it)"
            << "\nslack-sim on 127.0.0.1:" << sim.port() << " with --post-rate "
            << kSimPostRate << " --post-burst " << kSimPostBurst
            << ", and leadrouter with slack.post_interval = \"1ms\": neither side's "
               "per-channel chat.postMessage limit (Slack's ~1/s) is what this measures\n";

  Side ours{"leadrouter", port, sim.port(), kSharkChannel, IntakeHeaders(kIntakeToken),
            /*stages=*/true, daemon.pid()};
  Figures our_figures;
  bool ok = MeasureSide(o, ours, our_figures);
  bool alive = daemon.running();
  if (!alive) std::cout << "FAILED: the daemon died:\n" << daemon.Log() << "\n";
  daemon.Stop(SIGTERM);
  if (!o.daemon_log.empty()) WriteFile(o.daemon_log, daemon.Log());
  ok = ok && alive;

  // The peer runs after leadrouter has stopped, so neither takes the
  // other's CPU; each gets its own slack-sim.
  std::cout.flush();
  std::fflush(stdout);
  slack_sim_test::SimProcess peer_sim({"--bot-token", leadrouter::bench::kPeerBotToken,
                                       "--app-token", leadrouter::bench::kPeerAppToken,
                                       "--post-rate", kSimPostRate, "--post-burst",
                                       kSimPostBurst});
  uint16_t peer_port = FreePort();
  leadrouter::bench::PeerStart peer =
      leadrouter::bench::StartBoltPeer(o.peer_dir, dir, peer_sim.port(), peer_port);
  if (!peer.process) {
    std::cout << "\nBolt peer skipped: " << peer.why_not << "\n";
  } else if (!peer.process->WaitForPort(peer_port)) {
    std::cout << "\nFAILED: the Bolt peer did not start:\n" << peer.process->Log() << "\n";
    ok = false;
  } else {
    std::cout << "\nBolt peer: node peer-bolt.mjs from " << o.peer_dir << ", slack-sim on "
              << "127.0.0.1:" << peer_sim.port() << "\n";
    Side theirs{"Bolt peer", peer_port, peer_sim.port(), leadrouter::bench::kPeerSharkChannel,
                {{"Content-Type", "application/json"}}, /*stages=*/false,
                peer.process->pid()};
    Figures peer_figures;
    ok = MeasureSide(o, theirs, peer_figures) && ok;
    PrintComparison(o, our_figures, peer_figures);
    peer.process->Stop(SIGTERM);
  }

  std::cout << "\n" << (ok ? "all figures produced" : "some figures missing (see FAILED above)")
            << "\n";
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return leadrouter::bench::Main(argc, argv, kUsage, ParseArgs, Run);
}
