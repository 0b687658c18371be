// EnrichmentJobs: the executors of route.enrich_lookup and
// route.enrich_deadline. A lookup is served from the cache when it can,
// else waits its turn under the provider's rate_per_minute (postponed, never
// dropped), then asks the provider; 429 and 5xx wait as an unavailable
// service does (Retry-After honoured), and the answer, or the reason the
// lookup gave up, goes into the lead in one transaction
// (bot/enrichment/apply_enrichment). The deadline routes a lead still
// waiting, its timeline saying what the lookup was doing.
// Thread rule: loop thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "bot/daemon/config.h"
#include "bot/enrichment/apply_enrichment.h"
#include "bot/enrichment/lookup_client.h"
#include "bot/runtime/clock.h"
#include "bot/runtime/job_runner.h"
#include "pipeline/lookup_rate.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

class StorageWriter;

class EnrichmentJobs {
 public:
  // Every reference must outlive this object and the runner's use of it.
  EnrichmentJobs(boost::asio::io_context& loop, StorageWriter& writer,
                 JobRunner& runner, const Config& config, const Clock& clock);
  ~EnrichmentJobs();

  // Registers both kinds (the deadline even with no provider configured,
  // so a lead left waiting by an older config still routes).
  void Register();

 private:
  struct Provider {
    std::unique_ptr<LookupClient> client;
    pipeline::LookupRate rate;
    std::chrono::milliseconds cache_ttl;
    int rate_per_minute = 0;
  };

  void Lookup(const storage::Job& job, JobDone done);
  void Ask(Provider& provider, int64_t lead_id, const std::string& key,
           const std::map<std::string, std::string>& values, JobDone done);
  void Deadline(const storage::Job& job, JobDone done);
  // Writes `result` into the lead (and `cache_key`'s answer when given),
  // then finishes the job with `outcome`.
  void Apply(int64_t lead_id, LookupResult result, std::string cache_key,
             JobOutcome outcome, JobDone done);

  StorageWriter& writer_;
  JobRunner& runner_;
  const Config& config_;
  const Clock& clock_;
  std::map<std::string, Provider> providers_;
  // What each waiting lead's lookup is doing now ("waiting for the
  // property provider's rate of 60 a minute"), for the deadline's reason.
  std::map<int64_t, std::string> doing_;
};

}  // namespace leadrouter
