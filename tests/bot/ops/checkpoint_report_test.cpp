#include "bot/ops/checkpoint_report.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "bot/metrics/metrics.h"
#include "tests/support/log_capture.h"

using leadrouter::ReportCheckpoint;
using leadrouter::storage::WalCheckpointer;

namespace {

WalCheckpointer::Report Failed(int64_t in_a_row) {
  WalCheckpointer::Report r;
  r.error = "disk I/O error";
  r.failures_in_a_row = in_a_row;
  r.wal_pages = 1000 + static_cast<int>(in_a_row);
  return r;
}

WalCheckpointer::Report Completed(int64_t failures_before) {
  WalCheckpointer::Report r;
  r.ok = true;
  r.complete = true;
  r.failures_before = failures_before;
  r.wal_pages = 1200;
  return r;
}

// The log's lines, parsed, of one event.
std::vector<nlohmann::json> Lines(const std::string& text, const std::string& event) {
  std::vector<nlohmann::json> found;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.value("msg", "") == event) found.push_back(j);
  }
  return found;
}

// The value of one sample line of /metrics, 0 when it is not there yet.
double Sample(const std::string& series) {
  std::istringstream in(leadrouter::metrics::Global().Render());
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return 0;
}

}  // namespace

TEST_CASE("a run of failed checkpoints is logged at its first and each doubling, and its end",
          "[ops][checkpoint_report]") {
  const std::string failed_series =
      R"(leadrouter_sqlite_checkpoints_total{by="thread",outcome="failed"})";
  const std::string complete_series =
      R"(leadrouter_sqlite_checkpoints_total{by="thread",outcome="complete"})";
  const double failed_before = Sample(failed_series);
  const double complete_before = Sample(complete_series);
  leadrouter::testing::LogCapture log;
  ReportCheckpoint(Completed(0));  // nothing to say
  for (int64_t n = 1; n <= 9; ++n) ReportCheckpoint(Failed(n));
  ReportCheckpoint(Completed(9));

  const auto failures = Lines(log.text(), "storage.checkpoint_failed");
  REQUIRE(failures.size() == 4);  // the 1st, 2nd, 4th and 8th
  CHECK(failures[0]["failures_in_a_row"] == 1);
  CHECK(failures[3]["failures_in_a_row"] == 8);
  CHECK(failures[3]["wal_pages"] == 1008);
  CHECK(failures[0]["error"] == "disk I/O error");
  CHECK(failures[0]["level"] == "error");
  CHECK(failures[0]["detail"].get<std::string>().find("free space") != std::string::npos);
  const auto recovered = Lines(log.text(), "storage.checkpoint_recovered");
  REQUIRE(recovered.size() == 1);
  CHECK(recovered[0]["failures_before"] == 9);

  // Every one is counted, logged or not.
  CHECK(Sample(failed_series) - failed_before == 9);
  CHECK(Sample(complete_series) - complete_before == 2);
}

TEST_CASE("a checkpoint at the WAL's bound is counted apart from the thread's",
          "[ops][checkpoint_report]") {
  const std::string series =
      R"(leadrouter_sqlite_checkpoints_total{by="commit",outcome="partial"})";
  const double before = Sample(series);
  WalCheckpointer::Report r;
  r.on_commit = true;
  r.ok = true;  // copied some, not all
  ReportCheckpoint(r);
  CHECK(Sample(series) - before == 1);
}
