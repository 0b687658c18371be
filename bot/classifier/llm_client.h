// LlmClient: the language model's server, any OpenAI-compatible
// POST {base_url}/chat/completions, over the daemon's HTTPS client
// (bot/http/https_client: plain http only to a loopback server). The API
// key (from the variable llm.api_key_env names) goes only into the
// Authorization header; neither it nor the lead's text is logged.
// Thread rule: loop thread only; `done` is called there, once.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bot/classifier/llm_config.h"
#include "pipeline/llm_exchange.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

class HttpsClient;

struct LlmReply {
  enum class Kind {
    kAnswer,       // 2xx: `answer` holds the checked reading or its failure
    kRateLimited,  // 429: `retry_after` when the server sent one
    kUnavailable,  // 5xx or no answer: waiting may fix it
    kTimeout,      // no answer within llm.timeout
    kRefused,      // another status (a refused key, a bad request)
  };
  Kind kind = Kind::kUnavailable;
  pipeline::LlmAnswer answer;
  std::optional<std::chrono::seconds> retry_after;
  int status = 0;
  std::string detail;  // why, when not kAnswer: for the timeline
};

class LlmClient {
 public:
  // `loop` must outlive the client.
  LlmClient(boost::asio::io_context& loop, const LlmConfig& config,
            std::optional<std::string> api_key);
  ~LlmClient();
  LlmClient(const LlmClient&) = delete;
  LlmClient& operator=(const LlmClient&) = delete;

  // Asks about `cleaned_text` (pipeline::CleanTextForModel).
  void Classify(const std::string& cleaned_text,
                std::function<void(LlmReply)> done);

 private:
  LlmConfig config_;
  std::optional<std::string> api_key_;
  std::unique_ptr<HttpsClient> http_;
};

}  // namespace leadrouter
