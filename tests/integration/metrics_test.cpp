// GET /metrics as an operator's Prometheus sees it: the real daemon, real
// HTTP on 127.0.0.1, a real Prometheus server scraping it, and promtool.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/http_client.h"
#include "tests/support/intake_daemon.h"
#include "tests/support/prometheus_server.h"

using leadrouter::test::HttpClient;
using leadrouter::testing::Fixture;
using leadrouter::testing::JsonAuth;
using leadrouter::testing::PrometheusServer;
using leadrouter::testing::PrometheusTool;
using leadrouter::testing::Sample;

namespace {

using Daemon = leadrouter::testing::IntakeDaemon;

// Lifted so a test can post a thousand leads from one client at once.
constexpr char kNoRateLimit[] = "rate_limit_burst = 100000\nrate_limit_per_second = 100000\n";

std::string Scrape(uint16_t port, const leadrouter::test::HeaderList& headers = {}) {
  HttpClient c(port);
  auto r = c.Send("GET", "/metrics", headers, "");
  REQUIRE(r.status == 200);
  return r.body;
}

std::string Lead(const std::string& source, int n) {
  return nlohmann::json{{"name", "Dana Example"},
                        {"email", "dana" + std::to_string(n) + "@example.com"},
                        {"source", source},
                        {"message", "Please call me about the listing"}}
      .dump();
}

}  // namespace

TEST_CASE("/metrics counts leads received by source and rejections by field",
          "[integration][metrics]") {
  Daemon d;
  HttpClient c(d.port);
  REQUIRE(c.Send("POST", "/v1/leads", JsonAuth(), Lead("Zillow Premier", 1)).status == 202);
  REQUIRE(c.Send("POST", "/v1/leads", JsonAuth(), Lead("Zillow Premier", 1)).status == 202);
  REQUIRE(c.Send("POST", "/v1/leads", JsonAuth(), Fixture("invalid-missing-contact.json"))
              .status == 400);
  REQUIRE(c.Send("POST", "/v1/leads", {{"Content-Type", "application/json"}}, "{}").status ==
          401);

  std::string text = Scrape(d.port);
  CHECK(Sample(text, R"(leadrouter_leads_received_total{channel="http",source="Zillow Premier",status="accepted"})") == 1);
  CHECK(Sample(text, R"(leadrouter_leads_received_total{channel="http",source="Zillow Premier",status="duplicate"})") == 1);
  CHECK(Sample(text, R"(leadrouter_leads_rejected_total{channel="http",reason="http_401"})") == 1);
  CHECK(text.find("leadrouter_leads_rejected_total{channel=\"http\",reason=\"") != std::string::npos);
  // The lead with no way to reach it is refused naming its field.
  std::regex field_rejection(R"(leadrouter_leads_rejected_total\{channel="http",reason="(email_or_phone|phone|email|contact)[^"]*"\} 1)");
  CHECK(std::regex_search(text, field_rejection));
  // Routed by route and segment; the queue as the database has it.
  CHECK(text.find("leadrouter_leads_routed_total{") != std::string::npos);
  CHECK(text.find("leadrouter_jobs_due{kind=\"slack.") != std::string::npos);
  // The process's own figures.
  auto rss = Sample(text, "process_resident_memory_bytes");
  REQUIRE(rss);
  CHECK(*rss > 1e6);
  auto fds = Sample(text, "process_open_fds");
  REQUIRE(fds);
  CHECK(*fds >= 3);
  CHECK(Sample(text, "leadrouter_slack_connection_state{state=\"disabled\"}") == 1);
  // SQLite's WAL holds what the leads' commits wrote.
  auto wal = Sample(text, "leadrouter_sqlite_wal_pages");
  REQUIRE(wal);
  CHECK(*wal >= 1);
}

TEST_CASE("the daemon's threads carry names that top -H and ps -L show",
          "[integration][metrics]") {
  Daemon d;
  std::set<std::string> names;
  const std::string tasks = "/proc/" + std::to_string(d.process->pid()) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks)) {
    std::string name = leadrouter::testing::ReadFile(task.path().string() + "/comm");
    while (!name.empty() && name.back() == '\n') name.pop_back();
    names.insert(name);
  }
  INFO(names.size() << " threads");
  CHECK(names.count("leadrouter") == 1);  // the loop
  CHECK(names.count("lr-writer") == 1);
  CHECK(names.count("lr-checkpoint") == 1);
}

TEST_CASE("a thousand distinct sources keep the source label to a bounded set",
          "[integration][metrics]") {
  Daemon d(kNoRateLimit);
  HttpClient c(d.port);
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(c.Send("POST", "/v1/leads", JsonAuth(), Lead("vendor-" + std::to_string(i), i))
                .status == 202);
  }
  std::string text = Scrape(d.port);
  std::set<std::string> sources;
  std::regex source_label(R"re(leadrouter_leads_received_total\{[^}]*source="([^"]*)")re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), source_label);
       it != std::sregex_iterator(); ++it) {
    sources.insert((*it)[1]);
  }
  CHECK(sources.size() == 51);  // fifty kept as they are, and "other"
  CHECK(sources.count("other") == 1);
  CHECK(sources.count("vendor-0") == 1);
  CHECK(Sample(text, R"(leadrouter_leads_received_total{channel="http",source="other",status="accepted"})") == 950);
  // A thousand leads' commits took the WAL past its threshold many times
  // over: its checkpoints ran on their thread, and none failed.
  std::regex checkpoints(
      R"re(leadrouter_sqlite_checkpoints_total\{by="thread",outcome="(complete|partial)"\} [1-9])re");
  CHECK(std::regex_search(text, checkpoints));
  CHECK_FALSE(std::regex_search(
      text, std::regex(R"re(leadrouter_sqlite_checkpoints_total\{[^}]*outcome="failed")re")));
}

TEST_CASE("/metrics asks for the bearer token when LEADROUTER_METRICS_TOKEN is set",
          "[integration][metrics]") {
  Daemon d("", {{"LEADROUTER_INTAKE_TOKEN", leadrouter::testing::kIntakeToken},
                {"LEADROUTER_METRICS_TOKEN", "metrics-token-for-tests-0123"}});
  HttpClient c(d.port);
  auto refused = c.Send("GET", "/metrics", {}, "");
  CHECK(refused.status == 401);
  CHECK(refused.body.find("Authorization") != std::string::npos);
  CHECK(c.Send("GET", "/metrics", {{"Authorization", "Bearer wrong"}}, "").status == 401);
  std::string text =
      Scrape(d.port, {{"Authorization", "Bearer metrics-token-for-tests-0123"}});
  CHECK(text.find("process_cpu_seconds_total") != std::string::npos);
  // The token is a secret: never in the log.
  d.process->Stop(SIGTERM);
  CHECK(d.process->Log().find("metrics-token-for-tests-0123") == std::string::npos);
}

TEST_CASE("promtool accepts what /metrics serves", "[integration][metrics]") {
  Daemon d;
  HttpClient c(d.port);
  REQUIRE(c.Send("POST", "/v1/leads", JsonAuth(), Fixture("portal-nested.json")).status == 202);
  leadrouter::testing::TempDir dir;
  leadrouter::testing::WriteFile(dir.File("metrics.txt"), Scrape(d.port));
  const std::string command = PrometheusTool("promtool") + " check metrics < " +
                              dir.File("metrics.txt") + " > " + dir.File("out.txt") + " 2>&1";
  const int status = std::system(command.c_str());
  INFO(leadrouter::testing::ReadFile(dir.File("out.txt")));
  CHECK(status == 0);
}

TEST_CASE("a real Prometheus scrapes the daemon and answers a query about its leads",
          "[integration][metrics]") {
  Daemon d("", {{"LEADROUTER_INTAKE_TOKEN", leadrouter::testing::kIntakeToken},
                {"LEADROUTER_METRICS_TOKEN", "metrics-token-for-tests-0123"}});
  HttpClient c(d.port);
  REQUIRE(c.Send("POST", "/v1/leads", JsonAuth(), Lead("Realtor.com", 7)).status == 202);
  PrometheusServer prometheus(d.port, "metrics-token-for-tests-0123");

  const std::string query =
      R"(sum(leadrouter_leads_received_total{source="Realtor.com",status="accepted"}))";
  std::optional<nlohmann::json> result;
  // Scrapes come every second; a minute is ample on a loaded machine.
  for (int i = 0; i < 600; ++i) {
    result = prometheus.Query(query);
    if (result && !result->empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(result);
  REQUIRE(result->size() == 1);
  CHECK((*result)[0]["value"][1] == "1");
  // And the scrape itself is healthy: Prometheus's own `up` for the job.
  auto up = prometheus.Query(R"(up{job="leadrouter"})");
  REQUIRE(up);
  REQUIRE(up->size() == 1);
  CHECK((*up)[0]["value"][1] == "1");

  // Every query of the shipped dashboard is one Prometheus accepts.
  nlohmann::json dashboard = nlohmann::json::parse(leadrouter::testing::ReadFile(
      std::string(LEADROUTER_SOURCE_DIR) + "/manifests/grafana/leadrouter.json"));
  int queries = 0;
  for (const auto& panel : dashboard["panels"]) {
    if (!panel.contains("targets")) continue;
    for (const auto& target : panel["targets"]) {
      INFO(panel["title"] << ": " << target["expr"]);
      CHECK(prometheus.Query(target["expr"].get<std::string>()));
      ++queries;
    }
  }
  CHECK(queries >= 15);
}
