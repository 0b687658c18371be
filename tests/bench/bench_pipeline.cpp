// bench_pipeline: the pipeline alone (pipeline::ProcessBody with the default
// rules, as `leadrouter serve` runs it on its loop thread for every lead),
// on bench_flow's hot lead. Prints the time per lead (p50/p90/p99), each
// step's median (parse, normalize, validate, score, intent, segment), and
// the leads a second one thread can process, so that a slower step shows
// up here before it shows up in bench_flow's "pipeline" stage. Not part of
// the pass/fail suite: exits 1 when the lead is rejected, 2 on bad
// arguments.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/process.h"
#include "pipeline/rules.h"
#include "storage/percentile.h"
#include "tests/bench/bench_support.h"
#include "tests/bench/machine.h"

namespace {

using SteadyClock = std::chrono::steady_clock;

double MsBetween(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// Each step's time, in the order the pipeline reports them.
class StepClock final : public leadrouter::pipeline::StepObserver {
 public:
  void Start() { last_ = SteadyClock::now(); }
  void StepDone(std::string_view step) override {
    const auto now = SteadyClock::now();
    auto it = index_.find(step);
    if (it == index_.end()) {
      it = index_.emplace(std::string(step), names_.size()).first;
      names_.emplace_back(step);
      ms_.emplace_back();
    }
    ms_[it->second].push_back(MsBetween(last_, now));
    last_ = now;
  }
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<double>& ms(size_t i) const { return ms_[i]; }

 private:
  SteadyClock::time_point last_;
  std::map<std::string, size_t, std::less<>> index_;
  std::vector<std::string> names_;
  std::vector<std::vector<double>> ms_;
};

}  // namespace

int main(int argc, char** argv) {
  int leads = 20000;
  int warmup = 2000;
  if (!leadrouter::bench::ParseFlags(argc, argv, {{"--leads", &leads}, {"--warmup", &warmup}},
                                     {})) {
    std::cerr << "usage: bench_pipeline [--leads N (20000)] [--warmup N (2000)]\n";
    return 2;
  }
  const leadrouter::pipeline::Rules rules;
  std::vector<std::string> bodies;
  bodies.reserve(static_cast<size_t>(warmup + leads));
  for (int i = 0; i < warmup + leads; ++i) bodies.push_back(leadrouter::bench::HotLead(i));

  const auto now = std::chrono::system_clock::now();
  for (int i = 0; i < warmup; ++i) {
    if (!leadrouter::pipeline::ProcessBody(bodies[static_cast<size_t>(i)], rules, now).ok()) {
      std::cerr << "the hot lead was rejected\n";
      return 1;
    }
  }
  StepClock steps;
  std::vector<double> per_lead;
  per_lead.reserve(static_cast<size_t>(leads));
  const auto run_started = SteadyClock::now();
  for (int i = warmup; i < warmup + leads; ++i) {
    const auto started = SteadyClock::now();
    steps.Start();
    const bool ok =
        leadrouter::pipeline::ProcessBody(bodies[static_cast<size_t>(i)], rules, now, &steps)
            .ok();
    per_lead.push_back(MsBetween(started, SteadyClock::now()));
    if (!ok) {
      std::cerr << "the hot lead was rejected\n";
      return 1;
    }
  }
  const double run_s = MsBetween(run_started, SteadyClock::now()) / 1000;

  std::cout << leadrouter::bench::DescribeMachine() << "\n";
  std::cout << "pipeline, " << leads << " hot leads on one thread: "
            << leadrouter::bench::Percentiles(per_lead) << "\n";
  for (size_t i = 0; i < steps.names().size(); ++i) {
    std::cout << "  " << steps.names()[i] << " p50 "
              << leadrouter::bench::Ms(*leadrouter::storage::Percentile(steps.ms(i), 50))
              << "\n";
  }
  std::printf("  %.0f leads/s on one thread\n", leads / run_s);
  return 0;
}
