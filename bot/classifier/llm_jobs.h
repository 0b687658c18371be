// LlmJobs: the executor of route.llm_classify. A reading is served from the
// cache (model, prompt version, text hash) when it can; else, unless the
// circuit breaker has paused the calls (repeated 429s or 5xx, Retry-After
// honoured) or llm.daily_limit is spent, the model is asked once. The
// answer, or the reason there is none, goes into the lead in one
// transaction (bot/classifier/apply_classification); the job is never
// retried: a lead that waits must not wait on a retry, and the rules'
// decision stands. Counts calls and tokens (bot/metrics).
// Thread rule: loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bot/classifier/apply_classification.h"
#include "bot/daemon/config.h"
#include "bot/runtime/clock.h"
#include "bot/runtime/job_runner.h"
#include "pipeline/call_breaker.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

class LlmClient;
class StorageWriter;

class LlmJobs {
 public:
  // Every reference must outlive this object and the runner's use of it.
  LlmJobs(boost::asio::io_context& loop, StorageWriter& writer,
          JobRunner& runner, const Config& config,
          std::optional<std::string> api_key, const Clock& clock);
  ~LlmJobs();

  // Registers the kind (even without [llm], so a job written under an
  // older config ends its lead's wait).
  void Register();

 private:
  void Classify(const storage::Job& job, JobDone done);
  void Ask(int64_t lead_id, const std::string& text, const std::string& hash,
           JobDone done);
  // Writes `outcome` into the lead (and caches a fresh reading under
  // `hash`), counts `metric`, then finishes the job.
  void Finish(int64_t lead_id, ModelOutcome outcome, std::string hash,
              const char* metric, JobDone done);

  StorageWriter& writer_;
  JobRunner& runner_;
  const Config& config_;
  const Clock& clock_;
  std::unique_ptr<LlmClient> client_;
  pipeline::CallBreaker breaker_;
};

}  // namespace leadrouter
