#include "bot/enrichment/enrichment_jobs.h"

#include <chrono>

#include "bot/daemon/duration.h"
#include "bot/daemon/log.h"
#include "bot/intake/lead_metrics.h"
#include "bot/runtime/job_kinds.h"
#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/enrichment_store.h"

namespace leadrouter {
namespace {

using std::chrono::milliseconds;

// A 429 without Retry-After: pause the provider this long.
constexpr std::chrono::seconds kDefaultRateLimitPause(30);

// A lead routed when its wait ended counts as intake counts the others.
void Count(const EnrichmentRouting& routed) {
  CountRouted(routed.route, routed.route_name, routed.pool, routed.segment);
}

std::map<std::string, std::string> ValuesOf(const EnrichLookupJob& job) {
  return {{"address", job.address},
          {"zip", job.zip},
          {"mls_id", job.mls_id},
          {"email", job.email}};
}

}  // namespace

EnrichmentJobs::EnrichmentJobs(boost::asio::io_context& loop,
                               StorageWriter& writer, JobRunner& runner,
                               const Config& config, const Clock& clock)
    : writer_(writer), runner_(runner), config_(config), clock_(clock) {
  const auto add = [&](const std::string& name, const EnrichmentProvider& p) {
    if (!p.configured()) return;
    providers_.emplace(
        name, Provider{std::make_unique<LookupClient>(loop, name, p),
                       pipeline::LookupRate(p.rate_per_minute), p.cache_ttl,
                       p.rate_per_minute});
  };
  add("property", config.enrichment.property);
  add("person", config.enrichment.person);
}

EnrichmentJobs::~EnrichmentJobs() = default;

void EnrichmentJobs::Register() {
  runner_.Register(kJobEnrichLookup,
                   [this](const storage::Job& job, JobDone done) {
                     Lookup(job, std::move(done));
                   });
  runner_.Register(kJobEnrichDeadline,
                   [this](const storage::Job& job, JobDone done) {
                     Deadline(job, std::move(done));
                   });
}

void EnrichmentJobs::Lookup(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t lead_id = *job.lead_id;
  const EnrichLookupJob lookup = Decode<EnrichLookupJob>(job.payload);
  auto it = providers_.find(lookup.provider);
  if (it == providers_.end()) {
    LookupResult gone{lookup.provider};
    gone.failure = "enrichment." + lookup.provider + " is no longer configured";
    return Apply(lead_id, std::move(gone), "", JobOutcome::Done(),
                 std::move(done));
  }
  Provider& provider = it->second;
  const auto values = ValuesOf(lookup);
  const std::string key = provider.client->KeyFor(values);
  const SystemTime now = clock_.Now();
  const std::string name = lookup.provider;
  const milliseconds ttl = provider.cache_ttl;
  writer_.Call<std::optional<storage::CachedFacts>>(
      [name, key, now, ttl](storage::Database& db) {
        return storage::EnrichmentStore(db.db()).CachedAnswer(name, key, now,
                                                              ttl);
      },
      [this, &provider, lead_id, key, values, name,
       done](Result<std::optional<storage::CachedFacts>> cached) {
        if (!cached.ok())
          return done(JobOutcome::Retry(cached.status().message()));
        if (cached.value()) {
          LookupResult hit{name, true, cached.value()->facts};
          hit.cached = true;
          return Apply(lead_id, std::move(hit), "", JobOutcome::Done(), done);
        }
        Ask(provider, lead_id, key, values, done);
      });
}

void EnrichmentJobs::Ask(Provider& provider, int64_t lead_id,
                         const std::string& key,
                         const std::map<std::string, std::string>& values,
                         JobDone done) {
  const std::string name = provider.client->name();
  const SystemTime now = clock_.Now();
  const milliseconds wait = provider.rate.TryAcquire(now);
  if (wait > milliseconds(0)) {
    // Over the provider's rate: this lookup waits its turn. Postponing
    // gives the attempt back, so a long queue never dead-letters.
    const std::string why = "waiting for the " + name + " provider's rate of " +
                            std::to_string(provider.rate_per_minute) +
                            " lookups a minute";
    doing_[lead_id] = why;
    return done(JobOutcome::Postpone(now + wait, why));
  }
  doing_[lead_id] = "asking the " + name + " provider";
  const auto started = std::chrono::steady_clock::now();
  provider.client->Lookup(values, [this, &provider, lead_id, key, name, started,
                                   done](LookupAnswer answer) {
    const SystemTime at = clock_.Now();
    logging::Info("enrichment.lookup",
                  {{"lead_id", lead_id},
                   {"provider", name},
                   {"status", answer.status},
                   {"ms", std::chrono::duration_cast<milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count()}});
    const std::string service = "enrichment." + name;
    switch (answer.kind) {
      case LookupAnswer::Kind::kFacts: {
        LookupResult result{name, true, answer.read.facts, answer.read.missing};
        return Apply(lead_id, std::move(result), key, JobOutcome::Done(), done);
      }
      case LookupAnswer::Kind::kRateLimited: {
        const milliseconds pause = answer.retry_after
                                       ? milliseconds(*answer.retry_after)
                                       : milliseconds(kDefaultRateLimitPause);
        provider.rate.PauseUntil(at + pause);
        doing_[lead_id] = "the " + name +
                          " provider's quota is spent (429); "
                          "next try in " +
                          FormatDuration(pause);
        return done(JobOutcome::Unavailable(service, answer.detail, pause));
      }
      case LookupAnswer::Kind::kUnavailable: {
        doing_[lead_id] =
            "the " + name + " provider is unavailable: " + answer.detail;
        std::optional<milliseconds> retry;
        if (answer.retry_after) retry = milliseconds(*answer.retry_after);
        return done(JobOutcome::Unavailable(service, answer.detail, retry));
      }
      case LookupAnswer::Kind::kNotFound:
      case LookupAnswer::Kind::kMalformed: {
        logging::Warn("enrichment.lookup_failed", {{"lead_id", lead_id},
                                                   {"provider", name},
                                                   {"detail", answer.detail}});
        LookupResult failed{name};
        failed.failure = answer.detail;
        return Apply(lead_id, std::move(failed), "", JobOutcome::Done(), done);
      }
      case LookupAnswer::Kind::kRefused: {
        LookupResult failed{name};
        failed.failure = answer.detail;
        return Apply(lead_id, std::move(failed), "",
                     JobOutcome::Fail(service + ": " + answer.detail), done);
      }
    }
  });
}

void EnrichmentJobs::Apply(int64_t lead_id, LookupResult result,
                           std::string cache_key, JobOutcome outcome,
                           JobDone done) {
  doing_.erase(lead_id);
  const SystemTime now = clock_.Now();
  // The rules as the loop sees them now (a reload replaces them here).
  auto rules = std::make_shared<const pipeline::Rules>(config_.rules);
  auto shared = std::make_shared<LookupResult>(std::move(result));
  const Config& config = config_;
  writer_.Call<EnrichmentRouting>(
      [lead_id, shared, cache_key, rules, now, &config](storage::Database& db) {
        if (!cache_key.empty()) {
          storage::EnrichmentStore(db.db()).CacheAnswer(
              shared->provider, cache_key, shared->facts, now);
        }
        return ApplyLookup(db, lead_id, *shared, *rules, now, config);
      },
      [this, outcome = std::move(outcome),
       done](Result<EnrichmentRouting> routed) {
        if (!routed.ok())
          return done(JobOutcome::Retry(routed.status().message()));
        Count(routed.value());
        runner_.Wake();
        done(outcome);
      });
}

void EnrichmentJobs::Deadline(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t lead_id = *job.lead_id;
  std::string why = "the lookups had not answered within " +
                    FormatDuration(config_.enrichment.deadline);
  if (auto it = doing_.find(lead_id); it != doing_.end()) {
    why += ": " + it->second;
  } else if (config_.llm.configured() &&
             (!config_.enrichment.configured() ||
              config_.llm.deadline < config_.enrichment.deadline)) {
    // The one wait also covers the language model (its deadline is the
    // earlier one, or the only one).
    why = "the answers it waited for (the language model's reading) had not "
          "come within " +
          FormatDuration(config_.llm.deadline);
  }
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  writer_.Call<EnrichmentRouting>(
      [lead_id, why, now, &config](storage::Database& db) {
        return RouteAtDeadline(db, lead_id, why, now, config);
      },
      [this, done](Result<EnrichmentRouting> routed) {
        if (!routed.ok())
          return done(JobOutcome::Retry(routed.status().message()));
        Count(routed.value());
        runner_.Wake();
        done(JobOutcome::Done());
      });
}

}  // namespace leadrouter
