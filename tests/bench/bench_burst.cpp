// bench_burst: a burst of leads (10,000 by default) sent at once to the
// real `leadrouter serve` while slack-sim holds chat.postMessage to Slack's
// own limit, one a second per channel after a burst of three. Prints
//   (1) intake during the burst: POST -> 202 p50/p99 (Slack's pace must
//       not slow intake), and the p99 of each tenth of the burst,
//   (2) leads lost: answered 202 but not stored, or not reaching Slack
//       exactly once (a hot lead in the shark tank, a standard one as its
//       owner's DM card),
//   (3) the Slack drain rate: posts Slack took, as a fraction of what its
//       per-channel limit allowed from the burst's start to each channel's
//       last post,
//   (4) whether hot leads went first: each hot lead's post against the DM
//       cards of the standard leads that arrived around it,
//   (5) the daemon's resident memory once every lead was posted, and its
//       peak,
// and the machine. Not part of the pass/fail suite: exits 1 when a figure
// could not be produced, 2 on bad arguments.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/bench_support.h"
#include "tests/bench/machine.h"
#include "tests/slack_sim/sim_test_client.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "storage/percentile.h"

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

constexpr char kSharkChannel[] = "C0BURSTSHARK";

// Slack's chat.postMessage limit as slack-sim enforces it; leadrouter keeps
// its own defaults (slack.post_interval 1 s, post_burst 3).
constexpr double kPostsPerSecond = 1.0;
constexpr int kPostBurst = 3;

struct Options {
  int leads = 10000;
  int agents = 50;
  int hot_every = 100;  // one lead in this many is hot
  int in_flight = 32;
  int drain_timeout_s = 0;  // 0: what the pace needs, plus a margin
  std::string log_level = "warn";
  std::string daemon_log;
};

constexpr char kUsage[] =
    "usage: bench_burst [--leads N] [--agents N] [--hot-every N] [--in-flight N]\n"
    "                   [--drain-timeout SECONDS] [--log-level LEVEL] [--daemon-log PATH]\n"
    "Defaults: 10,000 leads, 50 agents, one lead in 100 hot, 32 in flight. The\n"
    "drain takes about leads / hot_every seconds for the shark tank and\n"
    "leads / agents seconds for the DMs, at Slack's pace.\n";

std::optional<Options> ParseArgs(int argc, char** argv) {
  Options o;
  if (!leadrouter::bench::ParseFlags(argc, argv,
                                     {{"--leads", &o.leads},
                                      {"--agents", &o.agents},
                                      {"--hot-every", &o.hot_every},
                                      {"--in-flight", &o.in_flight},
                                      {"--drain-timeout", &o.drain_timeout_s}},
                                     {{"--log-level", &o.log_level},
                                      {"--daemon-log", &o.daemon_log}})) {
    return std::nullopt;
  }
  return o;
}

// Lead n is hot in the middle of each run of `hot_every`, so standard leads
// arrive on both sides of it.
bool IsHot(int n, const Options& o) { return n % o.hot_every == o.hot_every / 2; }

// A lead whose name, e-mail and phone are unique to `n` (no two dedupe into
// one) and whose name says which it is: "Hattie Hotburst42", "Wendy Burst7".
std::string LeadBody(int n, bool hot) {
  char phone[32];
  std::snprintf(phone, sizeof phone, "+1 (212) %03d-%04d", 300 + n / 10000, n % 10000);
  json lead = {{"name", (hot ? "Hattie Hotburst" : "Wendy Burst") + std::to_string(n)},
               {"email", "burst-" + std::to_string(n) + "@example.com"},
               {"phone", phone}};
  if (hot) {
    lead["message"] = "Pre-approved and paying cash, can we see it today?";
    lead["listing"] = {{"price", 650000}, {"days_on_market", 3}};
    lead["address"] = "12 Elm St, Chicago, IL 60601";
  } else {
    lead["message"] = "Interested in the 3 bedroom on Elm, is it still available?";
  }
  return lead.dump();
}

std::string Config(const Options& o, uint16_t port, uint16_t sim_port, const std::string& db) {
  std::string c = leadrouter::bench::DaemonConfig(port, sim_port, db, kSharkChannel, o.log_level) +
                  "[rotation]\ntimezone = \"UTC\"\n";
  for (int i = 0; i < o.agents; ++i) {
    char agent[80];
    std::snprintf(agent, sizeof agent, "[[agents]]\nslack_id = \"U0BA%05d\"\nname = \"Agent %d\"\n",
                  i, i);
    c += agent;
  }
  return c;
}

bool WaitForSlack(uint16_t port) {
  HttpClient c(port);
  auto deadline = SteadyClock::now() + std::chrono::seconds(30);
  while (SteadyClock::now() < deadline) {
    try {
      json health = json::parse(c.Send("GET", "/healthz").body, nullptr, false);
      if (health.is_object() && health["slack"].value("state", "") == "connected") return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

struct Burst {
  std::vector<double> latency_ms;  // POST -> 202, per lead
  std::vector<int64_t> accepted_us;  // when each lead's 202 came; 0: none
  int accepted = 0;
  std::string first_error;
  int64_t start_us = 0;
  double seconds = 0;
};

// The p99 of each tenth of `ms` (in the order the leads were sent), so a
// tail that comes from one moment of the burst shows as one tenth's.
std::string TenthP99s(const std::vector<double>& ms) {
  constexpr size_t kParts = 10;
  const size_t part = ms.size() / kParts;
  if (part == 0) return "too few leads";
  std::string out;
  for (size_t i = 0; i < kParts; ++i) {
    const auto from = ms.begin() + static_cast<std::ptrdiff_t>(i * part);
    const auto to = i == kParts - 1 ? ms.end() : from + static_cast<std::ptrdiff_t>(part);
    if (!out.empty()) out += ", ";
    out += leadrouter::bench::Ms(*leadrouter::storage::Percentile(std::vector<double>(from, to), 99));
  }
  return out;
}

// (1): `in_flight` keep-alive connections take lead numbers from a shared
// counter until every lead is sent.
Burst SendBurst(const Options& o, uint16_t port) {
  std::vector<std::string> bodies;
  for (int n = 0; n < o.leads; ++n) bodies.push_back(LeadBody(n, IsHot(n, o)));
  std::vector<double> latency(static_cast<size_t>(o.leads), -1);
  std::vector<int64_t> accepted_us(static_cast<size_t>(o.leads), 0);
  std::atomic<int> next{0};
  std::mutex error_mu;
  std::string first_error;
  std::latch ready(o.in_flight + 1);
  std::latch go(1);
  std::vector<std::thread> threads;
  for (int t = 0; t < o.in_flight; ++t) {
    threads.emplace_back([&] {
      HttpClient client(port, "127.0.0.1", std::chrono::seconds(30));
      try {
        client.Send("GET", "/healthz");  // connected before the clock starts
      } catch (const std::exception&) {
      }
      ready.count_down();
      go.wait();
      for (int n = next++; n < o.leads; n = next++) {
        auto sent = SteadyClock::now();
        std::string error;
        try {
          ClientResponse r = client.Send("POST", "/v1/leads", IntakeHeaders(kIntakeToken),
                                         bodies[static_cast<size_t>(n)]);
          if (r.status == 202) {
            latency[static_cast<size_t>(n)] =
                std::chrono::duration<double, std::milli>(SteadyClock::now() - sent).count();
            accepted_us[static_cast<size_t>(n)] = NowMicros();
            continue;
          }
          error = "HTTP " + std::to_string(r.status) + ": " + r.body;
        } catch (const std::exception& e) {
          error = e.what();
        }
        std::lock_guard<std::mutex> lock(error_mu);
        if (first_error.empty()) first_error = error;
      }
    });
  }
  ready.arrive_and_wait();
  Burst out;
  out.start_us = NowMicros();
  auto start = SteadyClock::now();
  go.count_down();
  for (std::thread& t : threads) t.join();
  out.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  for (double ms : latency) {
    if (ms < 0) continue;
    ++out.accepted;
    out.latency_ms.push_back(ms);
  }
  out.first_error = first_error;
  out.accepted_us = std::move(accepted_us);
  return out;
}

int64_t Count(const std::string& db_path, const std::string& sql) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

// Waits until every lead's Slack job is done (or `timeout`); returns
// whether they all were.
bool WaitForDrain(const std::string& db_path, int expected, std::chrono::seconds timeout) {
  auto deadline = SteadyClock::now() + timeout;
  int64_t last = -1;
  auto last_report = SteadyClock::now();
  while (SteadyClock::now() < deadline) {
    int64_t done = Count(db_path,
                         "SELECT count(*) FROM jobs WHERE state = 'done' AND kind IN "
                         "('slack.dm_lead_card', 'slack.post_shark_tank')");
    if (done >= expected) return true;
    if (SteadyClock::now() - last_report > std::chrono::seconds(15) && done != last) {
      std::cout << "    ... " << done << " of " << expected << " posted\n" << std::flush;
      last_report = SteadyClock::now();
      last = done;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return false;
}

// One successful chat.postMessage, as slack-sim logged it.
struct Post {
  std::string channel;
  int64_t time_us = 0;
  int lead = -1;  // the lead number its text names, -1 for none
  bool hot = false;
};

struct SlackLog {
  std::vector<Post> posts;
  int rate_limited = 0;  // 429s Slack had to answer
};

SlackLog ReadSlackLog(uint16_t sim_port) {
  HttpClient sim(sim_port, "127.0.0.1", std::chrono::seconds(120));
  json calls = json::parse(sim.Send("GET", "/_sim/calls").body, nullptr, false);
  SlackLog out;
  if (!calls.is_array()) return out;
  static const std::regex kName(R"((Hattie Hot)?[Bb]urst(\d+))");
  for (const json& call : calls) {
    if (call.value("method", "") != "chat.postMessage") continue;
    const int status = call.value("status", 0);
    if (status == 429) ++out.rate_limited;
    if (status != 200) continue;
    Post post;
    post.channel = call["params"].value("channel", "");
    post.time_us = call.value("time_us", int64_t{0});
    const std::string text = call["params"].dump();
    std::smatch m;
    if (std::regex_search(text, m, kName)) {
      post.lead = std::stoi(m[2]);
      post.hot = m[1].matched;
    }
    out.posts.push_back(std::move(post));
  }
  return out;
}

std::string Percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f %%", fraction * 100);
  return buffer;
}

int Run(const Options& o) {
  std::cout << "leadrouter bench_burst (" << LEADROUTER_BUILD_TYPE
            << " build)\nmachine: " << leadrouter::bench::DescribeMachine() << "\n";
  std::cout.flush();
  std::fflush(stdout);  // the children are forked

  slack_sim_test::SimProcess sim({"--bot-token", kBotToken, "--app-token", kAppToken,
                                  "--post-rate", "1/s", "--post-burst",
                                  std::to_string(kPostBurst)});
  TempDir dir;
  const std::string db_path = dir.File("bench.db");
  uint16_t port = FreePort();
  std::unique_ptr<DaemonProcess> started =
      leadrouter::bench::StartDaemon(dir, Config(o, port, sim.port(), db_path));
  DaemonProcess& daemon = *started;
  if (!daemon.WaitForPort(port) || !WaitForSlack(port)) {
    std::cout << "FAILED: leadrouter serve did not start or reach Slack:\n"
              << daemon.Log() << "\n";
    return 1;
  }
  // The daemon opens every agent's DM at start, at Slack's pace for
  // conversations.open (about 50 a minute), and keeps them. The burst comes
  // after, as it would to a daemon that has been up a minute or restarted:
  // measured from a cold start, the drain would count that minute too.
  {
    const auto started_at = SteadyClock::now();
    const auto limit = std::chrono::seconds(10 + o.agents * 2);
    while (Count(db_path, "SELECT count(*) FROM slack_dm_channels") < o.agents &&
           SteadyClock::now() - started_at < limit) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::printf("the daemon opened %lld of %d agents' DMs in %.1f s before the burst\n",
                static_cast<long long>(Count(db_path, "SELECT count(*) FROM slack_dm_channels")),
                o.agents,
                std::chrono::duration<double>(SteadyClock::now() - started_at).count());
    std::fflush(stdout);
  }
  int hot_leads = 0;
  for (int n = 0; n < o.leads; ++n) hot_leads += IsHot(n, o) ? 1 : 0;
  const int standard_leads = o.leads - hot_leads;
  std::cout << "slack-sim: chat.postMessage at 1/s per channel after a burst of " << kPostBurst
            << "; leadrouter at its defaults\n"
            << o.leads << " leads (" << hot_leads << " hot for the shark tank, " << standard_leads
            << " standard for " << o.agents << " agents' DMs), " << o.in_flight
            << " in flight; SQLite on " << leadrouter::bench::FileSystemType(dir.path()) << "\n";

  std::cout << "\n(1) intake during the burst\n" << std::flush;
  Burst burst = SendBurst(o, port);
  char line[200];
  std::snprintf(line, sizeof line, "    %d of %d answered 202 in %.2f s (%.0f leads/s)\n",
                burst.accepted, o.leads, burst.seconds, burst.accepted / burst.seconds);
  std::cout << line << "    POST -> 202: " << Percentiles(burst.latency_ms) << "\n"
            << "    p99 of each tenth of the burst, in the order sent: "
            << TenthP99s(burst.latency_ms) << "\n";
  if (!burst.first_error.empty()) std::cout << "    first refusal: " << burst.first_error << "\n";

  const auto needed = std::chrono::seconds(
      o.drain_timeout_s > 0
          ? o.drain_timeout_s
          : static_cast<int>(std::max(hot_leads, (standard_leads + o.agents - 1) / o.agents) /
                             kPostsPerSecond * 1.5) +
                60);
  std::cout << "\n    waiting for Slack's pace to drain the queue (at most " << needed.count()
            << " s)\n"
            << std::flush;
  const bool drained = WaitForDrain(db_path, o.leads, needed);
  const int64_t stored = Count(db_path, "SELECT count(*) FROM leads");
  const int64_t dead = Count(db_path, "SELECT count(*) FROM jobs WHERE state = 'dead'");
  SlackLog slack = ReadSlackLog(sim.port());

  // (2) Exactly once: a hot lead once in the shark tank, a standard lead
  // once in a DM.
  std::vector<int> seen(static_cast<size_t>(o.leads), 0);
  std::vector<int64_t> posted_us(static_cast<size_t>(o.leads), 0);
  int misplaced = 0;
  for (const Post& p : slack.posts) {
    if (p.lead < 0 || p.lead >= o.leads) continue;
    const bool hot = IsHot(p.lead, o);
    const bool right = hot ? p.channel == kSharkChannel : (!p.channel.empty() && p.channel[0] == 'D');
    if (!right) {
      ++misplaced;
      continue;
    }
    if (seen[static_cast<size_t>(p.lead)]++ == 0) posted_us[static_cast<size_t>(p.lead)] = p.time_us;
  }
  int missing = 0, twice = 0;
  for (int s : seen) {
    if (s == 0) ++missing;
    if (s > 1) ++twice;
  }
  const int64_t not_stored = burst.accepted - stored;
  std::cout << "\n(2) leads lost: " << (not_stored > 0 ? not_stored : 0) + missing
            << " (answered 202 but not stored: " << (not_stored > 0 ? not_stored : 0)
            << "; stored " << stored << "; not in Slack: " << missing
            << "; in Slack more than once: " << twice << "; in the wrong place: " << misplaced
            << "; dead letters: " << dead << ")"
            << (drained ? "" : " -- the drain did not finish in time") << "\n";

  // (3) The drain rate: per channel, the posts Slack took against what its
  // limit allowed between the burst's start and that channel's last post.
  std::map<std::string, std::pair<int, int64_t>> channels;  // posts, last time
  for (const Post& p : slack.posts) {
    auto& [posts, last] = channels[p.channel];
    ++posts;
    last = std::max(last, p.time_us);
  }
  double took = 0, allowed = 0, worst = 1;
  std::string worst_channel;
  for (const auto& [channel, figures] : channels) {
    const double span_s = static_cast<double>(figures.second - burst.start_us) / 1e6;
    const double limit = kPostBurst + std::max(0.0, span_s) * kPostsPerSecond;
    took += figures.first;
    allowed += limit;
    if (figures.first / limit < worst) {
      worst = figures.first / limit;
      worst_channel = channel;
    }
  }
  std::cout << "\n(3) Slack drain: " << slack.posts.size() << " posts in " << channels.size()
            << " channels, " << Percent(allowed > 0 ? took / allowed : 0)
            << " of the allowed rate (slowest channel " << worst_channel << " at "
            << Percent(worst) << "); 429s from Slack: " << slack.rate_limited << "\n";

  // (4) Hot first: each hot lead against the standard leads that arrived
  // in its run of `hot_every` (before and after it). A standard lead Slack
  // showed before the hot lead was even accepted (its DM lane was free and
  // the hot lead not yet sent) is no pair the daemon could have ordered:
  // counted apart.
  int64_t pairs = 0, hot_earlier = 0, before_hot_arrived = 0;
  std::vector<double> hot_wait_s;
  std::string behind;  // "#50 (99 after it)": the hot leads that lost a pair
  for (int n = 0; n < o.leads; ++n) {
    if (!IsHot(n, o) || !posted_us[static_cast<size_t>(n)]) continue;
    const int64_t hot_at = posted_us[static_cast<size_t>(n)];
    hot_wait_s.push_back(static_cast<double>(hot_at - burst.start_us) / 1e3);
    const int from = n - o.hot_every / 2;
    int lost = 0;
    for (int m = std::max(0, from); m < std::min(o.leads, from + o.hot_every); ++m) {
      if (m == n || !posted_us[static_cast<size_t>(m)]) continue;
      if (posted_us[static_cast<size_t>(m)] < burst.accepted_us[static_cast<size_t>(n)]) {
        ++before_hot_arrived;
        continue;
      }
      ++pairs;
      if (hot_at < posted_us[static_cast<size_t>(m)]) ++hot_earlier;
      else ++lost;
    }
    if (lost > 0) {
      behind += (behind.empty() ? "" : ", ") + ("#" + std::to_string(n)) + " (" +
                std::to_string(lost) + " posted before it)";
    }
  }
  std::cout << "\n(4) hot leads first: " << hot_earlier << " of " << pairs
            << " (hot lead, standard lead that arrived with it) pairs had the hot lead "
               "posted first ("
            << Percent(pairs ? static_cast<double>(hot_earlier) / static_cast<double>(pairs) : 0)
            << ")\n";
  if (!behind.empty()) std::cout << "    hot leads not first in their run: " << behind << "\n";
  std::cout << "    not counted: " << before_hot_arrived
            << " standard leads of a hot lead's run were in Slack before that hot lead was "
               "accepted\n";
  std::cout << "    burst start -> hot lead in the shark tank: " << Percentiles(hot_wait_s)
            << "\n";

  std::cout << "\n(5) resident memory after the " << o.leads
            << " leads were posted: VmRSS "
            << leadrouter::bench::Mb(leadrouter::bench::ProcStatusKb(daemon.pid(), "VmRSS"))
            << ", peak (VmHWM) "
            << leadrouter::bench::Mb(leadrouter::bench::ProcStatusKb(daemon.pid(), "VmHWM"))
            << "\n";

  const bool alive = daemon.running();
  if (!alive) std::cout << "FAILED: the daemon died:\n" << daemon.Log() << "\n";
  const bool ok = alive && drained && burst.accepted == o.leads;
  std::cout << "\n" << (ok ? "all figures produced" : "some figures missing or partial") << "\n";
  daemon.Stop(SIGTERM);
  if (!o.daemon_log.empty()) WriteFile(o.daemon_log, daemon.Log());
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return leadrouter::bench::Main(argc, argv, kUsage, ParseArgs, Run);
}
