// [llm]: the language model that reads a lead the rules are unsure of.
// Plain values read once from the config file; the API key itself stays in
// the environment variable `api_key_env` names and is never kept here.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "pipeline/lead.h"

namespace leadrouter {

enum class LlmMode {
  kJsonSchema,  // response_format json_schema (OpenAI, vLLM, llama.cpp)
  kJsonObject,  // response_format json_object (older servers, Ollama)
};

struct LlmConfig {
  // Any OpenAI-compatible server: POST {base_url}/chat/completions.
  // Empty: no [llm] table, the rules alone decide.
  std::string base_url;
  std::string model;
  std::string api_key_env;  // "" sends no Authorization header
  std::string ca_file;      // extra trusted PEM; empty: the system store
  std::chrono::milliseconds timeout = std::chrono::seconds(3);
  LlmMode mode = LlmMode::kJsonSchema;
  int daily_limit = 0;  // calls per UTC day; 0: no limit of ours
  // An unsure lead waits at most this long for the answer before it routes.
  std::chrono::milliseconds deadline = std::chrono::milliseconds(1500);
  // The rules' intents that count as unsure; and whether a decision that
  // named no words of the message (low rule confidence) counts too.
  std::vector<pipeline::Intent> unsure_intents = {
      pipeline::Intent::kGeneralInquiry};
  bool unsure_without_evidence = true;
  // The circuit breaker: this many 429s or 5xx in a row stop the calls for
  // `breaker_pause` (or as long as Retry-After asks).
  int breaker_failures = 3;
  std::chrono::milliseconds breaker_pause = std::chrono::seconds(60);
  bool configured() const { return !base_url.empty(); }
};

}  // namespace leadrouter
