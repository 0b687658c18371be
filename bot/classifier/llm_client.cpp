#include "bot/classifier/llm_client.h"

#include "bot/http/https_client.h"

namespace leadrouter {

LlmClient::LlmClient(boost::asio::io_context& loop, const LlmConfig& config,
                     std::optional<std::string> api_key)
    : config_(config), api_key_(std::move(api_key)) {
  HttpsClientOptions options;
  options.base_url = config_.base_url;
  options.ca_file = config_.ca_file;
  options.timeout = config_.timeout;
  options.log_name = "llm";
  options.url_key = "llm.base_url";
  http_ = std::make_unique<HttpsClient>(loop, std::move(options));
}

LlmClient::~LlmClient() = default;

void LlmClient::Classify(const std::string& cleaned_text,
                         std::function<void(LlmReply)> done) {
  HttpsRequest request;
  request.method = "POST";
  request.target = "chat/completions";
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Accept", "application/json");
  if (api_key_) {
    request.headers.emplace_back("Authorization", "Bearer " + *api_key_);
  }
  request.body = pipeline::BuildLlmRequest(
                     cleaned_text, config_.model,
                     config_.mode == LlmMode::kJsonSchema)
                     .dump(-1, ' ', false,
                           nlohmann::json::error_handler_t::replace);
  const std::string timeout = std::to_string(config_.timeout.count());
  http_->Send(std::move(request), [cleaned_text, timeout,
                                   done = std::move(done)](
                                      HttpsResponse response) {
    LlmReply reply;
    reply.status = response.status;
    const std::string error = pipeline::LlmErrorDetail(response.body);
    const std::string said = error.empty() ? "" : ": " + error;
    if (response.status == 0) {
      const bool timed_out =
          response.transport_error.find("within") != std::string::npos;
      reply.kind =
          timed_out ? LlmReply::Kind::kTimeout : LlmReply::Kind::kUnavailable;
      reply.detail = timed_out ? "no answer within the timeout of " + timeout +
                                     " ms"
                               : "the server could not be reached: " +
                                     response.transport_error;
    } else if (response.status == 429) {
      reply.kind = LlmReply::Kind::kRateLimited;
      reply.retry_after = response.RetryAfter();
      reply.detail = "the server answered 429 (rate limited)" + said;
    } else if (response.status >= 500) {
      reply.kind = LlmReply::Kind::kUnavailable;
      reply.retry_after = response.RetryAfter();
      reply.detail =
          "the server answered " + std::to_string(response.status) + said;
    } else if (response.status >= 300) {
      reply.kind = LlmReply::Kind::kRefused;
      reply.detail = "the server refused the request (" +
                     std::to_string(response.status) + ")" + said;
    } else {
      reply.kind = LlmReply::Kind::kAnswer;
      reply.answer = pipeline::ParseLlmAnswer(response.body, cleaned_text);
    }
    done(std::move(reply));
  });
}

}  // namespace leadrouter
