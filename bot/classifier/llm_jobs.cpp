#include "bot/classifier/llm_jobs.h"

#include <chrono>
#include <cstdio>

#include "bot/classifier/llm_client.h"
#include "bot/daemon/duration.h"
#include "bot/daemon/log.h"
#include "bot/intake/lead_metrics.h"
#include "bot/metrics/metrics.h"
#include "bot/runtime/digest.h"
#include "bot/runtime/job_kinds.h"
#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/llm_store.h"

namespace leadrouter {
namespace {

using std::chrono::milliseconds;

// What the writer found before any call: a cached reading, or whether the
// model may be asked.
struct BeforeCall {
  enum class Kind { kCached, kPaused, kOverLimit, kCall } kind = Kind::kCall;
  std::optional<pipeline::ModelReading> cached;
};

// "2026-03-14": the UTC day llm.daily_limit counts in.
std::string UtcDay(SystemTime now) {
  const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(now)};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return out;
}

storage::LlmCacheKey KeyOf(const Config& config, const std::string& hash) {
  return {config.llm.model, pipeline::kLlmPromptVersion, hash};
}

const char* MetricOf(LlmReply::Kind kind) {
  switch (kind) {
    case LlmReply::Kind::kAnswer:
      return "answered";
    case LlmReply::Kind::kRateLimited:
      return "rate_limited";
    case LlmReply::Kind::kUnavailable:
      return "unavailable";
    case LlmReply::Kind::kTimeout:
      return "timeout";
    case LlmReply::Kind::kRefused:
      return "refused";
  }
  return "unavailable";
}

}  // namespace

LlmJobs::LlmJobs(boost::asio::io_context& loop, StorageWriter& writer,
                 JobRunner& runner, const Config& config,
                 std::optional<std::string> api_key, const Clock& clock)
    : writer_(writer),
      runner_(runner),
      config_(config),
      clock_(clock),
      breaker_(config.llm.breaker_failures, config.llm.breaker_pause) {
  if (config.llm.configured()) {
    client_ = std::make_unique<LlmClient>(loop, config.llm, std::move(api_key));
  }
}

LlmJobs::~LlmJobs() = default;

void LlmJobs::Register() {
  runner_.Register(kJobLlmClassify,
                   [this](const storage::Job& job, JobDone done) {
                     Classify(job, std::move(done));
                   });
}

void LlmJobs::Classify(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t lead_id = *job.lead_id;
  const LlmClassifyJob payload = Decode<LlmClassifyJob>(job.payload);
  if (!client_) {
    ModelOutcome gone;
    gone.failure = "[llm] is no longer configured";
    return Finish(lead_id, std::move(gone), "", "fallback", std::move(done));
  }
  const std::string hash = Sha256Hex(payload.text);
  const SystemTime now = clock_.Now();
  const std::optional<SystemTime> paused = breaker_.PausedUntil(now);
  const storage::LlmCacheKey key = KeyOf(config_, hash);
  const std::string day = UtcDay(now);
  const int limit = config_.llm.daily_limit;
  const std::string text = payload.text;
  writer_.Call<BeforeCall>(
      [key, day, limit, text, paused = paused.has_value()](
          storage::Database& db) {
        BeforeCall out;
        storage::LlmStore store(db.db());
        if (auto stored = store.CachedReading(key)) {
          out.cached = pipeline::ReadingFromJson(*stored, text);
          if (out.cached) {
            out.kind = BeforeCall::Kind::kCached;
            return out;
          }
        }
        if (paused) {
          out.kind = BeforeCall::Kind::kPaused;
        } else if (!store.TakeCall(day, limit)) {
          out.kind = BeforeCall::Kind::kOverLimit;
        }
        return out;
      },
      [this, lead_id, text, hash, paused, done](Result<BeforeCall> before) {
        if (!before.ok()) return done(JobOutcome::Retry(before.status().message()));
        ModelOutcome outcome;
        switch (before.value().kind) {
          case BeforeCall::Kind::kCached:
            outcome.reading = before.value().cached;
            outcome.cached = true;
            return Finish(lead_id, std::move(outcome), "", "cached", done);
          case BeforeCall::Kind::kPaused:
            outcome.failure =
                "calls to the model are paused for " +
                FormatDuration(std::chrono::duration_cast<milliseconds>(
                    *paused - clock_.Now())) +
                " after it answered 429 or 5xx";
            return Finish(lead_id, std::move(outcome), "", "breaker_open", done);
          case BeforeCall::Kind::kOverLimit:
            outcome.failure = "the daily limit of " +
                              std::to_string(config_.llm.daily_limit) +
                              " model calls is reached";
            return Finish(lead_id, std::move(outcome), "", "daily_limit", done);
          case BeforeCall::Kind::kCall:
            return Ask(lead_id, text, hash, done);
        }
      });
}

void LlmJobs::Ask(int64_t lead_id, const std::string& text,
                  const std::string& hash, JobDone done) {
  const auto started = std::chrono::steady_clock::now();
  client_->Classify(text, [this, lead_id, hash, started,
                           done](LlmReply reply) {
    const int64_t ms = std::chrono::duration_cast<milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
    const SystemTime at = clock_.Now();
    const bool overload = reply.kind == LlmReply::Kind::kRateLimited ||
                          (reply.kind == LlmReply::Kind::kUnavailable &&
                           reply.status >= 500);
    if (overload) {
      std::optional<milliseconds> retry;
      if (reply.retry_after) retry = milliseconds(*reply.retry_after);
      breaker_.OnOverload(at, retry);
    } else if (reply.kind == LlmReply::Kind::kAnswer) {
      breaker_.OnAnswer();
    }
    metrics::Metrics& counted = metrics::Global();
    counted.LlmTokens("prompt",
                      static_cast<double>(reply.answer.usage.prompt_tokens));
    counted.LlmTokens("completion",
                      static_cast<double>(reply.answer.usage.completion_tokens));
    ModelOutcome outcome;
    outcome.latency_ms = ms;
    const char* metric = MetricOf(reply.kind);
    if (reply.kind == LlmReply::Kind::kAnswer) {
      outcome.reading = reply.answer.reading;
      outcome.failure = reply.answer.failure;
      if (!outcome.reading) metric = "fallback";
    } else {
      outcome.failure = reply.detail;
    }
    logging::Info("llm.classify", {{"lead_id", lead_id},
                                   {"status", reply.status},
                                   {"outcome", metric},
                                   {"ms", ms}});
    if (!outcome.reading) {
      // An answer's failure may quote the message: that stays on the
      // lead's timeline, out of the log.
      logging::Warn("llm.fallback",
                    {{"lead_id", lead_id},
                     {"reason", reply.kind == LlmReply::Kind::kAnswer
                                    ? "the answer failed its checks (see "
                                      "the lead's timeline)"
                                    : outcome.failure}});
    }
    std::string cache_under = outcome.reading ? hash : "";
    Finish(lead_id, std::move(outcome), std::move(cache_under), metric, done);
  });
}

void LlmJobs::Finish(int64_t lead_id, ModelOutcome outcome, std::string hash,
                     const char* metric, JobDone done) {
  metrics::Global().LlmCall(metric);
  const SystemTime now = clock_.Now();
  auto shared = std::make_shared<ModelOutcome>(std::move(outcome));
  const Config& config = config_;
  writer_.Call<EnrichmentRouting>(
      [lead_id, shared, hash, now, &config](storage::Database& db) {
        if (!hash.empty() && shared->reading) {
          storage::LlmStore(db.db()).CacheReading(
              KeyOf(config, hash), pipeline::ReadingToJson(*shared->reading),
              now);
        }
        return ApplyModelOutcome(db, lead_id, *shared, now, config);
      },
      [this, done](Result<EnrichmentRouting> routed) {
        if (!routed.ok()) return done(JobOutcome::Retry(routed.status().message()));
        const EnrichmentRouting& r = routed.value();
        CountRouted(r.route, r.route_name, r.pool, r.segment);
        runner_.Wake();
        done(JobOutcome::Done());
      });
}

}  // namespace leadrouter
