#include "tests/bench/bench_support.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "storage/percentile.h"

namespace leadrouter::bench {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Ms(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, ms < 10 ? "%.3f ms" : "%.1f ms", ms);
  return buffer;
}

std::string Mb(std::optional<long> kb) {
  if (!kb) return "unknown";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f MB", static_cast<double>(*kb) / 1024.0);
  return buffer;
}

std::string Percentiles(const std::vector<double>& ms) {
  using leadrouter::storage::Percentile;
  if (ms.empty()) return "none";
  return "p50 " + Ms(*Percentile(ms, 50)) + "  p90 " + Ms(*Percentile(ms, 90)) + "  p99 " +
         Ms(*Percentile(ms, 99)) + "  max " + Ms(*Percentile(ms, 100));
}

std::string HotLead(int n) {
  char phone[32];
  std::snprintf(phone, sizeof phone, "+1 (212) %03d-%04d", 300 + n / 10000,
                n % 10000);
  const nlohmann::json lead = {
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

test::HeaderList IntakeHeaders(const std::string& token) {
  return {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
}

bool ParseFlags(int argc, char** argv, const std::map<std::string, int*>& numbers,
                const std::map<std::string, std::string*>& words) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (auto word = words.find(flag); word != words.end()) {
      *word->second = value;
      continue;
    }
    auto number = numbers.find(flag);
    if (number == numbers.end()) return false;
    char* end = nullptr;
    const long n = std::strtol(value.c_str(), &end, 10);
    if (!end || *end != '\0' || n <= 0) return false;
    *number->second = static_cast<int>(n);
  }
  return true;
}

std::string DaemonConfig(uint16_t port, uint16_t sim_port, const std::string& db,
                         const std::string& shark_channel, const std::string& log_level,
                         const std::string& slack_extra) {
  std::ostringstream c;
  c << "[server]\nlisten = \"127.0.0.1:" << port << "\"\n"
    << "rate_limit_burst = 1000000\nrate_limit_per_second = 1000000\n"
    << "[storage]\npath = \"" << db << "\"\n"
    << "[slack]\napi_url = \"http://127.0.0.1:" << sim_port << "/api/\"\n"
    << "shark_tank_channel = \"" << shark_channel << "\"\n"
    << "ops_channel = \"C0BENCHOPS\"\ntriage_channel = \"C0BENCHTRIAGE\"\n"
    << "managers = [\"U0BENCHMGR\"]\n"
    << slack_extra << "[log]\nlevel = \"" << log_level << "\"\n";
  return c.str();
}

std::unique_ptr<testing::DaemonProcess> StartDaemon(const testing::TempDir& dir,
                                                    const std::string& config) {
  testing::WriteFile(dir.File("leadrouter.toml"), config);
  return std::make_unique<testing::DaemonProcess>(
      std::vector<std::string>{"serve", "--config", dir.File("leadrouter.toml"), "--log-format",
                               "json"},
      std::map<std::string, std::string>{{"SLACK_BOT_TOKEN", kBotToken},
                                         {"SLACK_APP_TOKEN", kAppToken},
                                         {"LEADROUTER_INTAKE_TOKEN", kIntakeToken}},
      dir.File("daemon.log"));
}

}  // namespace leadrouter::bench
