#include "bot/metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <map>
#include <mutex>
#include <tuple>
#include <set>

#include "bot/metrics/label_cap.h"
#include "bot/metrics/process_stats.h"

namespace leadrouter::metrics {
namespace {

using prometheus::Histogram;

// Intake to Slack is promised in well under a second; a lead that waited on
// an outage shows in the top buckets.
const Histogram::BucketBoundaries kSlackSeconds = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

// People's pace: an automatic assignment lands in the first bucket, a claim
// in the shark tank takes seconds to minutes, a first call minutes to a
// day (SLAs are set in minutes; a lead worked next morning shows at 1 d).
const Histogram::BucketBoundaries kHumanSeconds = {
    1, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200};
}  // namespace

struct Metrics::Impl {
  prometheus::Registry registry;
  // One cap per label name, so values of one label (Slack's error codes,
  // say) can never use up the room of another (a lead's segment).
  std::mutex caps_mutex;
  std::map<std::string, LabelCap, std::less<>> caps;

  std::string Bounded(std::string_view label, std::string_view value) {
    LabelCap* cap = nullptr;
    {
      std::lock_guard<std::mutex> lock(caps_mutex);
      auto it = caps.find(label);
      if (it == caps.end()) {
        const size_t limit = label == "source" ? kMaxSources
                             : label == "method" ? kMaxMethods
                                                 : kMaxKinds;
        it = caps.emplace(std::piecewise_construct, std::forward_as_tuple(label),
                          std::forward_as_tuple(limit))
                 .first;
      }
      cap = &it->second;  // map nodes stay where they are
    }
    return cap->Apply(value);
  }

  prometheus::Family<prometheus::Counter>& received =
      prometheus::BuildCounter()
          .Name("leadrouter_leads_received_total")
          .Help("Leads taken in, by front door, source and status")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& rejected =
      prometheus::BuildCounter()
          .Name("leadrouter_leads_rejected_total")
          .Help("Requests refused at intake, by front door and reason")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& routed =
      prometheus::BuildCounter()
          .Name("leadrouter_leads_routed_total")
          .Help("New leads routed, by route, pool and segment")
          .Register(registry);
  prometheus::Family<Histogram>& to_slack =
      prometheus::BuildHistogram()
          .Name("leadrouter_intake_to_slack_seconds")
          .Help("From a lead's intake to its first Slack post or DM")
          .Register(registry);
  Histogram& to_claim = prometheus::BuildHistogram()
                            .Name("leadrouter_time_to_claim_seconds")
                            .Help("From a lead's intake to its first owner (claim or assignment)")
                            .Register(registry)
                            .Add({}, kHumanSeconds);
  Histogram& to_contact = prometheus::BuildHistogram()
                              .Name("leadrouter_time_to_first_contact_seconds")
                              .Help("From a lead's intake to its first recorded human contact")
                              .Register(registry)
                              .Add({}, kHumanSeconds);
  prometheus::Family<prometheus::Counter>& jobs =
      prometheus::BuildCounter()
          .Name("leadrouter_jobs_finished_total")
          .Help("Job attempts finished, by kind and outcome")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& jobs_due =
      prometheus::BuildGauge()
          .Name("leadrouter_jobs_due")
          .Help("Pending jobs due now, by kind")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& jobs_scheduled =
      prometheus::BuildGauge()
          .Name("leadrouter_jobs_scheduled")
          .Help("Pending jobs due later (timers, follow-up steps), by kind")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& jobs_running =
      prometheus::BuildGauge()
          .Name("leadrouter_jobs_running")
          .Help("Jobs being run, by kind")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& dead_letters =
      prometheus::BuildGauge()
          .Name("leadrouter_dead_letters")
          .Help("Dead letters waiting for Replay or Drop, by kind")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& oldest_due =
      prometheus::BuildGauge()
          .Name("leadrouter_oldest_due_job_age_seconds")
          .Help("How long the oldest due job has waited, by kind")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& slack_calls =
      prometheus::BuildCounter()
          .Name("leadrouter_slack_api_calls_total")
          .Help("Slack Web API answers, by method and result")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& slack_429 =
      prometheus::BuildCounter()
          .Name("leadrouter_slack_rate_limited_total")
          .Help("Slack Web API answers of 429, by method")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& slack_state =
      prometheus::BuildGauge()
          .Name("leadrouter_slack_connection_state")
          .Help("1 for the Socket Mode link's current state, 0 for the others")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& deliveries =
      prometheus::BuildCounter()
          .Name("leadrouter_deliveries_total")
          .Help("Follow-up deliveries, by channel and outcome")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& emails_received =
      prometheus::BuildCounter()
          .Name("leadrouter_emails_received_total")
          .Help("Raw inbound e-mails stored, by the door they came by and status")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& emails =
      prometheus::BuildCounter()
          .Name("leadrouter_emails_total")
          .Help("Inbound e-mails parsed, by outcome and source rule")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& llm_calls =
      prometheus::BuildCounter()
          .Name("leadrouter_llm_calls_total")
          .Help("Leads the language model was asked about, by outcome")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& llm_tokens =
      prometheus::BuildCounter()
          .Name("leadrouter_llm_tokens_total")
          .Help("Tokens the language model's answers reported, by kind")
          .Register(registry);

  prometheus::Family<prometheus::Counter>& checkpoints =
      prometheus::BuildCounter()
          .Name("leadrouter_sqlite_checkpoints_total")
          .Help("Checkpoints of SQLite's WAL into the database file, by who ran them "
                "(thread, or the commit at the WAL's bound) and outcome")
          .Register(registry);
  prometheus::Gauge& wal_pages = prometheus::BuildGauge()
                                     .Name("leadrouter_sqlite_wal_pages")
                                     .Help("Pages in SQLite's WAL after the last commit")
                                     .Register(registry)
                                     .Add({});

  // process_* as every exporter reports them.
  prometheus::Counter& cpu = prometheus::BuildCounter()
                                 .Name("process_cpu_seconds_total")
                                 .Help("Total user and system CPU time spent in seconds")
                                 .Register(registry)
                                 .Add({});
  prometheus::Gauge& rss = prometheus::BuildGauge()
                               .Name("process_resident_memory_bytes")
                               .Help("Resident memory size in bytes")
                               .Register(registry)
                               .Add({});
  prometheus::Gauge& vsize = prometheus::BuildGauge()
                                 .Name("process_virtual_memory_bytes")
                                 .Help("Virtual memory size in bytes")
                                 .Register(registry)
                                 .Add({});
  prometheus::Gauge& start = prometheus::BuildGauge()
                                 .Name("process_start_time_seconds")
                                 .Help("Start time of the process since unix epoch in seconds")
                                 .Register(registry)
                                 .Add({});
  prometheus::Gauge& fds = prometheus::BuildGauge()
                               .Name("process_open_fds")
                               .Help("Number of open file descriptors")
                               .Register(registry)
                               .Add({});
  prometheus::Gauge& max_fds = prometheus::BuildGauge()
                                   .Name("process_max_fds")
                                   .Help("Maximum number of open file descriptors")
                                   .Register(registry)
                                   .Add({});

  std::mutex state_mutex;
  std::string state;                 // the Slack state whose gauge is 1
  std::set<std::string> gauge_kinds; // kinds the job gauges have named
  std::mutex render_mutex;
  double cpu_reported = 0;           // what the cpu counter has been given
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

prometheus::Registry& Metrics::registry() { return impl_->registry; }

void Metrics::LeadReceived(std::string_view channel, std::string_view source,
                           std::string_view status) {
  impl_->received
      .Add({{"channel", impl_->Bounded("channel", channel)},
            {"source", impl_->Bounded("source", source)},
            {"status", impl_->Bounded("status", status)}})
      .Increment();
}

void Metrics::LeadRejected(std::string_view channel, std::string_view reason) {
  impl_->rejected
      .Add({{"channel", impl_->Bounded("channel", channel)}, {"reason", impl_->Bounded("reason", reason)}})
      .Increment();
}

void Metrics::LeadRouted(std::string_view route, std::string_view pool,
                         std::string_view segment) {
  impl_->routed
      .Add({{"route", impl_->Bounded("route", route)},
            {"pool", impl_->Bounded("pool", pool)},
            {"segment", impl_->Bounded("segment", segment)}})
      .Increment();
}

void Metrics::ObserveIntakeToSlack(double seconds) {
  impl_->to_slack.Add({}, kSlackSeconds).Observe(seconds);
}
void Metrics::ObserveTimeToClaim(double seconds) { impl_->to_claim.Observe(seconds); }

void Metrics::ObserveTimeToFirstContact(double seconds) {
  impl_->to_contact.Observe(seconds);
}

void Metrics::ObserveMilestone(const storage::LeadMilestone& milestone) {
  const double seconds = std::chrono::duration<double>(milestone.since_intake).count();
  switch (milestone.kind) {
    case storage::LeadMilestone::Kind::kFirstOwner:
      return ObserveTimeToClaim(seconds);
    case storage::LeadMilestone::Kind::kFirstContact:
      return ObserveTimeToFirstContact(seconds);
  }
}

void Metrics::JobFinished(std::string_view kind, std::string_view outcome) {
  impl_->jobs
      .Add({{"kind", impl_->Bounded("kind", kind)}, {"outcome", impl_->Bounded("outcome", outcome)}})
      .Increment();
}

void Metrics::SlackCall(std::string_view method, std::string_view result) {
  impl_->slack_calls
      .Add({{"method", impl_->Bounded("method", method)}, {"result", impl_->Bounded("result", result)}})
      .Increment();
}

void Metrics::SlackRateLimited(std::string_view method) {
  impl_->slack_429.Add({{"method", impl_->Bounded("method", method)}}).Increment();
}

void Metrics::Delivery(std::string_view channel, std::string_view outcome) {
  impl_->deliveries
      .Add({{"channel", impl_->Bounded("channel", channel)}, {"outcome", impl_->Bounded("outcome", outcome)}})
      .Increment();
}

void Metrics::EmailReceived(std::string_view via, std::string_view status) {
  impl_->emails_received
      .Add({{"via", impl_->Bounded("via", via)}, {"status", impl_->Bounded("status", status)}})
      .Increment();
}

void Metrics::EmailParsed(std::string_view outcome, std::string_view source) {
  impl_->emails
      .Add({{"outcome", impl_->Bounded("outcome", outcome)},
            {"source", impl_->Bounded("source", source.empty() ? "none" : source)}})
      .Increment();
}

void Metrics::LlmCall(std::string_view outcome) {
  impl_->llm_calls.Add({{"outcome", impl_->Bounded("outcome", outcome)}})
      .Increment();
}

void Metrics::LlmTokens(std::string_view kind, double tokens) {
  if (tokens <= 0) return;
  impl_->llm_tokens.Add({{"kind", impl_->Bounded("kind", kind)}})
      .Increment(tokens);
}

void Metrics::SetJobGauges(const std::vector<JobGauges>& kinds) {
  std::lock_guard<std::mutex> lock(impl_->state_mutex);
  std::set<std::string> now_seen;
  auto set = [this](const std::string& kind, const JobGauges& g) {
    const prometheus::Labels labels{{"kind", kind}};
    impl_->jobs_due.Add(labels).Set(g.due);
    impl_->jobs_scheduled.Add(labels).Set(g.scheduled);
    impl_->jobs_running.Add(labels).Set(g.running);
    impl_->dead_letters.Add(labels).Set(g.dead);
    impl_->oldest_due.Add(labels).Set(g.oldest_due_seconds);
  };
  for (const JobGauges& g : kinds) {
    std::string kind = impl_->Bounded("kind", g.kind);
    set(kind, g);
    now_seen.insert(kind);
  }
  for (const std::string& kind : impl_->gauge_kinds) {
    if (!now_seen.count(kind)) set(kind, JobGauges{});
  }
  impl_->gauge_kinds.insert(now_seen.begin(), now_seen.end());
}

void Metrics::SetSlackState(std::string_view state) {
  std::lock_guard<std::mutex> lock(impl_->state_mutex);
  if (!impl_->state.empty() && impl_->state != state) {
    impl_->slack_state.Add({{"state", impl_->state}}).Set(0);
  }
  impl_->state = impl_->Bounded("state", state);
  impl_->slack_state.Add({{"state", impl_->state}}).Set(1);
}

void Metrics::Checkpoint(std::string_view by, std::string_view outcome) {
  impl_->checkpoints
      .Add({{"by", impl_->Bounded("by", by)}, {"outcome", impl_->Bounded("outcome", outcome)}})
      .Increment();
}

void Metrics::SetWalPages(double pages) { impl_->wal_pages.Set(pages); }

std::string Metrics::Render() {
  std::lock_guard<std::mutex> lock(impl_->render_mutex);
  if (auto p = ReadProcessStats()) {
    if (p->cpu_seconds > impl_->cpu_reported) {
      impl_->cpu.Increment(p->cpu_seconds - impl_->cpu_reported);
      impl_->cpu_reported = p->cpu_seconds;
    }
    impl_->rss.Set(p->resident_bytes);
    impl_->vsize.Set(p->virtual_bytes);
    impl_->start.Set(p->start_time_seconds);
    impl_->fds.Set(p->open_fds);
    impl_->max_fds.Set(p->max_fds);
  }
  return prometheus::TextSerializer().Serialize(impl_->registry.Collect());
}

Metrics& Global() {
  static Metrics metrics;
  return metrics;
}

}  // namespace leadrouter::metrics
