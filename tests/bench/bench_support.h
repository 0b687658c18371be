// What the benchmarks share: their flags, how they print times, the intake
// request's headers and the first lines of the daemon's config. For
// tests/bench only.
#pragma once

#include <cstdint>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"

namespace leadrouter::bench {

// Placeholder credentials for a loopback run; slack-sim accepts exactly
// these.
inline constexpr char kBotToken[] = "xoxb-bench";
inline constexpr char kAppToken[] = "xapp-bench";
inline constexpr char kIntakeToken[] = "intake-token-for-bench-0123456789";

// Microseconds on the system clock, the clock of slack-sim's call log.
int64_t NowMicros();

// "1.234 ms" below ten milliseconds, "12.3 ms" above.
std::string Ms(double ms);
// "p50 … p90 … p99 … max …" of `ms`; "none" when it is empty.
std::string Percentiles(const std::vector<double>& ms);
// "12.3 MB" from kilobytes of /proc/PID/status; "unknown" without them.
std::string Mb(std::optional<long> kb);

// A hot lead (pre-approved, cash, a fresh listing) whose e-mail and phone
// are unique to `n`, so no two leads of a run dedupe into one.
std::string HotLead(int n);

// POST /v1/leads headers: JSON, with the intake token.
test::HeaderList IntakeHeaders(const std::string& token);

// Reads "--flag value" pairs: a flag in `numbers` takes a whole number
// above zero, one in `words` any text. False for --help, an unknown flag, a
// flag without its value, or a number that is not one.
bool ParseFlags(int argc, char** argv, const std::map<std::string, int*>& numbers,
                const std::map<std::string, std::string*>& words);

// The daemon's [server], [storage], [slack] and [log] tables for a
// loopback run against slack-sim on `sim_port`, the intake's own rate limit
// lifted. `slack_extra` lines go inside [slack].
std::string DaemonConfig(uint16_t port, uint16_t sim_port, const std::string& db,
                         const std::string& shark_channel, const std::string& log_level,
                         const std::string& slack_extra = "");

// `leadrouter serve` with `config` (written to `dir`), the placeholder
// tokens in its environment, its JSON log in `dir`; not waited for.
std::unique_ptr<testing::DaemonProcess> StartDaemon(const testing::TempDir& dir,
                                                    const std::string& config);

// A benchmark's main: `parse` the flags (on failure print `usage`, exit 2),
// then `run`; an exception is printed as FAILED and exits 1.
template <typename Options>
int Main(int argc, char** argv, const char* usage,
         std::optional<Options> (*parse)(int, char**), int (*run)(const Options&)) {
  std::optional<Options> options = parse(argc, argv);
  if (!options) {
    std::cerr << usage;
    return 2;
  }
  try {
    return run(*options);
  } catch (const std::exception& e) {
    std::cout << "FAILED: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace leadrouter::bench
